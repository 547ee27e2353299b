/* --log-driver and --log-opt (run, create), and daemon.json's "log-driver"
 * and "log-opts" defaults (log-opts.c). Pure code, unit-tested in
 * tests/unit/test-log-opts.c.
 *
 * Drivers: "local" (the default: container.log records, rotated) and
 * "none" (no log file; `logs` says so). "json-file" is accepted as
 * another name for local, so scripts written for Docker keep working; the
 * file format stays lite's own (docs/OPERATIONS.md). Options: max-size
 * (bytes per file, >= 1k), max-file (files kept, 1 to 100), and labels
 * and env (comma-separated label and environment names whose values
 * `logs --details` shows, as Docker's). */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "lite-err.h"

#define LOG_OPTS_DEFAULT_MAX_SIZE (10ULL << 20)
#define LOG_OPTS_DEFAULT_MAX_FILE 3
#define LOG_OPTS_MIN_SIZE 1024ULL
#define LOG_OPTS_MAX_FILES 100

struct log_opts {
	char driver[16];    /* "local", "json-file" (the same driver), "none"; "" = not given */
	uint64_t max_size;  /* 0 = not given */
	int max_file;       /* 0 = not given */
	char labels[256];   /* "k1,k2": labels shown by logs --details; "" = none */
	char env[256];      /* "K1,K2": environment variables shown by logs --details */
};

/* The driver name, as --log-driver (flag names the source in errors). */
int log_opts_set_driver(struct log_opts *o, const char *driver, const char *flag, struct lite_err *err);
/* One KEY=VALUE, as --log-opt. */
int log_opts_set(struct log_opts *o, const char *kv, const char *flag, struct lite_err *err);
/* run's and create's params "log_driver" (STR) and "log_opts" (STRV). */
int log_opts_decode(json_t *params, struct log_opts *o, struct lite_err *err);
/* daemon.json's "log-driver" and "log-opts" ({"max-size": "10m",
 * "max-file": "3"}; values strings, as Docker's, or numbers). */
int log_opts_from_config(json_t *config, struct log_opts *o, struct lite_err *err);
/* Fill what o does not set from defaults, then from the built-in
 * defaults (local, 10m, 3). */
void log_opts_resolve(struct log_opts *o, const struct log_opts *defaults);
/* The attributes `logs --details` prints for a container: its labels and
 * environment variables named by o, "k=v" sorted and joined by ",". labels
 * is a {"k":"v"} object, env KEY=VALUE strings. A heap string. */
char *log_opts_details(const struct log_opts *o, json_t *labels, char **env);
