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
