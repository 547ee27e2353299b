/* Walking and deleting directory trees of any depth (fs-walk.c). */
#pragma once

#include <stddef.h>
#include <sys/stat.h>

/* Called for every object of the tree, the top included; symlinks are not
 * followed, other file systems not entered. Non-zero stops the walk. */
typedef int (*fs_walk_fn)(const struct stat *st, void *arg);

/* Walk path. 0, or the first error (an entry that vanished meanwhile is no
 * error); -ESTALE when the tree moved under the walk (it stops there, the
 * sizes seen so far are a lower bound). */
int fs_walk(const char *path, fs_walk_fn fn, void *arg);
/* rm -rf path, not crossing mounts; missing path is fine. At most budget
 * entries are removed (0: no limit): -EAGAIN when that is not the whole
 * tree (the rest is still there, call again). Otherwise 0 or the first
 * error, having removed all it could. */
int fs_walk_rm(const char *path, size_t budget);
