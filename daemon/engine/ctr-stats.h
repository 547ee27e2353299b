/* A container's resource use (ctr-stats.c), for stats and top. */
#pragma once

#include <jansson.h>

struct ctr;
struct daemon;

/* One sample, Docker-shaped (PROTOCOL.md, "stats"); a container that is
 * not running gets {"id","name","read","running":false}. */
json_t *ctr_stats_sample(struct daemon *d, const struct ctr *c);
/* The host PIDs in the container's cgroup, as a JSON array. */
int ctr_stats_pids(struct daemon *d, const struct ctr *c, json_t **ret);
