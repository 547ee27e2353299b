/* A container's hardening, from run's security params to the shim's
 * config: capabilities, no_new_privs, seccomp programs, masked and
 * read-only paths, the cgroup namespace and its read-only mounts, host
 * PID/IPC namespaces. The rules (which caller may ask what) are
 * proto/sec-opts.c's; this file resolves them against the host. */
#pragma once

#include <jansson.h>
#include <sys/types.h>

#include "lite-err.h"
#include "seccomp-cache.h"

struct ctr;
struct ctr_sec;
struct daemon;
struct sec_opts;
struct shim_config;

/* The caller's options, checked (root-only ones) and resolved into sec. */
int ctr_sec_from_run(const struct sec_opts *o, uid_t uid, struct ctr_sec *ret, struct lite_err *err);
/* Compile (in a worker thread) the seccomp programs a run with o will
 * need: 1 when cached already, 0 when done follows on the loop, or -errno
 * (a refused option, err set). */
int ctr_sec_prepare(struct daemon *d, const struct sec_opts *o, uid_t uid, seccomp_cache_done_fn done, void *arg,
		    struct lite_err *err);
/* The same for an existing container's start. */
int ctr_sec_prepare_ctr(struct daemon *d, const struct ctr *c, seccomp_cache_done_fn done, void *arg,
			struct lite_err *err);
/* At start, after the containers are restored: compile, in one worker
 * thread, the programs of those that need a non-default one, so that
 * their next start finds them cached. */
void ctr_sec_warm(struct daemon *d);
/* The hardening keys of c's shim config; compiles seccomp programs that
 * are not cached yet. */
int ctr_sec_shim_config(struct daemon *d, const struct ctr *c, struct shim_config *cfg, struct lite_err *err);
/* inspect's config.security: {"privileged","caps" (16 hex, as
 * /proc/PID/status),"cap_names","no_new_privs","seccomp":
 * "default|unconfined|custom","pid_host","ipc_host"}. */
json_t *ctr_sec_inspect(const struct ctr *c);
