/* Who owns a tag (image-tags.c). repositories.json maps "name:tag" to either
 * "sha256:HEX" (the only form before owners existed, and still the form of
 * root's tags, so a store used by root alone stays as it was) or
 * {"id": "sha256:HEX", "owner": UID} for a tag a non-root user made.
 * Images are shared; a tag is its owner's: only the owner or root may
 * repoint or remove it (docs/SECURITY.md). */
#pragma once

#include "lite-err.h"

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

/* The image id a repositories.json value names, or NULL if malformed. */
const char *image_tags_id(json_t *v);
/* Its owner: 0 for the string form. */
uid_t image_tags_owner(json_t *v);
/* The value to store for (id, owner): the string form for root. */
json_t *image_tags_value(const char *id, uid_t owner);
/* The uid lite-image acts for: LITE_CALLER_UID, which the daemon sets for
 * every job (image-job.c); 0 when unset (lite-image run by hand, as root). */
uid_t image_tags_caller(void);
/* May caller repoint or remove tag name? -EPERM with a message if not.
 * A tag that does not exist yet is anyone's to make. */
int image_tags_check(json_t *repos, const char *name, uid_t caller, struct lite_err *err);
