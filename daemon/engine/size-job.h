/* Sizes of user-controlled trees (container upper dirs, volumes) computed
 * by lite-image du, off the event loop (size-job.c). */
#pragma once

#include <jansson.h>

#include "peer.h"

/* sizes: array of bytes, one per path (borrowed); state as given. */
typedef void (*size_job_done_fn)(struct peer *p, json_t *state, json_t *sizes);

/* mode "size" (regular files' st_size) or "blocks" (allocated bytes).
 * Calls done when the sizes are known (at once when paths is empty) or
 * replies with an error itself. Takes the references of paths and state. */
void size_job_start(struct peer *p, const char *mode, json_t *paths, json_t *state, size_job_done_fn done);
