/* Canonical tar writer (image-tar.c), for save, commit and export. */
#pragma once

#include "lite-err.h"

#include <stdbool.h>
#include <stdint.h>

/* Write the tree below dirfd to out_fd as a tar; returns the sha256 of the
 * bytes written and their count. whiteouts: overlay whiteouts and opaque
 * dirs become OCI .wh. entries (layers); otherwise they are copied as is. */
int image_tar_dir(int dirfd, int out_fd, bool whiteouts, char ret_hex[65], uint64_t *ret_size, struct lite_err *err);
/* Issue 11: for commit and export of a user-namespaced container, entries
 * carry host ids of its range ("UID:GID:SIZE") as the container's ids;
 * "-" or NULL: none. -EINVAL if malformed. */
int image_tar_set_idmap(const char *spec);
/* Paths (relative, "etc/hosts") for which skip returns true are left out
 * of every later image_tar_dir of this process; NULL: none. */
void image_tar_set_skip(bool (*skip)(const char *path));
