/* `run` params for mounts, labels, ulimits and the rest (run-flags.c). */
#pragma once

#include <jansson.h>
#include <sys/types.h>

#include "ctr.h"
#include "lite-err.h"

struct daemon;

/* Validate and resolve into s (volumes are created here). */
int run_flags_parse(struct daemon *d, json_t *params, uid_t uid, struct ctr_spec *s, struct lite_err *err);
/* The shim config's part for them: mounts, rlimits, shm_size, read_only, oom_score_adj. */
json_t *run_flags_shim_config(const struct ctr_spec *s);
