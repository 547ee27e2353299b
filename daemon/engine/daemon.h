/* containerd-lite's state: configuration, the event base, the cgroup
 * layout, the container table, the networks and the recent exits. One
 * instance per process, owned by main.c and passed down; no file keeps
 * daemon state of its own. */
#pragma once

#include <event2/event.h>
#include <limits.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "cgroup.h"
#include "daemon-limits.h"
#include "finished.h"
#include "net.h"

struct ctr;
struct peer;
struct peer_uid_count;

TAILQ_HEAD(ctr_list, ctr);

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
	struct daemon_limits limits;
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
	struct peer_uid_count *peer_uids; /* open connections per uid (peer-limit.c) */
	size_t n_peer_uids;
};

/* server.c */
int server_listen(struct daemon *d);
void server_shutdown(struct daemon *d);
void server_notify_ready(void);
