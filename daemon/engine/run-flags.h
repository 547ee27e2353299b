/* The parts of a run request that need the engine's state before they go
 * into the container's spec: mounts and volumes, labels, ulimits, block
 * devices (run-flags.c); and their part of the shim's config. */
#pragma once

#include <sys/types.h>

#include "ctr.h"
#include "lite-err.h"

struct daemon;
struct run_spec;
struct shim_config;

/* Check rs's mounts, ulimits and devices against the engine's state and
 * put them, its labels, shm size, read-only root and OOM score into s;
 * the device rules and rates into l, the limits being built (s holds
 * only shared ones). Named volumes are created here, so call it last. */
int run_flags_apply(struct daemon *d, const struct run_spec *rs, uid_t uid, struct ctr_spec *s, struct cgroup_limits *l,
		    struct lite_err *err);
/* The shim config's part for them: mounts, rlimits, shm_size, read_only, oom_score_adj. -ENOMEM only. */
int run_flags_shim_config(const struct ctr_spec *s, struct shim_config *cfg);
