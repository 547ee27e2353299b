/* lite build's steps as images (issue 15; image-derive.c). */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "lite-err.h"

/* A new image from spec (see image-derive.c); *ret_id is its id. */
int image_derive(const char *data_root, json_t *spec, char **ret_id, struct lite_err *err);
/* builder prune: drop the caller's build-cache entries (every user's when
 * all, for root), and remove the untagged images they named that no
 * container uses. Result {"entries": N, "deleted": [rmi's entries]}. */
int image_derive_prune(const char *data_root, bool all, json_t **ret, struct lite_err *err);
/* image-derive-tar.c: out_tar = in_tar (may be NULL) plus an entry for
 * every parent directory, with the parent image's metadata; mkdir_path
 * (may be NULL): a directory to make, its new directories owned by
 * mkdir_owner ("UID:GID", may be NULL), *ret_empty when the image has it. */
int image_derive_tar_fill(const char *data_root, const char *parent, const char *in_tar, const char *mkdir_path,
			  const char *mkdir_owner, const char *out_tar, bool *ret_empty, struct lite_err *err);
