/* The cgroup v2 device filter: a list of allow rules compiled into a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, by hand as crun does (no libbpf).
 * Pure code, unit-tested (tests/unit/test-cgroup-devices-bpf.c runs the
 * program through a small interpreter, and loads it when run as root). */
#pragma once

#include <linux/bpf.h>
#include <stddef.h>

#include "cgroup-limits.h"

/* Enough for CGROUP_LIMITS_MAX_DEVICES rules on top of the default list. */
#define CGROUP_DEVICES_BPF_MAX_INSNS 512

/* The program for rules: the first rule that matches the access allows
 * it (returns 1), none denies (returns 0). Returns the number of
 * instructions written to out, or -E2BIG when max is too small. */
int cgroup_devices_bpf_build(const struct cgroup_device_rule *rules, size_t n, struct bpf_insn *out, size_t max);
