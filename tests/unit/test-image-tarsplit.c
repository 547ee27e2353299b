/* Unit tests of daemon/image/image-tarsplit.c: tars written by libarchive
 * in three formats (pax, GNU, ustar: long names, a ustar prefix, hard
 * links, empty and odd-sized files, record padding) are recorded, then
 * rebuilt from a directory holding the same files: the bytes must hash as
 * the original. A changed file, a truncated stream and a missing record
 * fail. */
#include "image-internal.h"
#include "image-tarsplit.h"

#include "fs-util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];

#define LONG_DIR "d/ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"
#define LONG_FILE LONG_DIR "/ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static void
entry(struct archive *a, const char *name, mode_t type, const char *data, size_t len, const char *link)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	archive_entry_set_mtime(e, 1700000000, 0);
	if (link)
		archive_entry_set_hardlink(e, link);
	archive_entry_set_size(e, type == AE_IFREG && !link ? (la_int64_t)len : 0);
	assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
	if (len && !link)
		assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

/* A tar in format fmt into buf; its length. */
static size_t
make_tar(int fmt, char *buf, size_t cap, const char *big, size_t big_len)
{
	struct archive *a = archive_write_new();
	size_t used = 0;

	archive_write_set_format(a, fmt);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	entry(a, "d/", AE_IFDIR, NULL, 0, NULL);
	entry(a, LONG_DIR "/", AE_IFDIR, NULL, 0, NULL);
	entry(a, LONG_FILE, AE_IFREG, "long\n", 5, NULL);
	entry(a, "d/empty", AE_IFREG, NULL, 0, NULL);
	entry(a, "d/big", AE_IFREG, big, big_len, NULL);
	entry(a, "d/link", AE_IFREG, NULL, 0, "d/big");
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return used;
}

static void
write_file(const char *rel, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Record tar (fed in odd-sized pieces) into DIR/split; finish's verdict. */
static bool
record(const char *tar, size_t len, size_t cut)
{
	char path[512];
	FILE *f;
	struct image_tarsplit *ts;
	bool ok;

	snprintf(path, sizeof(path), "%s/split", dir);
	f = fopen(path, "we");
	assert_non_null(f);
	ts = image_tarsplit_new(f);
	for (size_t at = 0; at < len - cut; at += 333)
		image_tarsplit_feed(ts, tar + at, len - cut - at < 333 ? len - cut - at : 333);
	ok = image_tarsplit_finish(ts);
	fclose(f);
	return ok;
}

static int
rebuild(char hex[65], uint64_t *size)
{
	char path[512], root[512];
	int lfd, out, r;

	snprintf(path, sizeof(path), "%s/split", dir);
	snprintf(root, sizeof(root), "%s/layer", dir);
	lfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(lfd >= 0 && out >= 0);
	r = image_tarsplit_rebuild(path, lfd, out, hex, size);
	close(lfd);
	close(out);
	return r;
}

static void
test_round_trip(void **state)
{
	static const int fmts[] = { ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FORMAT_TAR_GNUTAR,
				    ARCHIVE_FORMAT_TAR_USTAR };
	static char tar[1 << 20];
	char big[70001], want[65], got[65];
	uint64_t size;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		size_t len = make_tar(fmts[k], tar, sizeof(tar), big, sizeof(big));

		image_sha256_hex(tar, len, want);
		assert_int_equal(fs_mkdir_p(dir, 0700), 0);
		(void)fs_rm_rf(dir);
		assert_int_equal(mkdir(dir, 0700), 0);
		{
			char p[512];

			snprintf(p, sizeof(p), "%s/layer/" LONG_DIR, dir);
			assert_int_equal(fs_mkdir_p(p, 0755), 0);
		}
		write_file("layer/" LONG_FILE, "long\n", 5);
		write_file("layer/d/empty", "", 0);
		write_file("layer/d/big", big, sizeof(big));
		assert_true(record(tar, len, 0));
		assert_int_equal(rebuild(got, &size), 0);
		assert_int_equal(size, len);
		assert_string_equal(got, want);
		/* a changed file: the rebuild fails or hashes differently */
		write_file("layer/d/big", big, sizeof(big) - 1);
		assert_int_equal(rebuild(got, &size), -ESTALE);
		write_file("layer/d/big", "x", 1);
		/* a stream cut inside a file's data (big's 70001 bytes end
		 * before the last 1024..10240 bytes of end blocks) is refused */
		assert_false(record(tar, len, 20000));
	}
	(void)fs_rm_rf(dir);
}

static void
test_no_record(void **state)
{
	char hex[65];
	uint64_t size;

	(void)state;
	assert_int_equal(image_tarsplit_rebuild("/nonexistent/split", AT_FDCWD, -1, hex, &size), -ENOENT);
	assert_false(image_tarsplit_finish(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_no_record),
	};

	snprintf(dir, sizeof(dir), "/tmp/lite-tarsplit-%d", (int)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
