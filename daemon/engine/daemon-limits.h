/* The daemon's limits (daemon.json keys, daemon-limits.c): connections,
 * idle time, containers per user, upload and layer sizes, and which
 * registries non-root users may pull from. Pure: parsed and unit-tested
 * without a daemon. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lite-err.h"

/* Limits that keep one user from starving or flooding the others; the
 * daemon.json keys of daemon-limits.c, defaults in daemon_limits_init. */
struct daemon_limits {
	int max_conns_per_user;      /* "max-connections-per-user"; root exempt */
	int max_conns;               /* "max-connections", all users; root exempt */
	int64_t request_timeout_ms;  /* "request-timeout": idle before a full request; 0: none */
	int max_ctrs_per_user;       /* "max-containers-per-user"; root exempt */
	uint64_t max_upload_size;    /* "max-upload-size": import, load, cp to a container */
	uint64_t max_layer_size;     /* "max-layer-size": a layer unpacked, and a pulled blob */
	uint64_t max_layer_entries;  /* "max-layer-entries": files of one layer */
	bool allow_nonroot_pull;     /* "allow-nonroot-pull" */
	char **insecure_registries;  /* "insecure-registries": HOST[:PORT] over plain HTTP */
	char **registry_mirrors;     /* "registry-mirrors": http(s)://HOST[:PORT][/PATH] for docker.io, in order */
};

/* The defaults: 64 connections a user, 1024 in all, 30 s to send a
 * request, 256 containers a user, 32 GiB uploads, 64 GiB and 4 million
 * files a layer, non-root pulls over HTTPS only. */
void daemon_limits_init(struct daemon_limits *l);
/* Read the keys present in a daemon.json object o over l; -EINVAL with
 * the key named in err when a value is bad. */
int daemon_limits_load(struct daemon_limits *l, json_t *o, struct lite_err *err);
void daemon_limits_free(struct daemon_limits *l);
/* host ("HOST" or "HOST:PORT", as in an image reference) is listed in
 * "insecure-registries". */
bool daemon_limits_insecure_ok(const struct daemon_limits *l, const char *host);
