/* Removing a user's directory tree without blocking the loop (trash.c). */
#pragma once

#include <stddef.h>

/* Rename path to DATA_ROOT/tmp/gc-KIND-RANDOM (out of sight at once: a
 * crash after it never brings the tree back); its new path to out. 0,
 * -ENOENT when path is missing, or -errno (then nothing moved). */
int trash_move(const char *data_root, const char *path, const char *kind, char *out, size_t len);
/* Delete a tree trash_move moved: a few entries at once, the rest in a
 * child process. Failures are logged; what is left stays in DATA_ROOT/tmp
 * and trash_sweep deletes it at the next start. */
void trash_delete(const char *path);
/* At start, before serving: delete what a crash or a failure left in
 * DATA_ROOT/tmp/gc-*, logging what cannot be. */
void trash_sweep(const char *data_root);
