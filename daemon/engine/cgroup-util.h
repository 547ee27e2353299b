/* Primitives shared by the cgroup front (cgroup.c), its two back ends
 * (cgroup-v1.c, cgroup-v2.c) and cgroup-freeze.c: paths, knob writes,
 * killing stragglers and removing a cgroup tree. They call nothing above
 * them, so v1 and v2 never call back into the dispatcher. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lite-err.h"

/* dir + "/" + file into buf; -ENAMETOOLONG when it does not fit. */
int cgroup_util_path(char *buf, size_t len, const char *dir, const char *file);
/* Write value to dir/file; the error names the file and the value. */
int cgroup_util_write_knob(const char *dir, const char *file, const char *value, struct lite_err *err);
/* cgroup_util_write_knob() of a decimal number. */
int cgroup_util_write_u64(const char *dir, const char *file, uint64_t v, struct lite_err *err);
/* SIGKILL every pid in dir/cgroup.procs; returns how many were signalled. */
int cgroup_util_kill_procs(const char *dir);
/* Kill what runs in dir and its sub-cgroups (v2 cgroup.kill when
 * use_kill_file, else a SIGKILL per pid), then rmdir them bottom-up. */
int cgroup_util_remove_tree(const char *dir, bool use_kill_file, struct lite_err *err);
