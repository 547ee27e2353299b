/* containerd-lite's state: configuration, the event base, the cgroup
 * layout, the container table, the networks and the recent exits. One
 * instance per process, owned by main.c and passed down; no file keeps
 * daemon state of its own. */
#pragma once

#include <event2/event.h>
#include <limits.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cgroup.h"
#include "daemon-limits.h"
#include "finished.h"
#include "log-opts.h"
#include "net.h"
#include "subid.h"

struct ctr;
struct peer;
struct peer_uid_count;
struct events_state;
struct ctr_notes;
struct exec_table;

TAILQ_HEAD(ctr_list, ctr);

/* The container table's hash index by name and by full id (ctr.c):
 * chained through struct ctr's next_by_name / next_by_id. */
struct ctr_index {
	struct ctr **by_name, **by_id;
	size_t size;  /* buckets, a power of two (0: not yet allocated) */
	size_t count; /* containers in the table */
};

/* Roots are kept well under PATH_MAX so every path built below them fits. */
#define ROOT_PATH_MAX 2048

struct daemon_config {
	char socket_path[108];
	char data_root[ROOT_PATH_MAX];
	char exec_root[ROOT_PATH_MAX];
	char group[64];
	char cgroup_parent[256];
	char config_file[PATH_MAX];
	bool debug;
	bool userns_remap;                /* daemon.json "userns-remap": "default" */
	struct subid_range userns_pool;   /* daemon.json "userns-auto-pool" */
	char seccomp_profile[PATH_MAX]; /* daemon.json "seccomp-profile": the default profile; "" = built in */
	int64_t default_pids_limit;     /* daemon.json "default-pids-limit": run's --pids-limit when none (-1 = unlimited) */
	struct daemon_limits limits;
	char docker_api[4][108];          /* "docker-api" / --docker-api socket paths (issue 16) */
	size_t n_docker_api;
	bool docker_api_set;              /* given (an empty list turns it off) */
	struct log_opts log_defaults;   /* daemon.json "log-driver", "log-opts" (unset: local, 10m, 3) */
};

#define DOCKER_API_MAX_SOCKETS 4
/* The Docker Engine API front end's sockets and helpers (docker-api.c). */
struct docker_api_state {
	int fds[DOCKER_API_MAX_SOCKETS];
	struct event *evs[DOCKER_API_MAX_SOCKETS];
	size_t n_fds;
	bool from_systemd;
	char helper_path[PATH_MAX];       /* lite-docker-api */
	uid_t *helper_uids;               /* one entry per running helper */
	size_t n_helpers;
};

struct daemon {
	struct daemon_config cfg;
	struct event_base *base;
	struct cgroup_host cgroups;
	struct ctr_list ctrs;
	struct net_state net;
	struct finished_ring finished;
	char shim_path[PATH_MAX];
	char image_helper_path[PATH_MAX]; /* lite-image */
	int listen_fd;
	bool listen_from_systemd;
	struct event *listen_ev;
	int n_peers;
	bool userns_ok;                   /* userns.c's start-up probe */
	char userns_reason[160];
	char *seccomp_default;      /* the text of cfg.seccomp_profile, NULL = built in (seccomp-cache.c) */
	unsigned seccomp_files;     /* programs written since start (atomic: workers add) */
	int seccomp_jobs;           /* compile workers running (event loop only) */
	struct peer_uid_count *peer_uids; /* open connections per uid (peer-limit.c) */
	size_t n_peer_uids;
	struct rlimit nofile_orig;  /* RLIMIT_NOFILE at start: shims and helpers get it back (server.c) */
	int spare_fd;               /* kept free to answer a connection at EMFILE (server.c) */
	struct events_state *events;      /* the events journal and subscribers (events.c) */
	/* ctr-proc.c calls it when a container has exited and stays: the
	 * restart policy (ctr-restart.c, set by main.c; a pointer, as
	 * ctr-restart.c starts containers through ctr-proc.c) */
	void (*ctr_exited)(struct daemon *d, struct ctr *c);
	struct ctr_index ctr_index;       /* ctrs by name and id (ctr.c) */
	struct docker_api_state docker;
	struct ctr_notes *notes;          /* the shims' notes: inotify (ctr-notes.c) */
	struct exec_table *execs;         /* Docker's exec instances (exec-table.c), made on first use */
};

/* server.c */
int server_listen(struct daemon *d);
void server_shutdown(struct daemon *d);
void server_notify_ready(void);

/* nofile.c */
/* Raise the soft RLIMIT_NOFILE for max-connections (at start). */
void nofile_raise(struct daemon *d);
/* In a forked child before exec: the RLIMIT_NOFILE the daemon started with. */
void nofile_restore(struct daemon *d);
