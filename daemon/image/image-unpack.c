/* Importing a rootfs tarball as a one-layer image: decompress, hash and
 * extract in one pass, then commit the layer, the config and the tag.
 *
 * Safety invariants (the archive is hostile input, the daemon is root):
 * - Every entry path goes through image_path_tar_clean(): no "..", absolute
 *   names become relative to the layer root.
 * - Nothing is created beneath a symlink: each parent directory is opened
 *   component by component from the layer root with O_NOFOLLOW, and the
 *   last component is created with *at() calls that do not follow either
 *   (O_CREAT|O_EXCL, mknodat, symlinkat, mkdirat, linkat without
 *   AT_SYMLINK_FOLLOW). A symlink in the way fails the import.
 * - Hardlink targets are cleaned the same way and must already exist in the
 *   layer being unpacked.
 * - Archive xattrs named trusted.overlay.* are dropped: only the OCI
 *   whiteout entries may produce overlay metadata.
 * - Extraction happens in DATA_ROOT/tmp/import-XXXXXX/ (mode 0700); the
 *   layer becomes visible only by rename(2) to layers/sha256/HEX, and on any
 *   failure the staging dir is removed and no config or tag is written.
 *
 * The diff_id is the sha256 of the uncompressed tar stream, computed while
 * extracting: an outer libarchive reader (format "raw", every filter) yields
 * the decompressed bytes; an inner reader (format tar, no filter) pulls them
 * through tar_pull(), which also feeds the hash. */
#include "image.h"
#include "image-internal.h"

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
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define OVERLAY_XATTR_PREFIX "trusted.overlay."
#define MSG_NAME_MAX 160
/* libarchive's private ARCHIVE_ERRNO_FILE_FORMAT on Linux ("Unrecognized archive format") */
#define LA_ERRNO_FILE_FORMAT EILSEQ

/* image_unpack_set_limits: one process, one operation */
static uint64_t limit_bytes, limit_entries;

struct dir_time {
	char *path; /* cleaned, relative to the layer root */
	struct timespec ts[2];
};

struct unpack {
	struct archive *outer, *inner;
	int tar_fd; /* archive_read_open_fd does not take ownership */
	struct sha256_ctx sha;
	uint64_t n_read; /* uncompressed bytes hashed so far */
	int rootfd;
	uint64_t size;
	uint64_t n_entries;
	struct dir_time *dirs;
	size_t n_dirs, cap_dirs;
	char name[MSG_NAME_MAX]; /* current entry, printable, for messages */
	struct lite_err *err;
};

/* Copy a user-supplied name for a one-line message: non-printables -> '?'. */
void
image_unpack_printable(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in && in[i] && i + 1 < len; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
	if (in && in[i] && len > 4)
		memcpy(out + len - 4, "...", 4);
}

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

/* Open the directory holding the last component of path ("" = root) and
 * point *ret_base at that component. With create, missing directories are
 * made (0755; tar archives may omit them). Never follows a symlink. */
static int
open_parent(struct unpack *u, char *path, bool create, int *ret_fd, const char **ret_base)
{
	char *slash = strrchr(path, '/'), *comp, *next;
	_cleanup_close_ int fd = fcntl(u->rootfd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return lite_err_sys(u->err, errno, "dup");
	if (!slash) {
		*ret_base = path;
		*ret_fd = TAKE_FD(fd);
		return 0;
	}
	*slash = '\0';
	for (comp = path; comp; comp = next) {
		struct stat st;
		int nfd;

		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST)
				return lite_err_sys(u->err, errno, "create parent of archive entry '%s'", u->name);
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0 && fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return lite_err_set(u->err, ELOOP, "archive entry '%s' is beneath a symlink", u->name);
		if (nfd < 0)
			return lite_err_sys(u->err, errno, "archive entry '%s': open parent", u->name);
		if (next)
			next[-1] = '/';
		close(fd);
		fd = nfd;
	}
	*slash = '/';
	*ret_base = slash + 1;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Make room for a new entry: keeps an existing directory when the new entry
 * is one too (returns 1), removes anything else (tar: later entries win). */
static int
clear_name(struct unpack *u, int dfd, const char *base, bool keep_dir)
{
	struct stat st;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : lite_err_sys(u->err, errno, "archive entry '%s'", u->name);
	if (S_ISDIR(st.st_mode) && keep_dir)
		return 1;
	if (unlinkat(dfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': replace existing", u->name);
	return 0;
}

/* Set one xattr; fd >= 0 uses it, else the name relative to dfd (nofollow). */
static int
set_xattr(int fd, int dfd, const char *base, const char *name, const void *val, size_t len)
{
	char proc[64 + NAME_MAX];

	if (fd >= 0)
		return fsetxattr(fd, name, val, len, 0) < 0 ? -errno : 0;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", dfd, base);
	return lsetxattr(proc, name, val, len, 0) < 0 ? -errno : 0;
}

static int
apply_xattrs(struct unpack *u, struct archive_entry *e, int fd, int dfd, const char *base)
{
	const char *name;
	const void *val;
	size_t len;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &len) == ARCHIVE_OK) {
		int r;

		if (!name || !strncmp(name, OVERLAY_XATTR_PREFIX, strlen(OVERLAY_XATTR_PREFIX)))
			continue;
		r = set_xattr(fd, dfd, base, name, val, len);
		if (r == -EOPNOTSUPP)
			continue; /* file system without that namespace: as tar does */
		if (r < 0) {
			char n[MSG_NAME_MAX];

			image_unpack_printable(name, n, sizeof(n));
			return lite_err_sys(u->err, r, "archive entry '%s': set xattr '%s'", u->name, n);
		}
	}
	return 0;
}

static void
entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

/* Owner, mode (after chown, which clears setuid), xattrs (after chown, which
 * clears file capabilities), times. fd < 0: operate on dfd/base. */
static int
apply_meta(struct unpack *u, struct archive_entry *e, int fd, int dfd, const char *base, bool is_link,
	   bool set_times)
{
	uid_t uid = (uid_t)archive_entry_uid(e);
	gid_t gid = (gid_t)archive_entry_gid(e);
	mode_t mode = archive_entry_perm(e) & 07777;
	struct timespec ts[2];
	int r;

	if ((fd >= 0 ? fchown(fd, uid, gid) : fchownat(dfd, base, uid, gid, AT_SYMLINK_NOFOLLOW)) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': chown", u->name);
	if (!is_link && (fd >= 0 ? fchmod(fd, mode) : fchmodat(dfd, base, mode, 0)) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': chmod", u->name);
	r = apply_xattrs(u, e, fd, dfd, base);
	if (r < 0)
		return r;
	entry_times(e, ts);
	if (set_times && (fd >= 0 ? futimens(fd, ts) : utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW)) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': set times", u->name);
	return 0;
}

static int
pwrite_all(int fd, const char *buf, size_t len, off_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Copy the entry's data (sparse-aware) into fd. */
static int
copy_data(struct unpack *u, struct archive_entry *e, int fd)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	for (;;) {
		r = archive_read_data_block(u->inner, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return lite_err_set(u->err, EIO, "read archive: %s", archive_error_string(u->inner));
		r = pwrite_all(fd, buf, len, (off_t)off);
		if (r < 0)
			return lite_err_sys(u->err, r, "write failed on '%s'", u->name);
	}
	if (archive_entry_size_is_set(e) && ftruncate(fd, (off_t)archive_entry_size(e)) < 0)
		return lite_err_sys(u->err, errno, "write failed on '%s'", u->name);
	u->size += (uint64_t)archive_entry_size(e);
	return 0;
}

static int
extract_file(struct unpack *u, struct archive_entry *e, int dfd, const char *base)
{
	_cleanup_close_ int fd = -1;
	int r;

	r = clear_name(u, dfd, base, false);
	if (r < 0)
		return r;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return lite_err_sys(u->err, errno, "write failed on '%s'", u->name);
	r = copy_data(u, e, fd);
	if (r < 0)
		return r;
	return apply_meta(u, e, fd, dfd, base, false, true);
}

/* Remember a directory's times: children created later would change them. */
static int
defer_dir_times(struct unpack *u, struct archive_entry *e, const char *clean)
{
	if (u->n_dirs == u->cap_dirs) {
		size_t cap = u->cap_dirs ? 2 * u->cap_dirs : 64;
		struct dir_time *n = realloc(u->dirs, cap * sizeof(*n));

		if (!n)
			return lite_err_set(u->err, ENOMEM, "import: out of memory");
		u->dirs = n;
		u->cap_dirs = cap;
	}
	u->dirs[u->n_dirs].path = strdup(clean);
	if (!u->dirs[u->n_dirs].path)
		return lite_err_set(u->err, ENOMEM, "import: out of memory");
	entry_times(e, u->dirs[u->n_dirs].ts);
	u->n_dirs++;
	return 0;
}

static int
extract_dir(struct unpack *u, struct archive_entry *e, int dfd, const char *base, const char *clean)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (*clean == '\0') { /* "./": the layer root itself */
		r = apply_meta(u, e, u->rootfd, -1, NULL, false, false);
		return r < 0 ? r : defer_dir_times(u, e, clean);
	}
	r = clear_name(u, dfd, base, true);
	if (r < 0)
		return r;
	if (r == 0 && mkdirat(dfd, base, 0700) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': mkdir", u->name);
	fd = openat(dfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': open", u->name);
	r = apply_meta(u, e, fd, dfd, base, false, false);
	return r < 0 ? r : defer_dir_times(u, e, clean);
}

static int
extract_symlink(struct unpack *u, struct archive_entry *e, int dfd, const char *base)
{
	const char *target = archive_entry_symlink(e) ?: archive_entry_symlink_utf8(e);
	int r;

	if (!target || !*target)
		return lite_err_set(u->err, EINVAL, "archive entry '%s': symlink without target", u->name);
	r = clear_name(u, dfd, base, false);
	if (r < 0)
		return r;
	if (symlinkat(target, dfd, base) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': symlink", u->name);
	return apply_meta(u, e, -1, dfd, base, true, true);
}

static int
extract_node(struct unpack *u, struct archive_entry *e, int dfd, const char *base)
{
	mode_t type = archive_entry_filetype(e);
	dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
	int r;

	r = clear_name(u, dfd, base, false);
	if (r < 0)
		return r;
	if (mknodat(dfd, base, type | 0600, type == AE_IFIFO ? 0 : dev) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': mknod", u->name);
	return apply_meta(u, e, -1, dfd, base, false, true);
}

static int
extract_hardlink(struct unpack *u, struct archive_entry *e, int dfd, const char *base, const char *link)
{
	char target[PATH_MAX], shown[MSG_NAME_MAX];
	_cleanup_close_ int tfd = -1;
	const char *tbase;
	int r;

	image_unpack_printable(link, shown, sizeof(shown));
	if (image_path_tar_clean(link, target, sizeof(target)) < 0 || !*target)
		return lite_err_set(u->err, EINVAL, "archive entry '%s': hardlink target '%s' escapes the layer",
				    u->name, shown);
	r = open_parent(u, target, false, &tfd, &tbase);
	if (r == -ENOENT || r == -ENOTDIR)
		return lite_err_set(u->err, ENOENT, "archive entry '%s': hardlink target '%s' is not in the layer",
				    u->name, shown);
	if (r == -ELOOP)
		return lite_err_set(u->err, ELOOP, "archive entry '%s': hardlink target '%s' is beneath a symlink",
				    u->name, shown);
	if (r < 0)
		return r;
	r = clear_name(u, dfd, base, false);
	if (r < 0)
		return r;
	if (linkat(tfd, tbase, dfd, base, 0) < 0) {
		if (errno == ENOENT)
			return lite_err_set(u->err, ENOENT,
					    "archive entry '%s': hardlink target '%s' is not in the layer",
					    u->name, shown);
		return lite_err_sys(u->err, errno, "archive entry '%s': hardlink to '%s'", u->name, shown);
	}
	return 0;
}

/* ".wh.NAME" -> overlay whiteout NAME (char device 0:0);
 * ".wh..wh..opq" -> its directory becomes opaque. */
static int
extract_whiteout(struct unpack *u, struct archive_entry *e, int dfd, const char *base)
{
	const char *name = base + strlen(WHITEOUT_PREFIX);
	int r;

	if (!strcmp(base, WHITEOUT_OPAQUE)) {
		if (fsetxattr(dfd, OVERLAY_XATTR_PREFIX "opaque", "y", 1, 0) < 0)
			return lite_err_sys(u->err, errno, "archive entry '%s': set opaque xattr", u->name);
		return 0;
	}
	if (!strncmp(name, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)))
		return 0; /* other AUFS metadata (.wh..wh.plnk, ...): not content */
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return lite_err_set(u->err, EINVAL, "archive entry '%s' is a bad whiteout", u->name);
	r = clear_name(u, dfd, name, false);
	if (r < 0)
		return r;
	if (mknodat(dfd, name, S_IFCHR, makedev(0, 0)) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': make whiteout", u->name);
	if (fchownat(dfd, name, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
		return lite_err_sys(u->err, errno, "archive entry '%s': chown", u->name);
	return 0;
}

static int
extract_entry(struct unpack *u, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e) ?: archive_entry_pathname_utf8(e);
	const char *link = archive_entry_hardlink(e) ?: archive_entry_hardlink_utf8(e);
	char clean[PATH_MAX];
	_cleanup_close_ int dfd = -1;
	const char *base;
	int r;

	if (!raw)
		return lite_err_set(u->err, EINVAL, "archive entry without a usable name");
	image_unpack_printable(raw, u->name, sizeof(u->name));
	r = image_path_tar_clean(raw, clean, sizeof(clean));
	if (r == -ENAMETOOLONG)
		return lite_err_set(u->err, ENAMETOOLONG, "archive entry '%s': name too long", u->name);
	if (r < 0)
		return lite_err_set(u->err, EINVAL, "archive entry '%s' escapes the layer", u->name);
	if (!*clean)
		return archive_entry_filetype(e) == AE_IFDIR && !link ? extract_dir(u, e, -1, NULL, clean) : 0;
	r = open_parent(u, clean, true, &dfd, &base);
	if (r < 0)
		return r;
	if (!strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)))
		return extract_whiteout(u, e, dfd, base);
	if (link)
		return extract_hardlink(u, e, dfd, base, link);
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return extract_file(u, e, dfd, base);
	case AE_IFDIR:
		return extract_dir(u, e, dfd, base, clean);
	case AE_IFLNK:
		return extract_symlink(u, e, dfd, base);
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return extract_node(u, e, dfd, base);
	case AE_IFSOCK:
		return 0; /* tar cannot restore sockets; neither do we */
	default:
		return lite_err_set(u->err, EINVAL, "archive entry '%s' has an unknown type", u->name);
	}
}

/* Directory times last: creating children changed them. */
static int
apply_dir_times(struct unpack *u)
{
	for (size_t i = u->n_dirs; i-- > 0;) {
		_cleanup_close_ int dfd = -1;
		const char *base;
		int r;

		if (!*u->dirs[i].path) {
			if (futimens(u->rootfd, u->dirs[i].ts) < 0)
				return lite_err_sys(u->err, errno, "layer root: set times");
			continue;
		}
		image_unpack_printable(u->dirs[i].path, u->name, sizeof(u->name));
		r = open_parent(u, u->dirs[i].path, false, &dfd, &base);
		if (r < 0)
			return r;
		if (utimensat(dfd, base, u->dirs[i].ts, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
			return lite_err_sys(u->err, errno, "archive entry '%s': set times", u->name);
	}
	return 0;
}

/* Open both readers: outer on the file, inner on the outer's bytes. */
static int
readers_open(struct unpack *u, const char *tar_path)
{
	char shown[MSG_NAME_MAX];
	struct stat st;
	int r;

	image_unpack_printable(tar_path, shown, sizeof(shown));
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

			image_unpack_printable(tar_path, shown, sizeof(shown));
			return lite_err_set(u->err, EINVAL, "not a tar archive: '%s'", shown);
		}
		if (r < ARCHIVE_WARN)
			return lite_err_set(u->err, EIO, "read archive: %s", archive_error_string(u->inner));
		first = false;
		r = check_limits(u, e);
		if (r == 0)
			r = extract_entry(u, e);
		if (r < 0)
			return r;
	}
	r = tar_drain(u);
	if (r < 0)
		return r;
	r = apply_dir_times(u);
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
	char root[PATH_MAX];
	int r;

	sha256_init(&u.sha);
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

	image_unpack_printable(ref, shown, sizeof(shown));
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
