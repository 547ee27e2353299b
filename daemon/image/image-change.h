/* Dockerfile-style config changes for commit (image-change.c). */
#pragma once

#include <jansson.h>
#include <stddef.h>

/* Apply one change ("CMD [\"sh\"]", "ENV K=V", "WORKDIR /x", ...) to an
 * image config's "config" object; -EINVAL with a message in errbuf. */
int image_change_apply(json_t *cfg, const char *change, char *errbuf, size_t errlen);
