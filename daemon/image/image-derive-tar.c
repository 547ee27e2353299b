/* A COPY/ADD/WORKDIR layer's tar, made whole against its parent image. The
 * builder's tar holds only what it copies; unpacked as it is, the layer
 * would get every missing parent directory made with default metadata,
 * and in the overlay the upper directory's mode and owner win: a COPY into
 * /tmp would make /tmp 0755. So every parent gets an entry with the
 * metadata it has in the parent image (a new one: 0755 root), and a path
 * through a symlink of the image (/var/run -> /run, /lib -> usr/lib) is
 * rewritten to where the link leads, inside the image, as Docker's
 * builder follows it. Entries are written in the order they came, after
 * their parents. */
#include "image-derive.h"
#include "image-internal.h"
#include "image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

struct fill {
	char **layers;        /* the parent's layer dirs, top first (may be NULL) */
	json_t *done;         /* directories already written: a set */
	long uid, gid;        /* owner of the directories it makes */
	struct archive *out;
};

static bool
is_opaque(int fd)
{
	char v[2];

	return fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y';
}

/* path in one layer, a component at a time and never through a symlink
 * (a layer's link points into the image, not the host): 1 and its stat
 * (and a link's target), 0 when this layer does not have it (look lower),
 * -1 when this layer hides it (a whiteout, a non-directory parent, absent
 * below an opaque directory). */
static int
layer_lookup(const char *layer, const char *path, struct stat *st, char *target, size_t tlen)
{
	int dfd = open(layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	bool opaque = false;
	char comp[NAME_MAX + 1];

	for (const char *p = path; dfd >= 0;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int nfd;

		if (n == 0 || n > NAME_MAX)
			break;
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (fstatat(dfd, comp, st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = opaque ? -1 : 0;
			break;
		}
		if (S_ISCHR(st->st_mode) && st->st_rdev == 0) {
			r = -1;   /* a whiteout: removed in this layer */
			break;
		}
		if (!slash) {
			ssize_t k;

			r = 1;
			if (target && S_ISLNK(st->st_mode)) {
				k = readlinkat(dfd, comp, target, tlen - 1);
				target[k < 0 ? 0 : k] = '\0';
			}
			break;
		}
		if (!S_ISDIR(st->st_mode)) {
			r = -1;   /* a file or link here hides the lower layers' path */
			break;
		}
		nfd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		dfd = nfd;
		if (dfd >= 0 && is_opaque(dfd))
			opaque = true;
		p = slash + 1;
	}
	if (dfd >= 0)
		close(dfd);
	return r;
}

/* path (relative) in the parent image: 1 and its stat (and a link's
 * target, when target is given), 0 when absent. */
static int
lookup(struct fill *f, const char *path, struct stat *st, char *target, size_t tlen)
{
	for (char **l = f->layers; l && *l; l++) {
		int r = layer_lookup(*l, path, st, target, tlen);

		if (r != 0)
			return r > 0;
	}
	return 0;
}

/* Resolve symlinks of the image among path's parents, in place (bounded). */
static int
resolve(struct fill *f, char *path, size_t len)
{
	for (int hops = 0; hops < 40; hops++) {
		char prefix[PATH_MAX], target[PATH_MAX], full[PATH_MAX], rest[PATH_MAX];
		bool changed = false;
		struct stat st;

		for (char *slash = strchr(path, '/'); slash && !changed; slash = strchr(slash + 1, '/')) {
			snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash - path), path);
			if (lookup(f, prefix, &st, target, sizeof(target)) != 1 || !S_ISLNK(st.st_mode) || !target[0])
				continue;
			snprintf(rest, sizeof(rest), "%s", slash + 1);
			if (target[0] == '/')
				snprintf(full, sizeof(full), "%s/%s", target + 1, rest);
			else if (strrchr(prefix, '/'))
				snprintf(full, sizeof(full), "%.*s/%s/%s", (int)(strrchr(prefix, '/') - prefix), prefix, target,
					 rest);
			else
				snprintf(full, sizeof(full), "%s/%s", target, rest);
			if (image_path_tar_clean(full, path, len) < 0)
				return -EINVAL;
			changed = true;
		}
		if (!changed)
			return 0;
	}
	return -ELOOP;
}

static int
put_dir(struct fill *f, const char *dir)
{
	struct archive_entry *e = archive_entry_new();
	struct stat st;
	int r;

	if (lookup(f, dir, &st, NULL, 0) == 1 && S_ISDIR(st.st_mode)) {
		archive_entry_copy_stat(e, &st);
	} else {
		archive_entry_set_filetype(e, AE_IFDIR);
		archive_entry_set_perm(e, 0755);
		archive_entry_set_uid(e, f->uid);
		archive_entry_set_gid(e, f->gid);
		archive_entry_set_mtime(e, time(NULL), 0);
	}
	archive_entry_set_pathname(e, dir);
	r = archive_write_header(f->out, e) == ARCHIVE_OK ? 0 : -EIO;
	archive_entry_free(e);
	json_object_set_new(f->done, dir, json_true());
	return r;
}

/* Entries for path's parent directories not yet written. */
static int
parents(struct fill *f, const char *path)
{
	char dir[PATH_MAX];
	int r = 0;

	for (const char *slash = strchr(path, '/'); slash && r == 0; slash = strchr(slash + 1, '/')) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (!json_object_get(f->done, dir))
			r = put_dir(f, dir);
	}
	return r;
}

/* Does the builder's tar end with the end-of-archive marker (two zero
 * blocks)? A builder that fails half-way (a missing --from source, killed)
 * must not leave a layer that looks complete: it never writes the marker
 * (and writes a non-zero block instead), and a tar that stops between two
 * entries would read as a whole one. */
static bool
ends_cleanly(const char *in_tar)
{
	unsigned char tail[1024];
	struct stat st;
	bool ok = false;
	int fd = open(in_tar, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof(tail) && st.st_size % 512 == 0 &&
	    pread(fd, tail, sizeof(tail), st.st_size - (off_t)sizeof(tail)) == (ssize_t)sizeof(tail)) {
		ok = true;
		for (size_t i = 0; i < sizeof(tail) && ok; i++)
			ok = tail[i] == 0;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static int
copy_entries(struct fill *f, const char *in_tar, struct lite_err *err)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	char path[PATH_MAX];
	int r;

	if (!ends_cleanly(in_tar)) {
		archive_read_free(in);
		return lite_err_set(err, EINVAL, "the step's files: the upload is incomplete");
	}
	archive_read_support_format_tar(in);
	if (archive_read_open_filename(in, in_tar, 65536) != ARCHIVE_OK) {
		r = lite_err_set(err, EINVAL, "the step's files: %s", archive_error_string(in));
		archive_read_free(in);
		return r;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		const void *buf;
		size_t len;
		la_int64_t off;

		if (image_path_tar_clean(archive_entry_pathname(e), path, sizeof(path)) < 0 ||
		    resolve(f, path, sizeof(path)) < 0) {
			r = lite_err_set(err, EINVAL, "the step's files: bad path %s", archive_entry_pathname(e));
			break;
		}
		archive_entry_set_pathname(e, path);
		if (archive_entry_hardlink(e)) {
			/* a hard link's target went through the same links */
			char target[PATH_MAX];

			if (image_path_tar_clean(archive_entry_hardlink(e), target, sizeof(target)) < 0 ||
			    resolve(f, target, sizeof(target)) < 0) {
				r = lite_err_set(err, EINVAL, "the step's files: bad link %s", archive_entry_hardlink(e));
				break;
			}
			archive_entry_set_hardlink(e, target);
		}
		if ((r = parents(f, path)) < 0 || archive_write_header(f->out, e) != ARCHIVE_OK) {
			r = lite_err_set(err, EIO, "write the layer: %s", archive_error_string(f->out));
			break;
		}
		if (archive_entry_filetype(e) == AE_IFDIR)
			json_object_set_new(f->done, path, json_true());
		while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
			if (archive_write_data(f->out, buf, len) < 0)
				break;
		if (r != ARCHIVE_EOF) {
			r = lite_err_set(err, EIO, "the step's files: %s", archive_error_string(in));
			break;
		}
	}
	if (r == ARCHIVE_EOF)
		r = 0;
	else if (r > 0)
		r = lite_err_set(err, EINVAL, "the step's files: %s", archive_error_string(in));
	archive_read_free(in);
	return r;
}

int
image_derive_tar_fill(const char *data_root, const char *parent, const char *in_tar, const char *mkdir_path,
		      const char *mkdir_owner, const char *out_tar, bool *ret_empty, struct lite_err *err)
{
	struct fill f = { .done = json_object() };
	struct image *img = NULL;
	char path[PATH_MAX];
	struct stat st;
	int r = 0;

	*ret_empty = false;
	if (mkdir_owner && sscanf(mkdir_owner, "%ld:%ld", &f.uid, &f.gid) != 2)
		f.uid = f.gid = 0;
	if (parent && *parent && (image_load(data_root, parent, &img, err) < 0 ||
				  image_layer_dirs(data_root, img, &f.layers, err) < 0))
		r = -ENOENT;
	if (r == 0 && mkdir_path && (image_path_tar_clean(mkdir_path, path, sizeof(path)) < 0 || resolve(&f, path, sizeof(path)) < 0))
		r = lite_err_set(err, EINVAL, "bad directory %s", mkdir_path);
	if (r == 0 && mkdir_path && lookup(&f, path, &st, NULL, 0) == 1 && S_ISDIR(st.st_mode))
		*ret_empty = true;   /* WORKDIR of a directory the image has */
	f.out = archive_write_new();
	archive_write_set_format_pax_restricted(f.out);
	if (r == 0 && !*ret_empty && archive_write_open_filename(f.out, out_tar) != ARCHIVE_OK)
		r = lite_err_set(err, EIO, "create the layer: %s", archive_error_string(f.out));
	if (r == 0 && !*ret_empty && mkdir_path)
		r = parents(&f, path) < 0 || put_dir(&f, path) < 0 ? lite_err_set(err, EIO, "write the layer") : 0;
	f.uid = f.gid = 0;   /* a COPY's missing parents: root's, as Docker makes them */
	if (r == 0 && in_tar)
		r = copy_entries(&f, in_tar, err);
	if (r == 0 && !*ret_empty && archive_write_close(f.out) != ARCHIVE_OK)
		r = lite_err_set(err, EIO, "write the layer: %s", archive_error_string(f.out));
	archive_write_free(f.out);
	for (char **l = f.layers; l && *l; l++)
		free(*l);
	free(f.layers);
	json_decref(f.done);
	image_free(img);
	return r;
}
