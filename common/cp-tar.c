/* lite cp's tar writer and extractor. The writer reads with *at() calls
 * that never follow symlinks below the path it was given; the extractor
 * resolves every parent with openat2(RESOLVE_IN_ROOT) below the root it is
 * given and creates each leaf without following it (O_EXCL, O_NOFOLLOW,
 * AT_SYMLINK_NOFOLLOW), so neither a symlink in the destination nor one in
 * the archive can place a file outside the root. Used by the client for
 * host paths (root: the destination's parent) and by lite-image for a
 * container's (root: /proc/PID/root). */
#include "cp-tar.h"
#include "idmap.h"

#include "cleanup.h"
#include "fd-util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifdef CP_TAR_DLOPEN
/* The client (lite) loads libarchive when cp needs it, not at every start:
 * linked, it and what it pulls in (libxml2, ICU, libstdc++ ...) cost every
 * `lite run` a few ms of dynamic linking. lite-image links it as usual. */
#include <dlfcn.h>

#define CP_TAR_SONAME "libarchive.so.13"
#define CP_TAR_FNS(X) \
	X(archive_entry_free) \
	X(archive_entry_gid) \
	X(archive_entry_hardlink) \
	X(archive_entry_mode) \
	X(archive_entry_mtime) \
	X(archive_entry_mtime_nsec) \
	X(archive_entry_new) \
	X(archive_entry_pathname) \
	X(archive_entry_rdevmajor) \
	X(archive_entry_rdevminor) \
	X(archive_entry_set_gid) \
	X(archive_entry_set_mode) \
	X(archive_entry_set_mtime) \
	X(archive_entry_set_pathname) \
	X(archive_entry_set_rdevmajor) \
	X(archive_entry_set_rdevminor) \
	X(archive_entry_set_size) \
	X(archive_entry_set_symlink) \
	X(archive_entry_set_uid) \
	X(archive_entry_symlink) \
	X(archive_entry_uid) \
	X(archive_error_string) \
	X(archive_read_data_block) \
	X(archive_read_free) \
	X(archive_read_new) \
	X(archive_read_next_header) \
	X(archive_read_open) \
	X(archive_read_support_format_gnutar) \
	X(archive_read_support_format_tar) \
	X(archive_set_error) \
	X(archive_write_close) \
	X(archive_write_data) \
	X(archive_write_free) \
	X(archive_write_header) \
	X(archive_write_new) \
	X(archive_write_open) \
	X(archive_write_set_bytes_in_last_block) \
	X(archive_write_set_format_pax)

#define CP_TAR_PTR(f) static __typeof__(f) *dl_##f;
	CP_TAR_FNS(CP_TAR_PTR) /* the pointers, filled by load_archive */

static int
load_archive(struct lite_err *err)
{
	static void *lib;
	void *l;

	if (lib)
		return 0;
	l = dlopen(CP_TAR_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!l)
		return lite_err_set(err, ENOENT, "cp needs %s: %s", CP_TAR_SONAME, dlerror());
#define CP_TAR_SYM(f) \
	if (!(dl_##f = (__typeof__(f) *)dlsym(l, #f))) \
		return lite_err_set(err, ENOENT, "%s has no %s", CP_TAR_SONAME, #f);
	CP_TAR_FNS(CP_TAR_SYM)
	lib = l;
	return 0;
}

#define archive_entry_free (*dl_archive_entry_free)
#define archive_entry_gid (*dl_archive_entry_gid)
#define archive_entry_hardlink (*dl_archive_entry_hardlink)
#define archive_entry_mode (*dl_archive_entry_mode)
#define archive_entry_mtime (*dl_archive_entry_mtime)
#define archive_entry_mtime_nsec (*dl_archive_entry_mtime_nsec)
#define archive_entry_new (*dl_archive_entry_new)
#define archive_entry_pathname (*dl_archive_entry_pathname)
#define archive_entry_rdevmajor (*dl_archive_entry_rdevmajor)
#define archive_entry_rdevminor (*dl_archive_entry_rdevminor)
#define archive_entry_set_gid (*dl_archive_entry_set_gid)
#define archive_entry_set_mode (*dl_archive_entry_set_mode)
#define archive_entry_set_mtime (*dl_archive_entry_set_mtime)
#define archive_entry_set_pathname (*dl_archive_entry_set_pathname)
#define archive_entry_set_rdevmajor (*dl_archive_entry_set_rdevmajor)
#define archive_entry_set_rdevminor (*dl_archive_entry_set_rdevminor)
#define archive_entry_set_size (*dl_archive_entry_set_size)
#define archive_entry_set_symlink (*dl_archive_entry_set_symlink)
#define archive_entry_set_uid (*dl_archive_entry_set_uid)
#define archive_entry_symlink (*dl_archive_entry_symlink)
#define archive_entry_uid (*dl_archive_entry_uid)
#define archive_error_string (*dl_archive_error_string)
#define archive_read_data_block (*dl_archive_read_data_block)
#define archive_read_free (*dl_archive_read_free)
#define archive_read_new (*dl_archive_read_new)
#define archive_read_next_header (*dl_archive_read_next_header)
#define archive_read_open (*dl_archive_read_open)
#define archive_read_support_format_gnutar (*dl_archive_read_support_format_gnutar)
#define archive_read_support_format_tar (*dl_archive_read_support_format_tar)
#define archive_set_error (*dl_archive_set_error)
#define archive_write_close (*dl_archive_write_close)
#define archive_write_data (*dl_archive_write_data)
#define archive_write_free (*dl_archive_write_free)
#define archive_write_header (*dl_archive_write_header)
#define archive_write_new (*dl_archive_write_new)
#define archive_write_open (*dl_archive_write_open)
#define archive_write_set_bytes_in_last_block (*dl_archive_write_set_bytes_in_last_block)
#define archive_write_set_format_pax (*dl_archive_write_set_format_pax)
#else
static int
load_archive(struct lite_err *err)
{
	return 0;
}
#endif

struct cpw {
	struct archive *a;
	int out_fd;
	struct lite_err *err;
};


/* cp_tar_set_idmap's shift; size 0 = none */
static struct idmap idmap;

int
cp_tar_set_idmap(const char *spec)
{
	return idmap_parse(spec, &idmap);
}

bool
cp_tar_has_idmap(void)
{
	return idmap.size != 0;
}

static int
open2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC, .resolve = resolve };
	int fd = (int)syscall(SYS_openat2, dirfd, *path ? path : ".", &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

int
cp_tar_dest_kind(int rootfd, const char *path, uint64_t resolve, enum cp_dest_kind *ret, struct lite_err *err)
{
	_cleanup_close_ int fd = open2(rootfd, path, O_PATH, resolve);
	struct stat st;

	if (fd == -ENOENT) {
		*ret = CP_DEST_MISSING;
		return 0;
	}
	if (fd < 0 || fstat(fd, &st) < 0)
		return lite_err_sys(err, fd < 0 ? -fd : errno, "'%s'", path);
	*ret = S_ISDIR(st.st_mode) ? CP_DEST_DIR : CP_DEST_OTHER;
	return 0;
}

static la_ssize_t
cpw_write(struct archive *a, void *ud, const void *buf, size_t len)
{
	struct cpw *w = ud;

	if (fd_write_all(w->out_fd, buf, len) < 0) {
		archive_set_error(a, errno, "write: %s", strerror(errno));
		return -1;
	}
	return (la_ssize_t)len;
}

static int
cpw_fail(struct cpw *w, const char *path)
{
	return lite_err_set(w->err, EIO, "tar '%s': %s", path, archive_error_string(w->a) ?: "write failed");
}

static int
cpw_data(struct cpw *w, int fd, const char *path)
{
	char buf[64 * 1024];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lite_err_sys(w->err, errno, "read '%s'", path);
		if (archive_write_data(w->a, buf, (size_t)n) < 0)
			return cpw_fail(w, path);
	}
	return 0;
}

static int cpw_dir(struct cpw *w, int dfd, char *path, size_t plen);

/* One entry: fd is an O_PATH fd of it, opened without following it. */
static int
cpw_entry(struct cpw *w, int fd, const struct stat *st, char *path, size_t plen)
{
	struct archive_entry *e = archive_entry_new();
	_cleanup_close_ int data = -1;
	char proc[64], target[PATH_MAX];
	int r;

	if (!e)
		return lite_err_set(w->err, ENOMEM, "out of memory");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) {
		data = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
		if (data < 0) {
			archive_entry_free(e);
			return lite_err_sys(w->err, errno, "open '%s'", path);
		}
	}
	archive_entry_set_pathname(e, path);
	archive_entry_set_mode(e, st->st_mode);
	archive_entry_set_uid(e, idmap_uid_to_ctr(&idmap, st->st_uid));
	archive_entry_set_gid(e, idmap_gid_to_ctr(&idmap, st->st_gid));
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	archive_entry_set_size(e, S_ISREG(st->st_mode) ? st->st_size : 0);
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);

		target[n > 0 ? n : 0] = '\0';
		archive_entry_set_symlink(e, target);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		archive_entry_set_rdevmajor(e, major(st->st_rdev));
		archive_entry_set_rdevminor(e, minor(st->st_rdev));
	}
	r = archive_write_header(w->a, e);
	archive_entry_free(e);
	if (r < ARCHIVE_WARN)
		return cpw_fail(w, path);
	if (S_ISREG(st->st_mode))
		return cpw_data(w, data, path);
	return S_ISDIR(st->st_mode) ? cpw_dir(w, data, path, plen) : 0;
}

static int
skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static int
cpw_dir(struct cpw *w, int dfd, char *path, size_t plen)
{
	struct dirent **list = NULL;
	size_t base = strlen(path);
	int n, r = 0;

	n = scandirat(dfd, ".", &list, skip_dots, alphasort);
	if (n < 0)
		return lite_err_sys(w->err, errno, "read directory '%s'", path);
	for (int i = 0; i < n; i++) {
		_cleanup_close_ int fd = -1;
		struct stat st;

		if (r == 0 && base + strlen(list[i]->d_name) + 2 >= plen)
			r = lite_err_set(w->err, ENAMETOOLONG, "path too long: '%s/%s'", path, list[i]->d_name);
		if (r == 0) {
			snprintf(path + base, plen - base, "/%s", list[i]->d_name);
			fd = openat(dfd, list[i]->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &st) < 0)
				r = lite_err_sys(w->err, errno, "open '%s'", path);
			else if (!S_ISSOCK(st.st_mode))
				r = cpw_entry(w, fd, &st, path, plen);
			path[base] = '\0';
		}
		free(list[i]);
	}
	free(list);
	return r;
}

int
cp_tar_write(int rootfd, const char *path, uint64_t resolve, const char *name, int out_fd, bool *ret_is_dir,
	     struct lite_err *err)
{
	struct cpw w = { .out_fd = out_fd, .err = err };
	_cleanup_close_ int fd = open2(rootfd, path, O_PATH | O_NOFOLLOW, resolve);
	char p[PATH_MAX];
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return lite_err_sys(err, fd < 0 ? -fd : errno, "'%s'", path);
	*ret_is_dir = S_ISDIR(st.st_mode);
	if (load_archive(err) < 0)
		return -ENOENT;
	w.a = archive_write_new();
	if (!w.a)
		return lite_err_set(err, ENOMEM, "out of memory");
	archive_write_set_format_pax(w.a);
	archive_write_set_bytes_in_last_block(w.a, 1);
	snprintf(p, sizeof(p), "%s", name);
	r = archive_write_open(w.a, &w, NULL, cpw_write, NULL) == ARCHIVE_OK ? 0 : cpw_fail(&w, path);
	if (r == 0)
		r = cpw_entry(&w, fd, &st, p, sizeof(p));
	if (r == 0 && archive_write_close(w.a) != ARCHIVE_OK)
		r = cpw_fail(&w, path);
	archive_write_free(w.a);
	return r;
}

/* Extraction. */

struct dir_time {
	char *path;
	struct timespec mtime;
};

struct cpx {
	struct archive *a;
	int in_fd;
	const void *pre;
	size_t pre_len;
	char buf[64 * 1024];
	int rootfd;
	bool owners;
	struct dir_time *dirs;
	size_t n_dirs;
	struct lite_err *err;
};

/* The parent of path opened below the root, and path's last component. */
static int
open_parent(struct cpx *x, char *path, const char **ret_leaf)
{
	char *slash = strrchr(path, '/');
	int fd;

	if (!slash) {
		*ret_leaf = path;
		return open2(x->rootfd, ".", O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT);
	}
	*slash = '\0';
	fd = open2(x->rootfd, *path ? path : "/", O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT);
	*slash = '/';
	*ret_leaf = slash + 1;
	return fd;
}

static int
copy_data(struct cpx *x, int fd, const char *path)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(x->a, &buf, &len, &off)) == ARCHIVE_OK) {
		if (pwrite(fd, buf, len, off) != (ssize_t)len)
			return lite_err_sys(x->err, errno, "write '%s'", path);
	}
	if (r != ARCHIVE_EOF)
		return lite_err_set(x->err, EIO, "read archive: %s", archive_error_string(x->a) ?: "failed");
	return 0;
}

/* Make room for a new leaf: an existing directory stays for a directory. */
static int
clear_leaf(int pfd, const char *leaf, mode_t mode)
{
	struct stat st;

	if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode) && S_ISDIR(mode))
		return 1;
	if (unlinkat(pfd, leaf, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		return -errno;
	return 0;
}

static int
create_leaf(struct cpx *x, struct archive_entry *e, int pfd, const char *leaf, const char *path)
{
	mode_t mode = archive_entry_mode(e);
	const char *hl = archive_entry_hardlink(e);
	_cleanup_close_ int fd = -1;
	int r = clear_leaf(pfd, leaf, mode);

	if (r < 0)
		return lite_err_sys(x->err, -r, "replace '%s'", path);
	if (r == 1)
		return 0;
	if (hl)
		return lite_err_set(x->err, ENOTSUP, "'%s': hard links are not supported by cp", path);
	if (S_ISDIR(mode))
		r = mkdirat(pfd, leaf, 0700);
	else if (S_ISLNK(mode))
		r = symlinkat(archive_entry_symlink(e) ?: "", pfd, leaf);
	else if (S_ISREG(mode)) {
		fd = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		r = fd < 0 ? -1 : 0;
	} else
		r = mknodat(pfd, leaf, mode & (S_IFMT | 07777),
			    makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e)));
	if (r < 0)
		return lite_err_sys(x->err, errno, "create '%s'", path);
	return fd >= 0 ? copy_data(x, fd, path) : 0;
}

static void
set_meta(struct cpx *x, struct archive_entry *e, int pfd, const char *leaf)
{
	mode_t mode = archive_entry_mode(e);
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT },
				  { archive_entry_mtime(e), archive_entry_mtime_nsec(e) } };

	bool owned = false;

	/* best effort, as tar: a file system that refuses an owner or a mode
	 * still gets the file; but setuid and setgid bits only on a file that
	 * really got the archive's owner, never on one the writer still owns */
	if (x->owners && (!idmap.size || (archive_entry_uid(e) >= 0 && archive_entry_uid(e) < (la_int64_t)idmap.size &&
					  archive_entry_gid(e) >= 0 && archive_entry_gid(e) < (la_int64_t)idmap.size)))
		owned = fchownat(pfd, leaf, (uid_t)archive_entry_uid(e) + idmap.uid_base,
				 (gid_t)archive_entry_gid(e) + idmap.gid_base, AT_SYMLINK_NOFOLLOW) == 0;
	if (!owned)
		mode &= ~(mode_t)(S_ISUID | S_ISGID);
	if (!S_ISLNK(mode))
		(void)!fchmodat(pfd, leaf, mode & 07777, 0);
	(void)utimensat(pfd, leaf, ts, AT_SYMLINK_NOFOLLOW);
}

static int
remember_dir(struct cpx *x, const char *path, struct archive_entry *e)
{
	struct dir_time *d = realloc(x->dirs, (x->n_dirs + 1) * sizeof(*d));

	if (!d)
		return lite_err_set(x->err, ENOMEM, "out of memory");
	x->dirs = d;
	d[x->n_dirs].path = strdup(path);
	d[x->n_dirs].mtime = (struct timespec){ archive_entry_mtime(e), archive_entry_mtime_nsec(e) };
	if (!d[x->n_dirs].path)
		return lite_err_set(x->err, ENOMEM, "out of memory");
	x->n_dirs++;
	return 0;
}

static int
extract_one(struct cpx *x, struct archive_entry *e, const char *base, const char *target)
{
	char path[PATH_MAX];
	const char *leaf;
	_cleanup_close_ int pfd = -1;
	int r;

	r = cp_path_rewrite(archive_entry_pathname(e) ?: "", base, target, path, sizeof(path));
	if (r < 0)
		return lite_err_set(x->err, -r, "unsafe or unexpected name in the archive: '%s'",
				    archive_entry_pathname(e) ?: "");
	pfd = open_parent(x, path, &leaf);
	if (pfd < 0)
		return lite_err_sys(x->err, -pfd, "'%s'", path);
	if (!*leaf || !strcmp(leaf, ".") || !strcmp(leaf, ".."))
		return S_ISDIR(archive_entry_mode(e)) ? 0 : lite_err_set(x->err, EISDIR, "'%s' is a directory", path);
	r = create_leaf(x, e, pfd, leaf, path);
	if (r < 0)
		return r;
	set_meta(x, e, pfd, leaf);
	return S_ISDIR(archive_entry_mode(e)) ? remember_dir(x, path, e) : 0;
}

/* Directory mtimes last: creating their entries changed them. */
static void
restore_dir_times(struct cpx *x)
{
	while (x->n_dirs > 0) {
		struct dir_time *d = &x->dirs[--x->n_dirs];
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, d->mtime };
		_cleanup_close_ int fd = open2(x->rootfd, d->path, O_PATH | O_NOFOLLOW, RESOLVE_IN_ROOT);

		if (fd >= 0) {
			char proc[64];

			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			(void)utimensat(AT_FDCWD, proc, ts, 0);
		}
		free(d->path);
	}
	free(x->dirs);
}

static la_ssize_t
cpx_read(struct archive *a, void *ud, const void **ret)
{
	struct cpx *x = ud;
	ssize_t n;

	if (x->pre_len) {
		*ret = x->pre;
		n = (ssize_t)x->pre_len;
		x->pre_len = 0;
		return n;
	}
	do
		n = read(x->in_fd, x->buf, sizeof(x->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		archive_set_error(a, errno, "read: %s", strerror(errno));
	*ret = x->buf;
	return n;
}

int
cp_tar_extract(int rootfd, int in_fd, const void *pre, size_t pre_len, const char *base, const char *target,
	       bool owners, struct lite_err *err)
{
	_cleanup_free_ struct cpx *x = calloc(1, sizeof(*x));
	struct archive_entry *e;
	int r = 0, ar;

	if (!x)
		return lite_err_set(err, ENOMEM, "out of memory");
	if (load_archive(err) < 0)
		return -ENOENT;
	*x = (struct cpx){ .rootfd = rootfd, .in_fd = in_fd, .pre = pre, .pre_len = pre_len, .owners = owners,
			   .err = err };

	x->a = archive_read_new();
	if (!x->a)
		return lite_err_set(err, ENOMEM, "out of memory");
	archive_read_support_format_tar(x->a);
	archive_read_support_format_gnutar(x->a);
	if (archive_read_open(x->a, x, NULL, cpx_read, NULL) != ARCHIVE_OK)
		r = lite_err_set(err, EIO, "read archive: %s", archive_error_string(x->a) ?: "failed");
	while (r == 0 && (ar = archive_read_next_header(x->a, &e)) != ARCHIVE_EOF) {
		if (ar < ARCHIVE_WARN)
			r = lite_err_set(err, EIO, "read archive: %s", archive_error_string(x->a) ?: "failed");
		else
			r = extract_one(x, e, base, target);
	}
	restore_dir_times(x);
	archive_read_free(x->a);
	return r;
}
