/* lite load and the pieces commit and pull share with it (image-load.c). */
#pragma once

#include "lite-err.h"

#include <jansson.h>

/* Load every image of a Docker or OCI archive; *ret: [{"id","tags":[...]}]. */
int image_load_archive(const char *data_root, const char *archive, json_t **ret, struct lite_err *err);
/* Under the store lock: check every diff_id's layer is present, store the
 * config's bytes (id = their sha256) and point tags (may be NULL) at it. */
int image_load_commit_config(const char *data_root, const char *bytes, size_t len, json_t *diff_ids, char **tags,
			char **ret_id, struct lite_err *err);
/* openat2(RESOLVE_IN_ROOT) of a regular file below rootfd; -errno. */
int image_load_open_in(int rootfd, const char *name);
