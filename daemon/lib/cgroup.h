/* One interface over cgroup v1 (per-controller hierarchies; also "hybrid"
 * hosts whose cgroup2 mount has no useful controllers) and cgroup v2.
 * The daemon creates and removes a container's cgroups; the shim only
 * writes pids into the procs files the daemon lists for it. */
#pragma once

#include "cgroup-limits.h" /* struct cgroup_limits: proto/, shared with requests */
#include "lite-err.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum cgroup_mode { CGROUP_MODE_V1, CGROUP_MODE_V2, CGROUP_MODE_MAX };

/* v1 controllers lite manages; on v2 the same names are v2 controllers. */
enum cgroup_ctl { CGROUP_CTL_MEMORY, CGROUP_CTL_CPU, CGROUP_CTL_CPUSET, CGROUP_CTL_PIDS, CGROUP_CTL_BLKIO,
		  CGROUP_CTL_FREEZER, /* v1 only: v2 freezes with the core cgroup.freeze */
		  CGROUP_CTL_DEVICES, /* v1 only: v2 filters devices with an eBPF program */
		  CGROUP_CTL_MAX };

struct cgroup_host {
	enum cgroup_mode mode;
	char root[PATH_MAX];   /* mount root, normally /sys/fs/cgroup */
	char parent[256];      /* engine's sub-tree below each hierarchy, e.g. "lite" */
	char delegated[256];   /* v2: the cgroup systemd delegated to us, a prefix of
				* parent ("" when the engine owns ROOT/PARENT) */
	bool has[CGROUP_CTL_MAX];
	bool has_swap;         /* v1 memory.memsw.* / v2 memory.swap.max present */
};

/* Detect the layout under root (normally "/sys/fs/cgroup"). parent names the
 * engine's sub-tree; it may contain '/' (e.g. "lite/test-1234"). */
int cgroup_detect(const char *root, const char *parent, struct cgroup_host *ret, struct lite_err *err);

/* From the daemon's /proc/self/cgroup (v2 line "0::PATH"), the cgroup a
 * systemd service delegated to it: PATH's parent when PATH is
 * "X.service/supervisor", where DelegateSubgroup=supervisor put the daemon.
 * -ENOENT when the daemon is not in such a leaf. Pure; unit-tested. */
int cgroup_values_v2_delegated_base(const char *proc_self_cgroup, char *buf, size_t len);

/* v2 under systemd: move the engine's sub-tree below the delegated service
 * cgroup, ROOT/SERVICE/PARENT. A no-op (0) when not delegated. */
int cgroup_v2_use_delegation(struct cgroup_host *h, struct lite_err *err);

/* Create the container's cgroup(s) and apply limits. Idempotent. */
int cgroup_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err);

/* NULL-terminated heap array of heap strings: every cgroup.procs file a
 * container process must be written into (one per v1 hierarchy, or one). */
int cgroup_procs_files(const struct cgroup_host *h, const char *id, char ***ret_files);
void cgroup_strv_free(char **v);

/* Path of the file holding the oom_kill counter (v1 memory.oom_control,
 * v2 memory.events). -ENOENT when the memory controller is missing. */
int cgroup_oom_file(const struct cgroup_host *h, const char *id, char *buf, size_t len);

/* Current oom_kill count of the container's cgroup (0 if not available). */
int cgroup_oom_kill_count(const struct cgroup_host *h, const char *id, uint64_t *ret);

/* Remove the container's cgroups. Kills stragglers (v2 cgroup.kill or
 * SIGKILL to cgroup.procs) and retries while the kernel still reaps. */
int cgroup_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err);

/* Pure helpers, cgroup-values.c: computed values, unit-tested. */

/* v1 cpu.cfs_quota_us for a CPU count at period_us (min 1000). */
uint64_t cgroup_values_cpu_quota_us(uint64_t millicpus, uint64_t period_us);
/* v2 "cpu.max" content: "QUOTA PERIOD" or "max PERIOD". */
void cgroup_values_v2_cpu_max(uint64_t millicpus, uint64_t period_us, char *buf, size_t len);
/* v1 shares (2..262144) -> v2 weight (1..10000), crun's formula. */
uint64_t cgroup_values_shares_to_weight(uint64_t shares);
/* Parse "oom_kill N" out of memory.oom_control / memory.events content. */
int cgroup_values_parse_oom_kill(const char *content, uint64_t *ret);
/* Directory of controller ctl for container id: v1 ROOT/CTL/PARENT/ID,
 * v2 ROOT/PARENT/ID. */
int cgroup_values_dir(const struct cgroup_host *h, enum cgroup_ctl ctl, const char *id, char *buf, size_t len);
const char *cgroup_values_ctl_name(enum cgroup_ctl ctl);
/* The v2 name of a controller ("io" for blkio). */
const char *cgroup_values_ctl_v2_name(enum cgroup_ctl ctl);

/* The container's device filter as a list of allow rules, first match
 * wins, everything else denied: Docker's default list (mknod of any node;
 * null, zero, full, random, urandom, tty, console, ptmx, the pts and
 * net/tun 10:200), then lim's --device rules. Returns how many it
 * wrote, or -E2BIG when max is too small. Pure. */
int cgroup_values_device_rules(const struct cgroup_limits *lim, struct cgroup_device_rule *out, size_t max);
/* A rule as a v1 devices.allow line: "c 1:3 rwm", "c *:* m". */
int cgroup_values_device_v1(const struct cgroup_device_rule *r, char *buf, size_t len);
/* Access bits as "rwm" letters (a subset, in that order). */
void cgroup_values_device_access(unsigned access, char buf[4]);

/* cgroup-freeze.c: freeze (pause) or thaw every process of the container,
 * v1 freezer.state FROZEN/THAWED or v2 cgroup.freeze; returns once the
 * kernel reports the new state (or -ETIMEDOUT). */
int cgroup_freeze(const struct cgroup_host *h, const char *id, bool frozen, struct lite_err *err);
