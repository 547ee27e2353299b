/* Unit tests for whiteout conversion both ways: overlay whiteouts (char
 * device 0:0, trusted.overlay.opaque=y) -> OCI .wh. entries (image-tar.c)
 * -> overlay form again (image-unpack-entry.c). Needs root (mknod, trusted.*
 * xattrs); skipped otherwise. */
#include "image-internal.h"
#include "image-tar.h"

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
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];

static int
setup(void **state)
{
	char p[128];

	if (geteuid() != 0)
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/test-wh-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/src", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/src/gone", dir);
	if (mknod(p, S_IFCHR, makedev(0, 0)) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/src/op", dir);
	mkdir(p, 0755);
	if (setxattr(p, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/src/op/keep", dir);
	return fs_write_file_atomic(p, "k\n", 2, 0644);
}

static int
teardown(void **state)
{
	if (dir[0])
		fs_rm_rf(dir);
	return 0;
}

/* Names in the tar, newline-separated. */
static char *
tar_names(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	static char out[1024];

	out[0] = '\0';
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		strcat(out, archive_entry_pathname(e));
		strcat(out, "\n");
	}
	archive_read_free(a);
	return out;
}

static void
test_overlay_to_oci_and_back(void **state)
{
	char src[128], tar[128], dst[128], p[160], hex[65], hex2[65], v[4];
	struct lite_err err = { 0 };
	struct stat st;
	int sfd, out;

	if (geteuid() != 0)
		skip();
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(tar, sizeof(tar), "%s/l.tar", dir);
	snprintf(dst, sizeof(dst), "%s/dst", dir);
	sfd = open(src, O_RDONLY | O_DIRECTORY);
	out = open(tar, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(image_tar_dir(sfd, out, true, hex, NULL, &err), 0);
	close(out);
	assert_string_equal(tar_names(tar), ".wh.gone\nop/\nop/.wh..wh..opq\nop/keep\n");
	/* canonical: the same tree gives the same bytes */
	out = open(tar, O_WRONLY | O_TRUNC);
	assert_int_equal(image_tar_dir(sfd, out, true, hex2, NULL, &err), 0);
	close(out);
	close(sfd);
	assert_string_equal(hex, hex2);
	/* and back */
	mkdir(dst, 0755);
	assert_int_equal(image_unpack_into(dst, tar, &err), 0);
	snprintf(p, sizeof(p), "%s/gone", dst);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	snprintf(p, sizeof(p), "%s/op", dst);
	assert_int_equal(getxattr(p, "trusted.overlay.opaque", v, sizeof(v)), 1);
	snprintf(p, sizeof(p), "%s/op/.wh..wh..opq", dst);
	assert_int_equal(lstat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/op/keep", dst);
	assert_int_equal(lstat(p, &st), 0);
}

static void
test_no_whiteouts_mode_copies(void **state)
{
	char src[128], tar[128], hex[65];
	struct lite_err err = { 0 };
	int sfd, out;

	if (geteuid() != 0)
		skip();
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(tar, sizeof(tar), "%s/m.tar", dir);
	sfd = open(src, O_RDONLY | O_DIRECTORY);
	out = open(tar, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(image_tar_dir(sfd, out, false, hex, NULL, &err), 0);
	close(out);
	close(sfd);
	assert_string_equal(tar_names(tar), "gone\nop/\nop/keep\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlay_to_oci_and_back),
		cmocka_unit_test(test_no_whiteouts_mode_copies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
