/* --device (run-devices.c): checked, resolved to device-filter rules and
 * handed to the shim. */
#pragma once

#include <sys/types.h>

#include "ctr.h"
#include "lite-err.h"

struct run_spec;
struct shim_config;

/* Root only: each node's type and MAJ:MIN into l->devices (the limits
 * being built), the nodes into s->devices. */
int run_devices_apply(const struct run_spec *rs, uid_t uid, struct ctr_spec *s, struct cgroup_limits *l,
		      struct lite_err *err);
/* The shim config's "devices". -ENOMEM only. */
int run_devices_shim_config(const struct ctr_spec *s, struct shim_config *cfg);
