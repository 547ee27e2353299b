/* lite diff: a container's changes, read from its overlay upper dir (in
 * lite-image, off the daemon's loop). A whiteout (a char device 0:0) is a
 * deletion "D"; any other entry is "C" when a lower layer has the same path
 * and "A" otherwise. An opaque directory (trusted.overlay.opaque=y) hides
 * the lower one's content: it is "C", and what the lower dirs held under it
 * and the upper one does not is reported as "D". Entries come sorted by
 * path, parents first, as docker diff prints them. */
#include "image-ctr.h"
#include "image.h"

#include "cleanup.h"

#include <dirent.h>
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
#include <unistd.h>

#define DIFF_MAX_DEPTH 128

struct diff {
	char **lower;        /* lower dirs, top first */
	json_t *changes;
};

static void
add(struct diff *df, const char *kind, const char *path)
{
	json_array_append_new(df->changes, json_pack("{s:s, s:s}", "kind", kind, "path", path));
}

static bool
in_lower(struct diff *df, const char *path)
{
	char p[PATH_MAX * 2];
	struct stat st;

	for (char **l = df->lower; l && *l; l++) {
		snprintf(p, sizeof(p), "%s%s", *l, path);
		if (lstat(p, &st) == 0)
			return true;
	}
	return false;
}

static bool
is_opaque(int fd)
{
	char v[4] = "";

	return fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y';
}

static int
skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* Entries of the lower dirs under path that upper dir fd lacks: "D". */
static void
hidden_by_opaque(struct diff *df, int fd, const char *path)
{
	char p[PATH_MAX * 2], child[PATH_MAX];
	struct dirent **names;
	struct stat st;

	for (char **l = df->lower; l && *l; l++) {
		int n;

		snprintf(p, sizeof(p), "%s%s", *l, path);
		n = scandir(p, &names, skip_dots, alphasort);
		for (int i = 0; i < n; i++) {
			snprintf(child, sizeof(child), "%s/%s", path, names[i]->d_name);
			if (fstatat(fd, names[i]->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				add(df, "D", child);
			free(names[i]);
		}
		if (n >= 0)
			free(names);
	}
}

static int walk(struct diff *df, int dfd, const char *path, bool added, int depth);

/* Walk below path; a "C /etc" that only held the shim's mount points
 * (image_ctr_is_etc_file) is no change: it goes. */
static int
walk_etc(struct diff *df, int fd, const char *path, bool added, int depth)
{
	size_t before = json_array_size(df->changes);
	int r = walk(df, fd, path, added, depth + 1);

	if (r == 0 && !added && strcmp(path, "/etc") == 0 && json_array_size(df->changes) == before)
		json_array_remove(df->changes, before - 1);
	return r;
}

static int
one(struct diff *df, int dfd, const char *name, const char *parent, bool added, int depth)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	struct stat st;
	bool is_added;

	if (snprintf(path, sizeof(path), "%s/%s", parent, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (image_ctr_is_etc_file(path))
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		add(df, "D", path);
		return 0;
	}
	is_added = added || !in_lower(df, path);
	add(df, is_added ? "A" : "C", path);
	if (!S_ISDIR(st.st_mode))
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!is_added && is_opaque(fd))
		hidden_by_opaque(df, fd, path);
	return walk_etc(df, fd, path, is_added, depth);
}

static int
walk(struct diff *df, int dfd, const char *path, bool added, int depth)
{
	struct dirent **names;
	char self[64];
	int n, r = 0;

	if (depth > DIFF_MAX_DEPTH)
		return -ELOOP;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", dfd); /* no scandirat in glibc */
	n = scandir(self, &names, skip_dots, alphasort);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (r == 0)
			r = one(df, dfd, names[i]->d_name, path, added, depth);
		free(names[i]);
	}
	free(names);
	return r;
}

int
image_diff(const char *data_root, const char *ctr_id, json_t **ret, struct lite_err *err)
{
	struct diff df = { 0 };
	struct image *img = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	r = image_ctr_load_image(data_root, ctr_id, &img, err);
	if (r == 0)
		r = image_layer_dirs(data_root, img, &df.lower, err);
	image_free(img);
	if (r == 0)
		r = image_ctr_open_upper(data_root, ctr_id, &fd, err);
	if (r < 0)
		return r;
	df.changes = json_array();
	r = walk(&df, fd, "", false, 0);
	for (char **l = df.lower; l && *l; l++)
		free(*l);
	free(df.lower);
	if (r < 0) {
		json_decref(df.changes);
		return lite_err_sys(err, -r, "container %.12s: read upper dir", ctr_id);
	}
	*ret = json_pack("{s:o}", "changes", df.changes);
	return 0;
}
