/* lite-image du: sizes of trees for the daemon, off its loop (image-du.c). */
#pragma once

#include <stdint.h>
#include <jansson.h>

#include "lite-err.h"

/* "size": bytes of the regular files (ps SIZE, Docker SizeRw); "blocks":
 * allocated bytes of everything but directories and symlinks (volumes, du).
 * Hard links count at each name, symlinks are not followed, mounts not
 * entered. */
uint64_t image_du_tree(const char *path, const char *mode);
/* du MODE PATH...: {"sizes":[BYTES,...]} in the order of the paths (0 for
 * a missing one). */
int image_du(const char *mode, int n, char **paths, json_t **ret, struct lite_err *err);
