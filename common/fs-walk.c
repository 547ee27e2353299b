/* Tree walks without recursion and with two file descriptors at a time,
 * whatever the depth: a user controls what is below a container's upper
 * directory or a volume, and a 30,000-deep tree must neither overflow the
 * daemon's stack (nftw recurses per level) nor use an fd per level (the
 * daemon's limit is shared by every client).
 *
 * Each level of the path walked is a heap record: the directory's (dev,
 * ino), its name in the parent and the names of its subdirectories still
 * to visit. Going down opens the child and closes the parent; coming back
 * opens "..", which must be the (dev, ino) recorded: a tree renamed under
 * the walk stops it (-ESTALE) rather than lead it elsewhere. */
#include "fs-walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

struct level {
	dev_t dev;
	ino_t ino;
	char *name;   /* in the parent; NULL for the top */
	char **subs;  /* subdirectories to visit */
	size_t n, next, cap;
};

struct walk {
	fs_walk_fn fn;  /* NULL: remove */
	void *arg;
	dev_t dev;      /* the top's file system */
	struct level *lv;
	size_t depth, cap;
	size_t budget, done;
	int err;        /* the first error */
	int fd;         /* the current directory: lv[depth - 1] */
};

static void
note(struct walk *w, int r)
{
	if (r < 0 && r != -ENOENT && w->err == 0)
		w->err = r;
}

static int
push(struct walk *w, const struct stat *st, const char *name)
{
	struct level *l;

	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct level *n = realloc(w->lv, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		w->lv = n;
		w->cap = cap;
	}
	l = &w->lv[w->depth];
	memset(l, 0, sizeof(*l));
	l->dev = st->st_dev;
	l->ino = st->st_ino;
	if (name && !(l->name = strdup(name)))
		return -ENOMEM;
	w->depth++;
	return 0;
}

static void
pop(struct walk *w)
{
	struct level *l = &w->lv[--w->depth];

	for (size_t i = l->next; i < l->n; i++)
		free(l->subs[i]);
	free(l->subs);
	free(l->name);
}

static int
add_sub(struct level *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **n = realloc(l->subs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->subs = n;
		l->cap = cap;
	}
	if (!(l->subs[l->n] = strdup(name)))
		return -ENOMEM;
	l->n++;
	return 0;
}

static int
unlink_one(struct walk *w, const char *name)
{
	if (w->budget && w->done >= w->budget)
		return -EAGAIN;
	w->done++;
	if (unlinkat(w->fd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* One entry of the current directory: a subdirectory is kept for later,
 * anything else reported (walk) or unlinked (remove). */
static int
entry(struct walk *w, struct level *l, const char *name)
{
	struct stat st;

	if (fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		if (st.st_dev != w->dev)
			return w->fn ? 0 : -EXDEV; /* never into a mount */
		return add_sub(l, name);
	}
	if (w->fn)
		return w->fn(&st, w->arg) ? -ECANCELED : 0;
	return unlink_one(w, name);
}

static int
scan(struct walk *w)
{
	struct level *l = &w->lv[w->depth - 1];
	int fd = dup(w->fd), r = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!w->fn && de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			r = unlink_one(w, de->d_name); /* no stat needed */
		else if (de->d_type == DT_DIR)
			r = add_sub(l, de->d_name); /* down() checks its file system */
		else
			r = entry(w, l, de->d_name);
		if (r == -ENOMEM || r == -ECANCELED || r == -EAGAIN)
			break;
		note(w, r);
		r = 0;
	}
	closedir(d);
	return r;
}

/* Into the next subdirectory of the current level; 1 when there is none. */
static int
down(struct walk *w)
{
	struct level *l = &w->lv[w->depth - 1];
	struct stat st;
	char *name;
	int fd, r;

	while (l->next < l->n) {
		name = l->subs[l->next];
		l->subs[l->next++] = NULL;
		fd = openat(w->fd, name, DIR_FLAGS);
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != w->dev) {
			note(w, fd < 0 ? -errno : w->fn ? 0 : -EXDEV); /* a walk skips mounts silently */
			if (fd >= 0)
				close(fd);
			free(name);
			continue;
		}
		r = push(w, &st, name);
		free(name);
		if (r == 0 && w->fn && w->fn(&st, w->arg))
			r = -ECANCELED;
		if (r < 0) {
			close(fd);
			return r;
		}
		close(w->fd);
		w->fd = fd;
		return 0;
	}
	return 1;
}

/* Back to the parent, which must be the directory we came from; removes
 * the level's directory when removing. */
static int
up(struct walk *w)
{
	struct level *parent = &w->lv[w->depth - 2];
	struct stat st;
	int fd = openat(w->fd, "..", DIR_FLAGS);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_dev != parent->dev || st.st_ino != parent->ino) {
		close(fd);
		return -ESTALE;
	}
	close(w->fd);
	w->fd = fd;
	if (!w->fn) {
		if (w->budget && w->done >= w->budget)
			return -EAGAIN;
		w->done++;
		if (unlinkat(fd, w->lv[w->depth - 1].name, AT_REMOVEDIR) < 0)
			note(w, errno == ENOENT ? 0 : -errno);
	}
	pop(w);
	return 0;
}

static int
run(struct walk *w)
{
	int r = scan(w);

	while (r == 0) {
		r = down(w);
		if (r == 0)
			r = scan(w);
		else if (r == 1)
			r = w->depth > 1 ? up(w) : 2;
	}
	return r == 2 ? 0 : r;
}

static int
walk_tree(struct walk *w, const char *path)
{
	struct stat st;
	int r;

	w->fd = open(path, DIR_FLAGS);
	if (w->fd < 0)
		return -errno;
	if (fstat(w->fd, &st) < 0) {
		r = -errno;
		close(w->fd);
		return r;
	}
	w->dev = st.st_dev;
	r = push(w, &st, NULL);
	if (r == 0 && w->fn && w->fn(&st, w->arg))
		r = -ECANCELED;
	if (r == 0)
		r = run(w);
	while (w->depth)
		pop(w);
	free(w->lv);
	close(w->fd);
	if (r == -ECANCELED)
		r = 0;
	return r < 0 ? r : w->err;
}

int
fs_walk(const char *path, fs_walk_fn fn, void *arg)
{
	struct walk w = { .fn = fn, .arg = arg };
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return fn(&st, arg), 0;
	return walk_tree(&w, path);
}

int
fs_walk_rm(const char *path, size_t budget)
{
	struct walk w = { .budget = budget };
	struct stat st;
	int r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	r = walk_tree(&w, path);
	if (r < 0)
		return r;
	if (rmdir(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
