/* Request handlers, one per protocol method, and the table that maps
 * methods to them (req.c). Each handler replies exactly once, now or later. */
#pragma once

#include "peer.h"
#include "proto.h"

typedef void (*req_handler)(struct peer *p, json_t *params);

/* Run a parsed request (a peer_dispatch_cb; arg is unused). */
void req_dispatch(struct peer *p, struct proto_request *req, void *arg);

/* One handler per method of proto/methods.def: req_version, req_run, ... */
#define METHOD(name, streams, mutates, summary) void req_##name(struct peer *p, json_t *params);
#define PARAM(m, f, t, r)
#include "methods.def"
#undef METHOD
#undef PARAM

/* req-run.c, shared with req-ctl.c (create, start) */
struct ctr;
struct daemon;
struct lite_err;
struct run_spec;
int req_run_build_spec(struct daemon *d, const struct run_spec *rs, uid_t uid, struct ctr *c, struct lite_err *err);
int req_run_start(struct peer *p, struct ctr *c, bool attach, bool pass_fd, struct lite_err *err);
/* req-target.c: look up params.id for the caller; replies with the error itself. */
struct ctr *req_target(struct peer *p, json_t *params);
/* req-exec.c, shared with req-exec-inst.c (exec_create, exec_start) */
int req_exec_check_params(json_t *params, char *errbuf, size_t len);
/* The running, unpaused container id names for the caller, or NULL after replying. */
struct ctr *req_exec_target(struct peer *p, const char *id);
/* Start an exec in the shim: the stream's fd, or -1 after replying. */
int req_exec_spawn(struct peer *p, struct ctr *c, json_t *params, const char *exec_id);
