/* lite, the client: shared declarations of the subcommands and the
 * connection to the daemon. The client never links daemon code. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "proto.h"

/* Exit codes follow Docker's: 125 when the engine itself failed. */
#define EXIT_ENGINE 125

struct conn {
	int fd;
	char *buf;      /* bytes read past the last reply line */
	size_t len, cap;
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* The daemon's socket path: -H, else LITE_HOST, else /run/lite.sock. */
extern const char *client_host;

/* Connect, printing a one-line reason (with a hint) on failure. */
int conn_open(struct conn *c);
void conn_close(struct conn *c);
/* Send one request; on success *ret_result is the result (caller owns).
 * On an error reply, prints "lite: MESSAGE" and returns -1. */
int conn_call(struct conn *c, const char *method, json_t *params, json_t **ret_result);
/* Just the request line, no reply read (for uploads). */
int conn_send(struct conn *c, const char *method, json_t *params);
/* Read one reply line; same contract as conn_call. */
int conn_read_reply(struct conn *c, json_t **ret_result);
/* One call on a fresh connection. */
int client_call(const char *method, json_t *params, json_t **ret_result);

/* Demultiplex frames to stdout/stderr until EOF or the exit frame. With
 * stdin_fd >= 0, also send it as stdin frames (half-close at EOF).
 * Returns the container's exit code, or -1 if the stream ended without one. */
int stream_frames(struct conn *c, int stdin_fd);

void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt_long with "--help" handled: prints usage and exits 0. */
void usage_exit(const char *usage, int code) __attribute__((noreturn));

int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_info(int argc, char **argv);

/* cmd-run-net.c: lite run's network flags (values past cmd-run.c's own). */
enum { RUN_OPT_NET = 300, RUN_OPT_IP, RUN_OPT_DNS, RUN_OPT_ADD_HOST };
/* Add one network flag to params: 0, or an exit code after an error. */
int run_net_flag(int opt, const char *arg, json_t *params);
int cmd_network(int argc, char **argv);
int cmd_port(int argc, char **argv);
