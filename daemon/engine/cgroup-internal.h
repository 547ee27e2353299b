/* Internal interface shared by cgroup.c, cgroup-v1.c and cgroup-v2.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"

int cgroup_path(char *buf, size_t len, const char *dir, const char *file);
int cgroup_write_knob(const char *dir, const char *file, const char *value, struct lite_err *err);
int cgroup_kill_procs(const char *dir);
int cgroup_remove_tree(const char *dir, bool use_kill_file, struct lite_err *err);
int cgroup_v1_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err);
int cgroup_v1_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err);
int cgroup_v2_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err);
int cgroup_v2_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err);
