/* Containers' resource limits, shared: a struct cgroup_limits is 1.3 kB
 * (device rules and rate text), and nearly every container has the same
 * limits as many others (the defaults). Each container holds a counted
 * reference to an immutable block; a change (update) takes a reference to
 * the new limits and drops the old one. Pure code, unit-tested. */
#pragma once

#include "cgroup-limits.h"

/* The shared block equal to l (made when none is), with one more
 * reference; NULL when out of memory. */
const struct cgroup_limits *limits_pool_get(const struct cgroup_limits *l);
/* Drop a reference; the block goes with the last one. NULL and
 * limits_pool_none are ignored. */
void limits_pool_put(const struct cgroup_limits *l);
/* No limits at all (every field zero), for a spec that holds none yet;
 * never counted. */
extern const struct cgroup_limits limits_pool_none;
/* Shared blocks alive (tests, and memory reports). */
unsigned limits_pool_count(void);
