/* A run (or create) request, decoded once: everything below the handler
 * takes this struct, never the request's JSON. The syntax and range of
 * every param is checked here, each rule with one message that names the
 * flag; what needs the engine's state (the image, names in use, networks,
 * volumes, the engine's own rlimits, block devices) is checked where that
 * state lives. Pure code, unit-tested in tests/unit/test-run-spec.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup-limits.h"
#include "device-spec.h"
#include "health-opts.h"
#include "lite-err.h"
#include "log-opts.h"
#include "mount-spec.h"
#include "net-opts.h"
#include "restart-policy.h"
#include "sec-opts.h"
#include "ulimit.h"

/* --device-read-bps DEVICE:RATE */
struct run_spec_rate {
	char device[256];    /* a path; the engine resolves it to MAJ:MIN */
	uint64_t bps;
};

struct run_spec {
	char *image;         /* as the user typed it */
	char **cmd;          /* NULL: the image's Cmd */
	char **entrypoint;   /* with entrypoint_set: replaces the image's; empty clears it */
	bool entrypoint_set;
	char **env;          /* KEY=VALUE; NULL: none */
	char *name;          /* NULL: a generated one */
	char *hostname;      /* NULL: the id's first 12 characters */
	char *user;          /* USER[:GROUP]; NULL: the image's */
	char *workdir;       /* absolute; NULL: the image's */
	char *userns;        /* --userns: NULL (the default), "auto" or "host" */
	bool tty, open_stdin, auto_remove, init, read_only;
	bool attach, pass_fd; /* run only: stream on this connection, pass the shim's socket */
	unsigned short rows, cols;
	int stop_signal;     /* 0: SIGTERM */
	int stop_timeout;    /* seconds; -1: the default */
	uint64_t shm_size;   /* bytes; 0: the default 64m */
	bool oom_score_set;
	int oom_score_adj;
	char **labels;       /* KEY=VALUE; NULL: none */
	struct mount_spec *mounts; /* -v, then --mount, then --tmpfs, in order */
	size_t n_mounts;
	char **volumes_from; /* container references; NULL: none */
	struct ulimit_spec *ulimits;
	size_t n_ulimits;
	struct run_spec_rate *device_read_bps;
	size_t n_device_read_bps;
	struct device_spec *devices; /* --device; root only (checked by the engine) */
	size_t n_devices;
	struct cgroup_limits limits; /* pids_limit defaults to CGROUP_LIMITS_DEFAULT_PIDS */
	bool pids_limit_set;  /* --pids-limit given: the daemon's default-pids-limit does not apply */
	struct restart_policy restart; /* --restart; {RESTART_NO} when absent */
	struct net_opts net;
	struct health_opts health;
	struct sec_opts sec;
	struct log_opts log;  /* --log-driver, --log-opt; unset fields: the daemon's defaults */
	bool direct_start;    /* run only (issue 14): the client offers its pipes (FRAME_DIRECT) at once;
			       * with no log and no TTY init starts only then, writing to them */
};

/* Decode run's params (already checked against methods.def by
 * proto_params_validate). On error ret holds nothing to free. */
int run_spec_decode(json_t *params, struct run_spec *ret, struct lite_err *err);
void run_spec_free(struct run_spec *s);
