/* lite, the client: shared declarations of the subcommands and the
 * connection to the daemon. The client never links daemon code. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "client-opt.h"
#include "proto.h"

/* Exit codes follow Docker's: 125 when the engine itself failed. */
#define EXIT_ENGINE 125

struct conn {
	int fd;
	int passed_fd;  /* a socket the daemon handed us (SCM_RIGHTS), or -1 */
	char *buf;      /* bytes read past the last reply line */
	size_t len, cap;
	const char *method; /* the last request's, for a lost reply's message */
	bool direct_pending; /* FRAME_DIRECT offered, not yet acknowledged */
	bool shut_pending;   /* stdin ended meanwhile: shut down writing after the ack */
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
/* conn_read_reply, but an error reply of that kind ("not_found") is
 * -2, not printed: the caller has a way on (run's pull). */
int conn_read_reply_unless(struct conn *c, const char *kind, json_t **ret_result);
/* One call on a fresh connection. */
int client_call_once(const char *method, json_t *params, json_t **ret_result);

/* Read more bytes into c->buf: >0 read, 0 EOF, -errno. */
int conn_fill(struct conn *c);
void conn_consume(struct conn *c, size_t n);
/* Write complete frames in c->buf to stdout/stderr; returns the exit code
 * once the exit frame arrived (printing its error, if any), else -1. */
int conn_drain_frames(struct conn *c);
/* Container output to stdout or stderr; exits 141 (128 + SIGPIPE), quietly,
 * when nobody reads it any more. */
void conn_write_output(int fd, const void *buf, size_t len);

/* How to run an attached stream (stream.c). */
struct stream_opts {
	const char *ctr;         /* container id, for resize and signals */
	const char *exec_id;     /* resize target when streaming an exec */
	bool tty;                /* the container side has a terminal */
	bool framed;             /* frames even with a TTY (a passed shim socket) */
	bool interactive;        /* send our stdin */
	bool sig_proxy;          /* without a TTY, forward signals to the container */
	const char *detach_keys; /* NULL: ctrl-p,ctrl-q; "": none */
	bool direct;             /* run: offer the shim our stdout/stderr pipes (FRAME_DIRECT) */
};

/* Stream until the container side ends or the user detaches. Returns the
 * exit code from the exit frame, -1 when the stream ended without one (TTY
 * streams never carry one), or -2 after a detach. */
int stream_run(struct conn *c, const struct stream_opts *o);
/* Stream a run/attach/exec reply: on the socket the daemon passed, if it
 * did, else on c. Returns as stream_run; the caller may then wait for c's
 * EOF (the daemon closes once the container's exit is recorded). */
int stream_reply(struct conn *c, json_t *result, struct stream_opts *o);
/* After a raw (TTY) stream: the exit code from "wait" (a container) or
 * "exec_inspect" (an exec), printing its error message if any. */
int stream_exit_code(const char *method, const char *id);
/* Read c until the daemon closes it. */
void conn_wait_eof(struct conn *c);
/* Terminal size of our stdout/stdin, or 0s. */
void stream_terminal_size(unsigned short *rows, unsigned short *cols);

void client_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt_long with "--help" handled: prints usage and exits 0. */
void client_usage_exit(const char *usage, int code) __attribute__((noreturn));
/* A command with no options but -h/--help: any other is an error (exit
 * 125); afterwards argv[1..argc) are the arguments, in order. */
void client_no_options(int *argc, char ***argv, const char *usage);
/* Append value to the array param key, creating it (a repeatable flag). */
void client_append(json_t *params, const char *key, const char *value);

int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_info(int argc, char **argv);

/* cmd-run-net.c: lite run's network flags (values past cmd-run.c's own). */
enum { RUN_OPT_NET = 300, RUN_OPT_IP, RUN_OPT_DNS, RUN_OPT_ADD_HOST, RUN_OPT_NET_ALIAS, RUN_OPT_EXPOSE };
/* Add one network flag to params: 0, or an exit code after an error. */
int cmd_run_net_flag(int opt, const char *arg, json_t *params);
/* cmd-run-sec.c: lite run's security flags. */
enum { RUN_OPT_PRIVILEGED = 320, RUN_OPT_CAP_ADD, RUN_OPT_CAP_DROP, RUN_OPT_SECURITY_OPT, RUN_OPT_PID, RUN_OPT_IPC };
/* Add one security flag to params (reads a seccomp profile file): 0, or
 * an exit code after an error. */
int cmd_run_sec_flag(int opt, const char *arg, json_t *params);
/* cmd-run-log.c: --log-driver, --log-opt; 0 or the exit code. */
enum { RUN_OPT_LOG_DRIVER = 340, RUN_OPT_LOG_OPT };
int cmd_run_log_flag(int opt, const char *arg, json_t *params);
int cmd_network(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_volume(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_system(int argc, char **argv);

/* issue 6: cmd-ctl.c, and the parts of cmd-run.c and cmd-lifecycle.c it uses */
int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_cp(int argc, char **argv);
/* run-health.c: --health-* and --no-healthcheck into run's params; -1
 * after printing an error naming the flag. */
int run_health_flag(json_t *params, int which, const char *arg);
int cmd_run_stream_attached(struct conn *c, json_t *result, struct stream_opts *so);
/* -m/--memory of run, create and update: a size of at least 6 MiB (the
 * daemon's rule and words, proto/cgroup-limits.h); -1 after printing. */
int cmd_run_parse_memory(const char *arg, uint64_t *ret);
/* method on every container named in argv[optind..]; prints each name
 * (or, with print_exit, its exit code); 1 if any failed. Takes extra. */
/* run-restart.c: --restart of run, create and update into params; -1
 * after printing an error naming the flag. */
int run_restart_flag(const char *arg, json_t *params);
enum { RUN_OPT_RESTART = 350 };
int cmd_events(int argc, char **argv);
int client_call_each_ctr(int argc, char **argv, const char *method, json_t *extra, bool print_exit);
/* lite build and lite builder prune: cmd-build-exec.c runs lite-build
 * (build-main.c, cmd-build.c, build.h) */
int cmd_build(int argc, char **argv);
int cmd_builder(int argc, char **argv);

/* cmd-inspect.c: inspect of every kind, Docker-shaped. names as type
 * ("container", "image", "volume", "network"; NULL: the first kind that
 * has it), printed as a JSON array or through format. Returns the exit
 * code. */
int cmd_inspect_names(const char *type, char **names, int n, const char *format, bool size);
/* "lite SUB inspect [-f FORMAT] NAME..." (argv[0] is "inspect"); SUB NULL
 * is "lite inspect" with --type and -s. */
int cmd_inspect_kind(const char *sub, int argc, char **argv);

/* cmd-format.c: --format of version, info, history and system df over
 * the daemon's reply ("json", a template, "table ..." for the lists);
 * return the exit code. */
int cmd_format_version(json_t *version, const char *format);
int cmd_format_info(json_t *info, const char *format);
int cmd_format_history(json_t *history, const char *format);
int cmd_format_df(json_t *df, const char *format);

/* issue 12 (w3-cli): cmd-prune.c, the prune commands behind Docker's prompt */
int cmd_prune_container(int argc, char **argv);
int cmd_prune_network(int argc, char **argv);
int cmd_prune_volume(int argc, char **argv);
int cmd_prune_image(int argc, char **argv);
int cmd_prune_system(int argc, char **argv);
/* cmd-group.c: "lite container ls" and friends as the top-level verb they
 * mirror: rewrites argc and argv to the verb's (argv[0] becomes "ps"), or calls the
 * group's own handler and returns its exit code (>= 0); -1 when argv is
 * not a group command it knows (main.c dispatches it as it is). */
int cmd_group_resolve(int *argc, char ***argv);
int cmd_container(int argc, char **argv);

/* Registries (issue 12): cmd-login.c, cmd-pull.c, cmd-push.c, run-pull.c */
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_push(int argc, char **argv);
/* "USER:PASSWORD" stored for registry (lite's config, then Docker's), or
 * NULL; the caller frees (and should clear) it. */
char *cmd_login_credentials(const char *registry);
/* The same for the registry an image reference names. */
char *cmd_login_credentials_for_ref(const char *ref);
/* A pull or push request (params: "ref" and more, taken) with progress
 * shown on out; the user's stored credentials added unless params has
 * "user". 0, or -1 after printing the daemon's error. */
int cmd_pull_call(const char *method, json_t *params, bool quiet, FILE *out, json_t **ret);
int cmd_pull_image(const char *ref, const char *user, bool insecure, bool quiet, FILE *out, json_t **ret);
/* run/create --pull missing|always|never: make sure the image is there;
 * 0 or an exit code (125) after printing one line. */
int run_pull_ensure(const char *image, const char *policy);
