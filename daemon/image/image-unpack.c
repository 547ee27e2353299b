/* Importing a rootfs tarball as a one-layer image: decompress, hash and
 * extract in one pass, then commit the layer, the config and the tag.
 * image-unpack-entry.c writes each entry, and states how a hostile archive
 * is kept inside the layer.
 *
 * Safety invariant (the archive is hostile input, the daemon is root):
 * - Extraction happens in DATA_ROOT/tmp/import-XXXXXX/ (mode 0700); the
 *   layer becomes visible only by rename(2) to layers/sha256/HEX, and on any
 *   failure the staging dir is removed and no config or tag is written.
 *
 * The diff_id is the sha256 of the uncompressed tar stream, computed while
 * extracting: an outer libarchive reader (format "raw", every filter) yields
 * the decompressed bytes; an inner reader (format tar, no filter) pulls them
 * through tar_pull(), which also feeds the hash. */
#include "crash-point.h"
#include "image.h"
#include "image-internal.h"
#include "image-unpack-internal.h"
#include "image-tarsplit.h"

#include "cleanup.h"
#include "fs-util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* libarchive's private ARCHIVE_ERRNO_FILE_FORMAT on Linux ("Unrecognized archive format") */
#define LA_ERRNO_FILE_FORMAT EILSEQ

/* image_unpack_set_limits: one process, one operation */
static uint64_t limit_bytes, limit_entries;

/* Inner reader's read callback: next block of decompressed bytes. */
static la_ssize_t
tar_pull(struct archive *a, void *ud, const void **ret_buf)
{
	struct unpack *u = ud;
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	do {
		r = archive_read_data_block(u->outer, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			archive_set_error(a, archive_errno(u->outer) > 0 ? archive_errno(u->outer) : EIO,
					  "%s", archive_error_string(u->outer) ?: "decompression failed");
			return -1;
		}
	} while (len == 0);
	sha256_update(&u->sha, len, buf);
	if (u->ts)
		image_tarsplit_feed(u->ts, buf, len);
	u->n_read += len;
	*ret_buf = buf;
	return (la_ssize_t)len;
}

/* Hash what follows the tar end marker (record padding): it is part of the
 * uncompressed stream the diff_id covers. */
static int
tar_drain(struct unpack *u)
{
	const void *buf;
	la_ssize_t n;

	while ((n = tar_pull(u->inner, u, &buf)) > 0)
		;
	return n < 0 ? lite_err_set(u->err, EIO, "read archive: %s", archive_error_string(u->inner)) : 0;
}

/* Open both readers: outer on the file, inner on the outer's bytes. */
static int
readers_open(struct unpack *u, const char *tar_path)
{
	char shown[MSG_NAME_MAX];
	struct stat st;
	int r;

	image_unpack_entry_printable(tar_path, shown, sizeof(shown));
	u->tar_fd = open(tar_path, O_RDONLY | O_CLOEXEC);
	if (u->tar_fd < 0)
		return lite_err_sys(u->err, errno, "open '%s'", shown);
	if (fstat(u->tar_fd, &st) == 0 && S_ISDIR(st.st_mode))
		return lite_err_sys(u->err, EISDIR, "open '%s'", shown);
	u->outer = archive_read_new();
	u->inner = archive_read_new();
	if (!u->outer || !u->inner)
		return lite_err_set(u->err, ENOMEM, "out of memory");
	archive_read_support_filter_all(u->outer);
	archive_read_support_format_raw(u->outer);
	archive_read_support_format_tar(u->inner);
	/* Format "raw" takes any non-empty input: only an empty file fails here. */
	r = archive_read_open_fd(u->outer, u->tar_fd, 64 * 1024);
	if (r == ARCHIVE_OK)
		r = archive_read_next_header(u->outer, &(struct archive_entry *){ NULL });
	if (r == ARCHIVE_EOF || (r < ARCHIVE_WARN && archive_errno(u->outer) == LA_ERRNO_FILE_FORMAT))
		return lite_err_set(u->err, EINVAL, "not a tar archive: '%s' is empty", shown);
	if (r < ARCHIVE_WARN)
		return lite_err_set(u->err, EIO, "read '%s': %s", shown, archive_error_string(u->outer));
	if (archive_read_open(u->inner, u, NULL, tar_pull, NULL) == ARCHIVE_OK)
		return 0;
	if (u->n_read == 0)
		return lite_err_set(u->err, EINVAL, "not a tar archive: '%s' is empty", shown);
	if (archive_errno(u->inner) == LA_ERRNO_FILE_FORMAT)
		return lite_err_set(u->err, EINVAL, "not a tar archive: '%s'", shown);
	return lite_err_set(u->err, EIO, "read '%s': %s", shown, archive_error_string(u->inner));
}

static void
unpack_done(struct unpack *u)
{
	if (u->inner)
		archive_read_free(u->inner);
	if (u->outer)
		archive_read_free(u->outer);
	if (u->tar_fd >= 0)
		close(u->tar_fd);
	for (size_t i = 0; i < u->n_dirs; i++)
		free(u->dirs[i].path);
	free(u->dirs);
}

/* Extract every entry into rootfd and finish the hash. */
void
image_unpack_set_limits(uint64_t max_bytes, uint64_t max_entries)
{
	limit_bytes = max_bytes;
	limit_entries = max_entries;
}

/* Before an entry is written: the layer's declared bytes and entries. */
static int
check_limits(struct unpack *u, struct archive_entry *e)
{
	uint64_t size = archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0;

	if (limit_entries && ++u->n_entries > limit_entries)
		return lite_err_set(u->err, EFBIG, "layer too large: more than %llu files (max-layer-entries)",
				    (unsigned long long)limit_entries);
	if (limit_bytes && (size > limit_bytes || u->size > limit_bytes - size))
		return lite_err_set(u->err, EFBIG, "layer too large: more than %llu bytes unpacked (max-layer-size)",
				    (unsigned long long)limit_bytes);
	return 0;
}

static int
unpack_all(struct unpack *u, const char *tar_path)
{
	struct archive_entry *e;
	bool first = true;
	int r;

	for (;;) {
		r = archive_read_next_header(u->inner, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN && first && archive_errno(u->inner) == LA_ERRNO_FILE_FORMAT) {
			char shown[MSG_NAME_MAX];

			image_unpack_entry_printable(tar_path, shown, sizeof(shown));
			return lite_err_set(u->err, EINVAL, "not a tar archive: '%s'", shown);
		}
		if (r < ARCHIVE_WARN)
			return lite_err_set(u->err, EIO, "read archive: %s", archive_error_string(u->inner));
		if (!first)
			HELPER_CRASH_POINT("mid-layer"); /* an entry of the layer is written */
		first = false;
		r = check_limits(u, e);
		if (r == 0)
			r = image_unpack_entry(u, e);
		if (r < 0)
			return r;
	}
	r = tar_drain(u);
	if (r < 0)
		return r;
	r = image_unpack_entry_dir_times(u);
	if (r < 0)
		return r;
	if (syncfs(u->rootfd) < 0)
		return lite_err_sys(u->err, errno, "write failed");
	return 0;
}

/* Make DATA_ROOT/tmp/import-XXXXXX (0700) with an empty rootfs/ (0755). */
static int
staging_make(const char *data_root, char *staging, size_t len, struct lite_err *err)
{
	char root[PATH_MAX];
	int r;

	r = image_path(staging, len, data_root, "tmp/import-XXXXXX");
	if (r < 0)
		return lite_err_sys(err, r, "staging dir");
	if (!mkdtemp(staging))
		return lite_err_sys(err, errno, "create staging dir in '%s/tmp'", data_root);
	if (snprintf(root, sizeof(root), "%s/rootfs", staging) >= (int)sizeof(root))
		return lite_err_sys(err, ENAMETOOLONG, "staging dir");
	if (mkdir(root, 0755) < 0) {
		r = lite_err_sys(err, errno, "create '%s'", root);
		(void)rmdir(staging);
		return r;
	}
	return 0;
}

/* The tar-split record goes next to the layer (before it, so a visible
 * layer has one); a layer stored before tar-split existed gets it now. */
static void
move_tarsplit(const char *data_root, const char *staging, const char *hex)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;

	if (snprintf(src, sizeof(src), "%s/tarsplit", staging) >= (int)sizeof(src) ||
	    image_path(dst, sizeof(dst), data_root, "layers/sha256/%s.tarsplit", hex) < 0)
		return;
	if (lstat(src, &st) == 0 && lstat(dst, &st) < 0)
		(void)rename(src, dst);
}

/* Move the unpacked layer into place unless an identical one is there. On
 * return *ret_created holds the layer's first-unpack time. Caller holds the
 * store lock; rename() failing with EEXIST/ENOTEMPTY still means "shared",
 * for writers that do not take the lock. */
static int
layer_commit(const char *data_root, const char *staging, const char *hex, uint64_t size,
	     int64_t *ret_created, struct lite_err *err)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;
	uint64_t old_size;
	int r;

	r = image_path(dst, sizeof(dst), data_root, "layers/sha256/%s", hex);
	if (r < 0 || snprintf(src, sizeof(src), "%s/rootfs", staging) >= (int)sizeof(src))
		return lite_err_sys(err, ENAMETOOLONG, "layer path");
	move_tarsplit(data_root, staging, hex);
	if (lstat(dst, &st) == 0) {
		if (image_layer_meta_read(data_root, hex, &old_size, ret_created) < 0)
			*ret_created = (int64_t)st.st_mtime;
		return 0;
	}
	*ret_created = (int64_t)time(NULL);
	r = image_layer_meta_write(data_root, hex, size, *ret_created);
	if (r < 0)
		return lite_err_sys(err, r, "write layer metadata");
	if (rename(src, dst) < 0 && errno != EEXIST && errno != ENOTEMPTY)
		return lite_err_sys(err, errno, "move layer into '%s'", dst);
	return 0;
}

/* Under the store lock: layer, config, tag. A config this call wrote is
 * removed again if tagging fails; a committed layer stays (it is complete,
 * content-addressed, and may already be shared). */
static int
commit_image(const char *data_root, const char *staging, const char *hex, uint64_t size,
	     const char *ref, char **ret_id, struct lite_err *err)
{
	_cleanup_free_ char *id = NULL;
	int lock = -1, made = 0, r;
	int64_t created;
	char path[PATH_MAX];

	r = image_store_lock(data_root, &lock, err);
	if (r < 0)
		return r;
	r = layer_commit(data_root, staging, hex, size, &created, err);
	if (r == 0)
		HELPER_CRASH_POINT("after-layer");
	if (r == 0)
		r = image_config_write_one_layer(data_root, hex, created, &id, &made, err);
	if (r == 0) {
		r = image_tag_set(data_root, ref, id, err);
		if (r < 0 && made &&
		    image_path(path, sizeof(path), data_root, "images/sha256/%s.json", id + strlen("sha256:")) == 0)
			(void)unlink(path);
	}
	image_store_unlock(lock);
	if (r < 0)
		return r;
	*ret_id = TAKE_PTR(id);
	return 0;
}

static void
digest_hex(struct sha256_ctx *sha, char hex[IMAGE_SHA256_HEX_LEN + 1])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(sha, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Unpack tar_path into staging/rootfs; returns the diff_id's HEX and size. */
static int
unpack_tarball(const char *staging, const char *tar_path, char hex[IMAGE_SHA256_HEX_LEN + 1],
	       uint64_t *ret_size, struct lite_err *err)
{
	struct unpack u = { .tar_fd = -1, .rootfd = -1, .err = err };
	char root[PATH_MAX], split[PATH_MAX];
	FILE *split_f;
	bool ok;
	int fd, r;

	sha256_init(&u.sha);
	snprintf(split, sizeof(split), "%s/tarsplit", staging);
	fd = open(split, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	split_f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!split_f && fd >= 0)
		close(fd);
	if (split_f)
		u.ts = image_tarsplit_new(split_f);
	snprintf(root, sizeof(root), "%s/rootfs", staging);
	u.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u.rootfd < 0)
		r = lite_err_sys(err, errno, "open '%s'", root);
	else
		r = readers_open(&u, tar_path);
	if (r == 0)
		r = unpack_all(&u, tar_path);
	if (r == 0) {
		digest_hex(&u.sha, hex);
		*ret_size = u.size;
	}
	/* no usable record: save falls back to the canonical tar */
	ok = image_tarsplit_finish(u.ts);
	if (split_f && fclose(split_f) != 0)
		ok = false;
	if (!ok || r < 0)
		(void)unlink(split);
	if (u.rootfd >= 0)
		close(u.rootfd);
	unpack_done(&u);
	return r;
}

int
image_unpack_import(const char *data_root, const char *tar_path, const char *ref,
		 char **ret_image_id, struct lite_err *err)
{
	char name[300], staging[PATH_MAX], hex[IMAGE_SHA256_HEX_LEN + 1], shown[MSG_NAME_MAX];
	uint64_t size = 0;
	int r;

	image_unpack_entry_printable(ref, shown, sizeof(shown));
	if (!ref || image_path_ref_normalize(ref, name, sizeof(name)) < 0)
		return lite_err_set(err, EINVAL, "import: invalid reference '%s'", shown);
	r = staging_make(data_root, staging, sizeof(staging), err);
	if (r == 0) {
		r = unpack_tarball(staging, tar_path, hex, &size, err);
		if (r == 0)
			r = commit_image(data_root, staging, hex, size, name, ret_image_id, err);
		(void)fs_rm_rf(staging);
	}
	if (r < 0 && err)
		lite_err_wrap(err, "import");
	return r;
}

int
image_unpack_layer(const char *data_root, const char *tar_path, const char *hex, struct lite_err *err)
{
	char staging[PATH_MAX], got[IMAGE_SHA256_HEX_LEN + 1];
	uint64_t size = 0;
	int64_t created;
	int lock = -1, r;

	r = staging_make(data_root, staging, sizeof(staging), err);
	if (r < 0)
		return r;
	r = unpack_tarball(staging, tar_path, got, &size, err);
	if (r == 0 && strcmp(got, hex) != 0)
		r = lite_err_set(err, EBADMSG, "layer digest mismatch: expected sha256:%.12s..., got sha256:%.12s...",
				 hex, got);
	if (r == 0)
		r = image_store_lock(data_root, &lock, err);
	if (r == 0) {
		r = layer_commit(data_root, staging, hex, size, &created, err);
		image_store_unlock(lock);
	}
	(void)fs_rm_rf(staging);
	return r;
}

int
image_unpack_into(const char *dir, const char *tar_path, struct lite_err *err)
{
	struct unpack u = { .tar_fd = -1, .rootfd = -1, .err = err };
	int r;

	sha256_init(&u.sha);
	u.rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u.rootfd < 0)
		r = lite_err_sys(err, errno, "open '%s'", dir);
	else
		r = readers_open(&u, tar_path);
	if (r == 0)
		r = unpack_all(&u, tar_path);
	if (u.rootfd >= 0)
		close(u.rootfd);
	unpack_done(&u);
	return r;
}
