/* Writing a directory tree as a tar stream, canonically: entries sorted by
 * name, pax format, times to the second, no user/group names. The same tree
 * always gives the same bytes, so a layer saved, loaded and saved again
 * keeps its diff_id. With whiteouts, overlay's whiteouts (char device 0:0)
 * and opaque directories (xattr trusted.overlay.opaque=y) become the OCI
 * entries .wh.NAME and DIR/.wh..wh..opq; trusted.overlay.* xattrs are never
 * written. The tree is read with *at() calls that never follow symlinks. */
#include "image-tar.h"
#include "idmap.h"
#include "fd-util.h"
#include "image-internal.h"

#include "cleanup.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define OVERLAY_XATTR_PREFIX "trusted.overlay."

struct link_seen {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct tarw {
	struct archive *a;
	int out_fd;
	struct sha256_ctx sha;
	uint64_t n;
	bool whiteouts;
	struct link_seen *links;
	size_t n_links, cap_links;
	struct lite_err *err;
	int werr;
};

static la_ssize_t
tarw_write(struct archive *a, void *ud, const void *buf, size_t len)
{
	struct tarw *t = ud;

	if (fd_write_all(t->out_fd, buf, len) < 0) {
		t->werr = errno;
		archive_set_error(a, errno, "write: %s", strerror(errno));
		return -1;
	}
	sha256_update(&t->sha, len, buf);
	t->n += len;
	return (la_ssize_t)len;
}

static int
tar_fail(struct tarw *t, const char *path)
{
	if (t->werr)
		return lite_err_sys(t->err, t->werr, "write tar");
	return lite_err_set(t->err, EIO, "tar '%s': %s", path, archive_error_string(t->a) ?: "write failed");
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static int
xattr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Copy the xattrs of fd (except trusted.overlay.*), sorted by name. */
static void
add_xattrs(struct archive_entry *e, int fd)
{
	char list[8192], *names[256], val[65536];
	ssize_t n = flistxattr(fd, list, sizeof(list));
	size_t k = 0;

	for (char *p = list; n > 0 && p < list + n && k < 256; p += strlen(p) + 1)
		if (strncmp(p, OVERLAY_XATTR_PREFIX, strlen(OVERLAY_XATTR_PREFIX)))
			names[k++] = p;
	qsort(names, k, sizeof(char *), xattr_cmp);
	for (size_t i = 0; i < k; i++) {
		ssize_t vl = fgetxattr(fd, names[i], val, sizeof(val));

		if (vl >= 0)
			archive_entry_xattr_add_entry(e, names[i], val, (size_t)vl);
	}
}

static bool
is_opaque(int fd)
{
	char v[4];

	return fgetxattr(fd, OVERLAY_XATTR_PREFIX "opaque", v, sizeof(v)) == 1 && v[0] == 'y';
}

/* image_tar_set_idmap's shift; size 0 = none */
static struct idmap idmap;

int
image_tar_set_idmap(const char *spec)
{
	return idmap_parse(spec, &idmap);
}

static bool (*skip_path)(const char *path);

void
image_tar_set_skip(bool (*skip)(const char *path))
{
	skip_path = skip;
}

static struct archive_entry *
entry_new(const char *path, const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, path);
	archive_entry_set_mode(e, st->st_mode);
	archive_entry_set_uid(e, idmap_uid_to_ctr(&idmap, st->st_uid));
	archive_entry_set_gid(e, idmap_gid_to_ctr(&idmap, st->st_gid));
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, 0);
	return e;
}

static int
write_empty(struct tarw *t, const char *path)
{
	struct stat st = { .st_mode = S_IFREG | 0644 };
	struct archive_entry *e = entry_new(path, &st);
	int r;

	archive_entry_set_size(e, 0);
	r = archive_write_header(t->a, e);
	archive_entry_free(e);
	return r < ARCHIVE_WARN ? tar_fail(t, path) : 0;
}

static int
write_data(struct tarw *t, int fd, const char *path)
{
	static char buf[128 * 1024];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lite_err_sys(t->err, errno, "read '%s'", path);
		if (n == 0)
			return 0;
		if (archive_write_data(t->a, buf, (size_t)n) < 0)
			return tar_fail(t, path);
	}
}

/* A regular file seen before (same inode): a hardlink entry to it. */
static const char *
link_lookup(struct tarw *t, const struct stat *st, const char *path)
{
	for (size_t i = 0; i < t->n_links; i++)
		if (t->links[i].dev == st->st_dev && t->links[i].ino == st->st_ino)
			return t->links[i].path;
	if (t->n_links == t->cap_links) {
		size_t cap = t->cap_links ? 2 * t->cap_links : 32;
		struct link_seen *n = realloc(t->links, cap * sizeof(*n));

		if (!n)
			return NULL;
		t->links = n;
		t->cap_links = cap;
	}
	t->links[t->n_links++] = (struct link_seen){ st->st_dev, st->st_ino, strdup(path) };
	return NULL;
}

static int walk(struct tarw *t, int dfd, char *path, size_t plen);

static int
write_one(struct tarw *t, int dfd, const char *name, char *path, size_t plen)
{
	struct archive_entry *e;
	_cleanup_close_ int fd = -1;
	const char *first = NULL;
	bool data = false;
	char target[PATH_MAX];
	struct stat st;
	size_t base = strlen(path);
	int r = 0;

	if (skip_path && skip_path(path))
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return lite_err_sys(t->err, errno, "stat '%s'", path);
	if (S_ISSOCK(st.st_mode))
		return 0;
	if (t->whiteouts && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		char wh[PATH_MAX];
		const char *slash = strrchr(path, '/');

		snprintf(wh, sizeof(wh), "%.*s.wh.%s", slash ? (int)(slash - path + 1) : 0, path, name);
		return write_empty(t, wh);
	}
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return lite_err_sys(t->err, errno, "open '%s'", path);
	}
	e = entry_new(path, &st);
	if (S_ISREG(st.st_mode) && st.st_nlink > 1 && (first = link_lookup(t, &st, path))) {
		archive_entry_set_hardlink(e, first);
		archive_entry_set_size(e, 0);
	} else if (S_ISREG(st.st_mode)) {
		archive_entry_set_size(e, st.st_size);
		data = true;
	} else if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);

		target[n > 0 ? n : 0] = '\0';
		archive_entry_set_symlink(e, target);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		archive_entry_set_rdevmajor(e, major(st.st_rdev));
		archive_entry_set_rdevminor(e, minor(st.st_rdev));
	}
	if (fd >= 0)
		add_xattrs(e, fd);
	r = archive_write_header(t->a, e);
	archive_entry_free(e);
	if (r < ARCHIVE_WARN)
		return tar_fail(t, path);
	r = data ? write_data(t, fd, path) : 0;
	if (r < 0 || !S_ISDIR(st.st_mode))
		return r;
	if (t->whiteouts && is_opaque(fd)) {
		char opq[PATH_MAX];

		snprintf(opq, sizeof(opq), "%s/.wh..wh..opq", path);
		r = write_empty(t, opq);
	}
	if (r == 0 && base + 1 < plen) {
		path[base] = '/';
		path[base + 1] = '\0';
		r = walk(t, fd, path, plen);
		path[base] = '\0';
	}
	return r;
}

/* Every entry of dfd, sorted; path holds dfd's path ("" or "a/b/"). */
static int
walk(struct tarw *t, int dfd, char *path, size_t plen)
{
	struct dirent **list = NULL;
	size_t base = strlen(path);
	int n, r = 0;

	n = scandirat(dfd, ".", &list, skip_dots, name_cmp);
	if (n < 0)
		return lite_err_sys(t->err, errno, "read directory '%s'", *path ? path : "/");
	for (int i = 0; i < n; i++) {
		if (r == 0 && base + strlen(list[i]->d_name) + 1 >= plen)
			r = lite_err_set(t->err, ENAMETOOLONG, "path too long: '%s%s'", path, list[i]->d_name);
		if (r == 0) {
			strcpy(path + base, list[i]->d_name);
			r = write_one(t, dfd, list[i]->d_name, path, plen);
			path[base] = '\0';
		}
		free(list[i]);
	}
	free(list);
	return r;
}

int
image_tar_dir(int dirfd, int out_fd, bool whiteouts, char ret_hex[IMAGE_SHA256_HEX_LEN + 1], uint64_t *ret_size,
	      struct lite_err *err)
{
	struct tarw t = { .out_fd = out_fd, .whiteouts = whiteouts, .err = err };
	char path[PATH_MAX] = "";
	uint8_t d[SHA256_DIGEST_SIZE];
	int r;

	sha256_init(&t.sha);
	t.a = archive_write_new();
	if (!t.a)
		return lite_err_set(err, ENOMEM, "out of memory");
	archive_write_set_format_pax_restricted(t.a);
	archive_write_set_bytes_in_last_block(t.a, 1);
	r = archive_write_open(t.a, &t, NULL, tarw_write, NULL) == ARCHIVE_OK ? 0 : tar_fail(&t, "");
	if (r == 0)
		r = walk(&t, dirfd, path, sizeof(path));
	if (r == 0 && archive_write_close(t.a) != ARCHIVE_OK)
		r = tar_fail(&t, "");
	archive_write_free(t.a);
	for (size_t i = 0; i < t.n_links; i++)
		free(t.links[i].path);
	free(t.links);
	if (r < 0)
		return r;
	sha256_digest(&t.sha, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(ret_hex + 2 * i, 3, "%02x", d[i]);
	if (ret_size)
		*ret_size = t.n;
	return 0;
}
