/* Writing one archive entry beneath the layer root: regular files (sparse
 * ones too), directories, symlinks, device nodes and fifos, hardlinks and
 * OCI whiteouts, each with its owner, mode, xattrs and times; directories'
 * times are set last, once nothing more is created in them.
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
 *   whiteout entries may produce overlay metadata. */
#include "image.h"
#include "image-internal.h"
#include "image-unpack-internal.h"

#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* Copy a user-supplied name for a one-line message: non-printables -> '?'. */
void
image_unpack_entry_printable(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in && in[i] && i + 1 < len; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
	if (in && in[i] && len > 4)
		memcpy(out + len - 4, "...", 4);
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

			image_unpack_entry_printable(name, n, sizeof(n));
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

	image_unpack_entry_printable(link, shown, sizeof(shown));
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

int
image_unpack_entry(struct unpack *u, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e) ?: archive_entry_pathname_utf8(e);
	const char *link = archive_entry_hardlink(e) ?: archive_entry_hardlink_utf8(e);
	char clean[PATH_MAX];
	_cleanup_close_ int dfd = -1;
	const char *base;
	int r;

	if (!raw)
		return lite_err_set(u->err, EINVAL, "archive entry without a usable name");
	image_unpack_entry_printable(raw, u->name, sizeof(u->name));
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
int
image_unpack_entry_dir_times(struct unpack *u)
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
		image_unpack_entry_printable(u->dirs[i].path, u->name, sizeof(u->name));
		r = open_parent(u, u->dirs[i].path, false, &dfd, &base);
		if (r < 0)
			return r;
		if (utimensat(dfd, base, u->dirs[i].ts, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
			return lite_err_sys(u->err, errno, "archive entry '%s': set times", u->name);
	}
	return 0;
}
