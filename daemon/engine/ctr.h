/* Containers: the in-memory table, lookup by name/id/prefix, persistence
 * (ctr-state.c), start via the shim (ctr-shim.c), exit handling
 * (ctr-proc.c), removal, restore and inspect.
 *
 * Layers, listed bottom up: a file calls only files listed before it
 * (besides cgroup*.c, the net-*.c helpers and common/), never one listed
 * after it, so the container code has no circle:
 *
 *   ctr-state.c    pure (de)serialisation of state.json (unit-tested);
 *                  ctr-state-ext.c its "ops" object (restart, health)
 *   ctr-ps-json.c  pure: ps's reply text, written without a JSON tree
 *   ctr.c          the table: new/free, ids and names, lookup, dirs,
 *                  state.json, waiters; calls only ctr-state.c and peer.c
 *   ctr-wait.c     waiters' replies, the "waiting" note, the answers at a
 *                  removal (Docker's wait conditions); ctr.c and peer.c
 *   volume.c  net-network.c  net-ctr.c  run-devices.c  run-flags.c  ctr-ctl.c
 *   ctr-shim.c  ctr-health.c  ctr-notes.c
 *                  what one container uses: volumes, networks and its
 *                  endpoints, run flags, pause and update, the shim's
 *                  start, health checks, the shim's notes
 *   ctr-remove.c   undoes a container (health check, endpoints, cgroups,
 *                  dirs, anonymous volumes) and drops it from the table
 *   ctr-proc.c  a shim's exit: finishes the container, answers its
 *                  waiters, removes it for --rm; signals and stop
 *   ctr-attach.c   attaches held until the next start, connected before
 *                  init runs
 *   ctr-restart.c  restart policies: a timer per exited container that
 *                  starts it again (ctr-proc.c reaches it through
 *                  d->ctr_exited, a pointer main.c sets)
 *   ctr-restore.c  start-up: loads the table, hands shims to the monitor
 *   ctr-inspect.c  the inspect object, from the table and the subsystems
 *   req-*.c        the request handlers, on top (main.c calls restore)
 */
#pragma once

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "log-opts.h"
#include "cgroup.h"
#include "lite-err.h"
#include "limits-pool.h"
#include "restart-policy.h"
#include "userns.h"

struct daemon;
struct peer;

enum ctr_status { CTR_CREATED, CTR_RUNNING, CTR_EXITED, CTR_STATUS_MAX };

enum waiter_kind {
	WAITER_WAIT,   /* reply {"exit_code","oom_killed"} */
	WAITER_STOP,   /* reply {} */
	WAITER_RM,     /* remove, then reply {} */
	WAITER_CLOSE,  /* close the connection (end of an attached run) */
	/* issue 16 (w5-wait): Docker's wait conditions and attach (ctr-wait.c) */
	WAITER_NEXT_EXIT, /* reply as WAIT at the next exit or the removal; a failed start leaves it */
	WAITER_REMOVED,   /* reply as WAIT once the container is removed */
	WAITER_ATTACH,    /* a held attach: its stream at the next start (ctr-attach.c) */
	WAITER_KIND_MAX
};

struct waiter {
	enum waiter_kind kind;
	struct peer *peer;
	TAILQ_ENTRY(waiter) entry;
	bool attach_stdin, attach_pass_fd; /* WAITER_ATTACH: the attach request's params */
};
TAILQ_HEAD(waiter_list, waiter);

/* Hardening of the container's processes (run's sec_opts, resolved):
 * what its shim config says about capabilities, no_new_privs, seccomp,
 * masked paths and namespaces. Absent in older states: the defaults. */
struct ctr_sec {
	bool privileged;        /* all caps, no masks, /sys rw, no seccomp */
	uint64_t caps;          /* bounding/effective/permitted mask */
	bool no_new_privs;
	int seccomp;            /* enum sec_seccomp (proto/sec-opts.h) */
	char *seccomp_profile;  /* SEC_SECCOMP_CUSTOM: the profile's text */
	bool pid_host, ipc_host;
};

/* Persistent part: everything state.json holds. */
struct ctr_spec {
	/* first, together: what ps reads of every container */
	char id[65];
	char name[129];
	char **cmd;
	uid_t owner_uid;
	int64_t created;
	char image[256];        /* as the user typed it */
	char image_id[72];
	char **env;
	char hostname[65];
	char cwd[256];
	const struct cgroup_limits *limits; /* shared (limits-pool.h); NULL until the spec is built or loaded */
	bool auto_remove;
	bool open_stdin;
	bool tty;
	bool init;              /* lite's init as PID 1 */
	char user[256];         /* USER[:GROUP], "" = root */
	int stop_signal;        /* 0 = SIGTERM */
	int stop_timeout;       /* seconds; -1 = the default 10 */
	unsigned short rows, cols; /* initial terminal size */
	/* validated by run-flags.c; kept in their JSON form */
	json_t *mounts;         /* [{"type","source","target","readonly","options","volume","anonymous"}] */
	json_t *labels;         /* {"k":"v"} */
	json_t *rlimits;        /* [{"name","resource","soft","hard"}] */
	char shm_size[32];      /* "" = 64m */
	bool read_only;
	bool oom_score_set;
	int oom_score_adj;
	json_t *healthcheck;    /* {"test","interval","timeout","start_period" (ns),"retries"}; NULL: none */
	json_t *devices;        /* --device: [{"host","path","perm"}]; NULL: none (their rules: limits.devices) */
	struct userns_range userns; /* issue 11 A1: kept, so the upper dir's owner stays right */
	struct userns_caller caller; /* issue 11 A2: a non-root creator's credentials */
	struct ctr_sec sec;
	long created_nsec;      /* issue 12: the nanoseconds of created (Docker's Created); 0 in older states */
	struct restart_policy restart; /* --restart (issue 13; ctr-state-ext.c) */
	struct log_opts log;    /* issue 13: resolved at create; zero in older states (the defaults) */
	json_t *entrypoint;     /* --entrypoint as given, the head of cmd (Docker's Config.Entrypoint); NULL: the image's */
};

struct ctr_runtime {
	enum ctr_status status;
	pid_t shim_pid;
	pid_t init_pid;
	int exit_code;
	bool oom_killed;
	int64_t started_at;
	int64_t finished_at;
	char *error;
	bool paused;            /* frozen by pause (status stays running) */
	char health[12];        /* "starting", "healthy", "unhealthy"; "" without a check (ctr-health.c) */
	/* issue 13, kept by ctr-state-ext.c */
	int health_streak;      /* failing streak of the health check */
	int restart_count;      /* restarts by the policy since the last start by a user */
	bool user_stopped;      /* stop/kill by a user: the policy leaves it stopped */
};

struct ctr {
	/* first, next to each other: what a walk of the table reads of every
	 * container (ps at 1,000 running is mostly waiting on memory); only
	 * rt and spec are persisted */
	TAILQ_ENTRY(ctr) entry;
	bool removing;
	struct net_ctr *net;         /* its network state, once looked up (net-ctr.c owns it) */
	struct ctr_runtime rt;
	struct ctr_spec spec;
	int shim_pidfd;
	struct event *shim_ev;
	int start_sync_fd;          /* shim's start-up report, while starting */
	struct event *start_ev;
	struct event *stop_timer;
	struct daemon *d;           /* for shim_ev's and stop_timer's callbacks; set with them */
	bool remove_volumes;        /* rm -v: anonymous volumes go too */
	struct waiter_list waiters;
	struct ctr_health *health;  /* the running health check (ctr-health.c) */
	struct event *restart_timer; /* the policy's next start (ctr-restart.c) */
	int64_t restart_delay_ms;    /* its last back-off; 0: none yet */
	struct ctr *next_by_name, *next_by_id; /* hash chains of d->ctr_index (ctr.c) */
	bool cp_busy;                /* a copy into it while stopped (req-cp.c): no start, no rm meanwhile */
};

/* ctr.c: the table */
/* A zeroed container, not yet in the table (no fds, no waiters). */
struct ctr *ctr_new(void);
/* Free a container out of the table; its health check must be stopped
 * (ctr_health_stop) already, as ctr_remove does. */
void ctr_free(struct ctr *c);
/* Name, full id or unique id prefix; only the caller's own containers
 * unless uid is 0. -ENOENT / -EEXIST (ambiguous) with a message in err. */
int ctr_lookup(struct daemon *d, const char *ref, uid_t uid, struct ctr **ret, struct lite_err *err);
/* Exact name, whoever owns it; NULL when none. */
struct ctr *ctr_by_name(struct daemon *d, const char *name);
/* Full id, whoever owns it, one being removed included; NULL when none. */
struct ctr *ctr_by_id(struct daemon *d, const char *id);
/* The table: d->ctrs in creation order plus a hash index by name and full
 * id, so lookups stay flat at thousands of containers. Every insertion,
 * removal and rename goes through these. */
void ctr_table_add(struct daemon *d, struct ctr *c);
void ctr_table_remove(struct daemon *d, struct ctr *c);
void ctr_table_rename(struct daemon *d, struct ctr *c, const char *name);
/* Root sees every container, a user their own. */
bool ctr_visible_to(const struct ctr *c, uid_t uid);
/* Random 64-hex id and a free Docker-style name. */
void ctr_generate_id(char id[65]);
void ctr_generate_name(struct daemon *d, char *buf, size_t len);
/* DATA_ROOT/containers/ID (state.json, log, upper dir) and EXEC_ROOT/ID. */
int ctr_dir(struct daemon *d, const struct ctr *c, char *buf, size_t len);
int ctr_exec_dir(struct daemon *d, const struct ctr *c, char *buf, size_t len);
/* Write state.json atomically; logs a failure. */
int ctr_save(struct daemon *d, struct ctr *c);
/* The same without fsync (fs_write_file_replace), for a state a power cut
 * makes moot: "running" (restore finds the shim gone and marks it exited)
 * and the exit of a --rm container (removed right after). */
int ctr_save_nosync(struct daemon *d, struct ctr *c);
/* p is answered when the container exits (see enum waiter_kind). */
void ctr_add_waiter(struct ctr *c, enum waiter_kind kind, struct peer *p);
/* Status running (paused included). */
bool ctr_is_running(const struct ctr *c);

/* ctr-remove.c */
/* Remove a container that is not running: cgroups, dirs, table entry. */
void ctr_remove(struct daemon *d, struct ctr *c);

/* ctr-restore.c */
/* Load every container from the data root, reconnecting to live shims. */
void ctr_restore_all(struct daemon *d);

/* ctr-inspect.c */
/* The full inspect object (adds live fields). */
json_t *ctr_inspect_json(struct daemon *d, struct ctr *c);

/* ctr-state.c: pure (de)serialisation, unit-tested */
json_t *ctr_state_to_json(const struct ctr_spec *s, const struct ctr_runtime *rt);
int ctr_state_from_json(json_t *o, struct ctr_spec *s, struct ctr_runtime *rt, char *errbuf, size_t errlen);
void ctr_state_spec_clear(struct ctr_spec *s);
const char *ctr_state_status_name(enum ctr_status st);
/* "Up 3 minutes", "Exited (0) 2 seconds ago", "Created". */
void ctr_state_status_text(const struct ctr *c, int64_t now, char *buf, size_t len);

/* ctr-shim.c: asynchronous; done(c, 0) once init waits for "start", or
 * done(c, -errno) with err's message. c is still owned by the table. */
typedef void (*ctr_started_fn)(struct ctr *c, int error, const char *msg, void *arg);
int ctr_shim_spawn(struct daemon *d, struct ctr *c, ctr_started_fn done, void *arg, struct lite_err *err);
/* Connect to the shim's attach socket and send a command line ("start\n",
 * "attach stdin start\n"). Returns the connected fd, or -errno. */
int ctr_shim_connect(struct daemon *d, struct ctr *c, const char *command);

/* ctr-proc.c */
/* Watch the shim's pidfd; on exit, read exit.json and finish the container. */
int ctr_proc_monitor(struct daemon *d, struct ctr *c);
/* Send sig to init; for stop, escalate to SIGKILL after timeout seconds. */
int ctr_proc_signal(struct daemon *d, struct ctr *c, int sig);
/* A pidfd of the running container's init, checked to be its shim's child
 * (so a pid reused since cannot stand in for it); -errno when not running. */
int ctr_proc_init_pidfd(const struct ctr *c);
void ctr_proc_stop(struct daemon *d, struct ctr *c, int sig, int timeout_s);
/* An attach stream's shim side closed: close the client once the
 * container's exit is recorded (and --rm done), so what it asks next sees
 * consistent state. */
void ctr_proc_stream_end(struct peer *p);
/* After ctr_ctl_start_failed on a user's start: answer the container's
 * waiters and remove it when it is --rm. c may be gone after it. */
void ctr_proc_start_failed(struct daemon *d, struct ctr *c);

/* ctr-ctl.c: create/start/pause/update/rename */
/* "paused" for a paused running container, else ctr_state_status_name(). Pure. */
const char *ctr_state_name(const struct ctr *c);
/* Freeze or thaw the container's processes; records rt.paused. */
int ctr_ctl_pause(struct daemon *d, struct ctr *c, bool pause, struct lite_err *err);
/* Thaw a paused container before a signal must reach it. */
void ctr_ctl_thaw_if_paused(struct daemon *d, struct ctr *c);
/* Record a container that is not running, without a shim (create). */
int ctr_ctl_create(struct daemon *d, struct ctr *c, struct lite_err *err);
/* Forget the last run's outcome before a created or exited container starts. */
void ctr_ctl_prepare_start(struct daemon *d, struct ctr *c);
/* A (re)start failed before the command ran: exited, 128, with msg. */
void ctr_ctl_start_failed(struct daemon *d, struct ctr *c, const char *msg);
/* New limits, already checked (cgroup_limits_check): applied live when it
 * runs, and kept for later starts. */
int ctr_ctl_update_limits(struct daemon *d, struct ctr *c, const struct cgroup_limits *l, struct lite_err *err);

/* ctr-health.c: health checks */
struct health_opts;
/* The healthcheck (spec form) from the request's --health-* options over
 * the image config's Healthcheck; *ret NULL when there is none. */
int ctr_health_config(const struct health_opts *h, json_t *img_cfg, json_t **ret);
/* Start checking a running container that has a healthcheck (idempotent). */
void ctr_health_start(struct daemon *d, struct ctr *c);
/* Stop checking: the container stopped or goes away. */
void ctr_health_stop(struct ctr *c);
/* state.health for inspect: {status, failing_streak, log}; NULL without a check. */
json_t *ctr_health_json(const struct ctr *c);

/* ctr-state-ext.c: state.json's "ops" object (issue 13): the restart
 * policy, its count, a user's stop, the health status and streak. Pure. */
void ctr_state_ext_to_json(json_t *state, const struct ctr_spec *s, const struct ctr_runtime *rt);
void ctr_state_ext_from_json(json_t *state, struct ctr_spec *s, struct ctr_runtime *rt);
/* inspect's "restart_policy": {"name","maximum_retry_count"}. */
json_t *ctr_state_ext_policy_json(const struct restart_policy *p);

/* ctr-restart.c: restart policies, driven by a timer on the loop. */
/* The container exited (ctr-proc.c, through d->ctr_exited): start it
 * again after the back-off when its policy says so. */
void ctr_restart_on_exit(struct daemon *d, struct ctr *c);
/* A user starts it (start, restart): the count and the stop flag reset. */
void ctr_restart_user_start(struct daemon *d, struct ctr *c);
/* At daemon start (ctr-restore.c): schedule what the policy brings back. */
void ctr_restart_restore(struct daemon *d, struct ctr *c);
/* A user stops or kills it: the policy leaves it stopped. */
void ctr_restart_user_stop(struct daemon *d, struct ctr *c);
/* update's params.restart, when given: checked and kept. */
int ctr_restart_update(struct daemon *d, struct ctr *c, json_t *params, struct lite_err *err);
/* Cancel a pending restart. */
void ctr_restart_cancel(struct ctr *c);
/* ctr-ps-json.c: ps's reply as JSON text, written directly (pure) */
struct ctr_ps_json {
	char *buf;
	size_t len, cap, n;
	bool failed;
};
/* hint: the expected number of containers (pre-sizes the buffer). */
void ctr_ps_json_begin(struct ctr_ps_json *b, size_t hint);
/* One summary object; size_rw < 0 leaves "size_rw" out; extra's keys
 * (may be NULL) are added as they are. */
void ctr_ps_json_add(struct ctr_ps_json *b, const struct ctr *c, int64_t now, int64_t size_rw, json_t *extra);
/* The array's text (free it) and its length; NULL when out of memory. */
char *ctr_ps_json_end(struct ctr_ps_json *b, size_t *len);
/* ps "rows": one line per container instead of an object, the fields the
 * default table prints, tab-separated (tabs and control characters in them
 * become spaces): id, name, image, command (its words joined by spaces),
 * created (seconds), state, status, ports (PORTS column text). */
void ctr_ps_json_rows_begin(struct ctr_ps_json *b, size_t hint);
void ctr_ps_json_add_row(struct ctr_ps_json *b, const struct ctr *c, int64_t now, const char *ports);
char *ctr_ps_json_rows_end(struct ctr_ps_json *b, size_t *len);

/* ctr-wait.c (issue 16): waiters' replies, Docker's wait conditions. */
/* The reply w's kind gets now (nothing when its client is gone). */
void ctr_wait_answer(struct ctr *c, struct waiter *w);
/* Whether a waiter of that kind is queued (an rm -f that came during a start). */
bool ctr_wait_has(const struct ctr *c, enum waiter_kind kind);
/* Forget the waiters whose clients are gone. */
void ctr_wait_prune(struct ctr *c);
/* Tell p its wait or attach is registered: the notification
 * {"method":"waiting","params":{"id":FULL_ID}} before its reply. */
void ctr_wait_note(struct peer *p, const struct ctr *c);
/* A held attach's client left (closed, or EOF: it never half-closes). */
bool ctr_wait_attach_gone(const struct peer *p);
/* ctr_add_waiter, then the note; NULL (p answered) when out of memory. */
struct waiter *ctr_wait_register(struct ctr *c, enum waiter_kind kind, struct peer *p);
/* A failed start answers the other kinds (128), not these. */
bool ctr_wait_kept_by_failed_start(enum waiter_kind kind);
/* The container goes (ctr_remove): every waiter left gets its answer. */
void ctr_wait_on_remove(struct ctr *c);

/* ctr-attach.c (issue 16): attaches held until the next start. */
/* Hold p's attach until c next starts (a WAITER_ATTACH, the note, the
 * "attach" event); -1 when p was answered (out of memory). */
int ctr_attach_hold(struct daemon *d, struct ctr *c, struct peer *p, bool want_stdin, bool pass_fd);
/* At a start, after the shim reported and before init is released: each
 * held attach gets its stream. */
void ctr_attach_connect_held(struct daemon *d, struct ctr *c);
