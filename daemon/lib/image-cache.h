/* The build cache's index (lite build, issue 15): which image a build step
 * produced, by the step's cache key (the parent image, the instruction with
 * its expanded arguments, the copied files' digest: the builder computes
 * it). DATA_ROOT/build-cache/HEX holds the image id, HEX = sha256 of
 * "UID\nKEY": one user's cached steps never answer another user's build.
 * The images themselves are ordinary untagged images; an entry whose image
 * is gone (image prune) is a miss. */
#pragma once

#include <jansson.h>
#include <sys/types.h>

#include "lite-err.h"

/* The id of the image cached for (uid, key): 0, or -ENOENT on a miss. */
int image_cache_get(const char *data_root, uid_t uid, const char *key, char **ret_id);
/* Record (uid, key) -> image_id (atomically). */
int image_cache_put(const char *data_root, uid_t uid, const char *key, const char *image_id);
/* Remove uid's entries (every user's for uid 0 with all); append the image
 * ids they named to ids. Returns the number removed, or -errno. */
int image_cache_drop(const char *data_root, uid_t uid, int all, json_t *ids);
