/* Tags, removal and disk usage of the image store (image-refs.c). Each
 * takes the store lock; run them in lite-image, not in the daemon. */
#pragma once

#include "lite-err.h"

#include <jansson.h>
#include <stdbool.h>

/* Point target (NAME[:TAG]) at the image source resolves to. */
int image_refs_tag(const char *data_root, const char *source, const char *target, struct lite_err *err);
/* docker rmi: untag / delete each ref, then collect unreferenced layers.
 * An image a container uses is refused, or with force only untagged (its
 * config and layers stay until the container is removed and it is pruned).
 * *ret: [{"Untagged": T} | {"Deleted": ID} | {"Error": MSG}]. */
int image_refs_rmi(const char *data_root, char **refs, bool force, json_t **ret, struct lite_err *err);
/* Delete images no container uses (all: also tagged ones; else only
 * untagged), then unreferenced layers. *ret: {"deleted":[...],"space_reclaimed":N}. */
int image_refs_prune(const char *data_root, bool all, json_t **ret, struct lite_err *err);
/* {"images":{total,active,size,reclaimable},"containers":{total,size},"layers":{total}} */
int image_refs_system_df(const char *data_root, json_t **ret, struct lite_err *err);
