/* The two back ends cgroup.c dispatches to, by the host's cgroup mode.
 * They share primitives through cgroup-util.h, never through cgroup.c. */
#pragma once

#include "cgroup.h"

/* cgroup-v1.c: ROOT/CTL/PARENT/ID for every present controller, limits applied. */
int cgroup_v1_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err);
/* Kill and remove the container's cgroup in every v1 hierarchy. */
int cgroup_v1_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err);
/* cgroup-v2.c: ROOT/PARENT/ID with the controllers delegated down to it, limits applied. */
int cgroup_v2_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err);
/* Kill (cgroup.kill where the kernel has it) and remove ROOT/PARENT/ID. */
int cgroup_v2_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err);
/* cgroup-v2-devices.c: attach the container's eBPF device filter to its
 * cgroup dir (once: a cgroup that has one keeps it). No-op for
 * devices_allow_all. */
int cgroup_v2_devices_attach(const char *dir, const struct cgroup_limits *lim, struct lite_err *err);
