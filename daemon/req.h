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
