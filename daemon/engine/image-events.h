/* Events of image jobs (image-events.c). */
#pragma once

#include <jansson.h>

struct daemon;

/* op: lite-image's operation (argv[0]); argv: the job's arguments after
 * the data root; res: its result. */
void image_events_job(struct daemon *d, const char *op, char **argv, json_t *res);
