/* Request handlers, one per protocol method, and the table that maps
 * methods to them (req.c). Each handler replies exactly once, now or later. */
#pragma once

#include "peer.h"
#include "proto.h"

typedef void (*req_handler)(struct peer *p, json_t *params);

void req_dispatch(struct peer *p, struct proto_request *req);
/* The handler of a method, or NULL: the unit test checks none is missing. */
req_handler req_handler_for(enum proto_method m);

void req_version(struct peer *p, json_t *params);
void req_ping(struct peer *p, json_t *params);
void req_info(struct peer *p, json_t *params);
void req_import(struct peer *p, json_t *params);
void req_images(struct peer *p, json_t *params);
void req_run(struct peer *p, json_t *params);
void req_ps(struct peer *p, json_t *params);
void req_inspect(struct peer *p, json_t *params);
void req_stop(struct peer *p, json_t *params);
void req_kill(struct peer *p, json_t *params);
void req_rm(struct peer *p, json_t *params);
void req_wait(struct peer *p, json_t *params);
void req_logs(struct peer *p, json_t *params);
void req_network_create(struct peer *p, json_t *params);
void req_network_ls(struct peer *p, json_t *params);
void req_network_inspect(struct peer *p, json_t *params);
void req_network_rm(struct peer *p, json_t *params);
void req_network_connect(struct peer *p, json_t *params);
void req_network_disconnect(struct peer *p, json_t *params);
void req_attach(struct peer *p, json_t *params);
void req_exec(struct peer *p, json_t *params);
void req_resize(struct peer *p, json_t *params);
void req_exec_inspect(struct peer *p, json_t *params);
void req_volume_create(struct peer *p, json_t *params);
void req_volume_ls(struct peer *p, json_t *params);
void req_volume_inspect(struct peer *p, json_t *params);
void req_volume_rm(struct peer *p, json_t *params);
void req_volume_prune(struct peer *p, json_t *params);
void req_load(struct peer *p, json_t *params);
void req_save(struct peer *p, json_t *params);
void req_rmi(struct peer *p, json_t *params);
void req_tag(struct peer *p, json_t *params);
void req_image_inspect(struct peer *p, json_t *params);
void req_history(struct peer *p, json_t *params);
void req_image_prune(struct peer *p, json_t *params);
void req_system_df(struct peer *p, json_t *params);
void req_commit(struct peer *p, json_t *params);
void req_export(struct peer *p, json_t *params);
void req_pull(struct peer *p, json_t *params);
void req_create(struct peer *p, json_t *params);
void req_start(struct peer *p, json_t *params);
void req_rename(struct peer *p, json_t *params);
void req_pause(struct peer *p, json_t *params);
void req_unpause(struct peer *p, json_t *params);
void req_update(struct peer *p, json_t *params);

/* req-run.c, shared with req-ctl.c (create, start) */
struct ctr;
struct daemon;
struct lite_err;
struct run_spec;
int req_run_build_spec(struct daemon *d, const struct run_spec *rs, uid_t uid, struct ctr *c, struct lite_err *err);
int req_run_start(struct peer *p, struct ctr *c, bool attach, bool pass_fd, struct lite_err *err);
/* req-lifecycle.c: look up params.id for the caller; replies with the error itself. */
struct ctr *req_target(struct peer *p, json_t *params);
void req_diff(struct peer *p, json_t *params);
/* req-cp.c */
void req_cp_from(struct peer *p, json_t *params);
void req_cp_to(struct peer *p, json_t *params);
