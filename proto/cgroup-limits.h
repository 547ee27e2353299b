/* A container's resource limits as a request gives them (run, create and
 * update share one decoder) and as the engine hands them to its cgroup
 * code. Pure code, unit-tested in tests/unit/test-run-spec.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lite-err.h"

/* Docker's floor: a smaller memory limit cannot start a process. The
 * client checks it too (cgroup_limits_check_memory), with the same words. */
#define CGROUP_LIMITS_MIN_MEMORY (6ULL << 20)
/* run's pids limit when none is given: a fork bomb stays inside its
 * container; -1 lifts it. */
#define CGROUP_LIMITS_DEFAULT_PIDS 4096

/* Access bits of a device rule: the kernel's BPF_DEVCG_ACC_* values
 * (v1 writes them as the letters m, r, w). */
enum { CGROUP_DEV_MKNOD = 1, CGROUP_DEV_READ = 2, CGROUP_DEV_WRITE = 4, CGROUP_DEV_RWM = 7 };
#define CGROUP_LIMITS_MAX_DEVICES 32

/* A device the container may use: type 'c', 'b' or 'a' (every device),
 * major and minor (-1: any), CGROUP_DEV_* access bits. */
struct cgroup_device_rule {
	char type;
	int32_t major, minor;
	unsigned access;
};

/* Zero means "not set" for every field. */
struct cgroup_limits {
	uint64_t memory_bytes;      /* -m */
	int64_t memory_swap_bytes;  /* memory+swap total; -1 unlimited; 0 = Docker default (2x memory) */
	uint64_t millicpus;         /* --cpus 0.5 -> 500 */
	uint64_t cpu_shares;        /* v1 shares (2..262144) */
	int64_t pids_limit;         /* > 0 limit, -1 unlimited */
	char cpuset_cpus[128];
	char cpuset_mems[128];
	uint64_t memory_reservation; /* soft limit: v1 memory.soft_limit_in_bytes, v2 memory.low */
	unsigned blkio_weight;       /* 10..1000; v1 blkio.weight / blkio.bfq.weight, v2 io.weight */
	char device_read_bps[512];   /* "MAJ:MIN BYTES" lines */
	/* The device filter (set at run, never by update): Docker's default
	 * list plus devices[]; devices_allow_all lifts the filter (for
	 * --privileged). */
	bool devices_allow_all;
	unsigned n_devices;          /* --device nodes, resolved to MAJ:MIN */
	struct cgroup_device_rule devices[CGROUP_LIMITS_MAX_DEVICES];
};

/* The limit params of run/create/update (memory, memory_swap, cpus,
 * cpu_shares, pids_limit, cpuset_cpus, cpuset_mems, memory_reservation,
 * blkio_weight) over l: a param that is absent, or 0 where 0 means "not
 * set", leaves its field as it is (update keeps the current value). Each
 * field's own rule is checked here; the message names the flag. */
int cgroup_limits_decode(json_t *params, struct cgroup_limits *l, struct lite_err *err);
/* The rules between fields and against the host, on the limits as they
 * will apply (after update merged them): --memory-swap against --memory,
 * --cpus at most ncpu. */
int cgroup_limits_check(const struct cgroup_limits *l, long ncpu, struct lite_err *err);
/* The memory minimum: -EINVAL with its message for 0 < bytes < 6 MiB. */
int cgroup_limits_check_memory(uint64_t bytes, struct lite_err *err);
