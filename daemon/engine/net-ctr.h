/* Networks and containers' endpoints, as the daemon sees them
 * (net-network.c, net-ctr.c, net-ports.c, req-network.c). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "lite-err.h"
#include "net.h"

struct daemon;
struct ctr;
struct net_opts;
struct shim_config;

#define NET_DEFAULT_NAME "bridge"
#define NET_DEFAULT_BRIDGE "lite0"
#define NET_DEFAULT_BIP "10.66.0.1/16"  /* clear of Docker's 172.17/16 and Podman's 10.88/16 */
#define NET_USER_POOL "10.67.0.0/16"    /* user networks get a free /24 from here */
#define NET_MAX_ENDPOINTS 8
#define NET_MAX_PORTS 64

struct net_network {
	char name[64];
	char id[65];
	char bridge[16];
	struct net_cidr subnet;
	uint32_t gateway;
	uid_t owner;
	int64_t created;
	bool is_default;
	bool ready;          /* bridge made (or found) in this daemon's life */
	TAILQ_ENTRY(net_network) entry;
	json_t *labels;      /* {"k":"v"} (issue 16); NULL: none */
};

/* net-network.c */
/* Give a new network its labels ({"k":"v"}, referenced) and save it. */
int net_network_set_labels(struct daemon *d, struct net_network *n, json_t *labels);
/* Load the networks from DATA_ROOT/networks and the default bridge's
 * subnet from the config file ("bip", as dockerd's). Fatal on a bad bip. */
void net_network_init(struct daemon *d);
/* "bridge", or "none" when the config file says "bridge": "none". */
const char *net_network_default_mode(struct daemon *d);
/* False for the default bridge when it is disabled. */
bool net_network_usable(struct daemon *d, const struct net_network *n);
/* By name, full id or unique id prefix; NULL when none. */
struct net_network *net_network_find(struct daemon *d, const char *ref);
/* Every network, for iteration. */
struct net_network *net_network_first(struct daemon *d);
struct net_network *net_network_next(struct net_network *n);
int net_network_dir(struct daemon *d, const struct net_network *n, char *buf, size_t len);
/* Make the bridge if needed (refusing a subnet that overlaps a route).
 * 1 when the network became ready now: the caller then rebuilds the rules
 * (net_ctr_rules_sync), which cover networks and endpoints both. */
int net_network_ensure(struct daemon *d, struct net_network *n, struct lite_err *err);
int net_network_create(struct daemon *d, const char *name, const char *subnet, const char *gateway,
		       uid_t owner, struct net_network **ret, struct lite_err *err);
/* Delete bridge and state; the caller checked it is unused, and then
 * rebuilds the rules (net_ctr_rules_sync). */
int net_network_remove(struct daemon *d, struct net_network *n, struct lite_err *err);
json_t *net_network_json(struct daemon *d, const struct net_network *n, bool verbose, uid_t viewer);
/* Root's networks are everyone's; another user's are "not found". */
bool net_network_visible_to(const struct net_network *n, uid_t uid);

/* net-ctr.c */
/* Before the shim starts: mode, addresses, ports (reserved now, so a taken
 * port fails the run before anything exists). */
int net_ctr_prepare(struct daemon *d, struct ctr *c, const struct net_opts *o, uid_t uid, struct lite_err *err);
/* create: check and record the same, leasing and binding nothing until
 * the first start; saved in net.json. */
int net_ctr_define(struct daemon *d, struct ctr *c, const struct net_opts *o, uid_t uid, struct lite_err *err);
/* Lease again what an earlier start had (same IP while free, same host
 * ports) unless leased; then write the /etc files; their paths and the
 * network mode into the shim's config. */
int net_ctr_shim_config(struct daemon *d, struct ctr *c, struct shim_config *cfg, struct lite_err *err);
/* Between "ok PID" and "start": veths, addresses, routes, rules. */
int net_ctr_attach(struct daemon *d, struct ctr *c, struct lite_err *err);
/* The container exited (or failed to start): ports, rules and leases go;
 * the endpoints and port specs stay for the next start. */
void net_ctr_detach(struct daemon *d, struct ctr *c);
/* The container is removed: forget it. */
void net_ctr_remove(struct daemon *d, struct ctr *c);
json_t *net_ctr_inspect(struct daemon *d, struct ctr *c);
/* For ps: the published ports while it runs ({container_port, protocol,
 * host_ip, host_port}), then the exposed ones not published
 * ({container_port, protocol}). */
json_t *net_ctr_ps_ports(struct daemon *d, struct ctr *c);
/* False when net_ctr_ps_ports would be empty (ps skips it: most
 * containers publish and expose nothing). */
bool net_ctr_ps_has_ports(struct daemon *d, struct ctr *c);
/* want: the address to lease, 0 for any. */
/* Connect's aliases (issue 16): more names the container's peers know it
 * by (on every network, as --network-alias); saved, peers' hosts rewritten. */
int net_ctr_add_aliases(struct daemon *d, struct ctr *c, json_t *aliases);
int net_ctr_connect(struct daemon *d, struct ctr *c, struct net_network *n, uint32_t want, struct lite_err *err);
int net_ctr_disconnect(struct daemon *d, struct ctr *c, struct net_network *n, struct lite_err *err);
/* How many running containers have an endpoint on n. */
int net_ctr_network_users(struct daemon *d, const struct net_network *n);
/* Containers, running or not, with an endpoint on n (network prune). */
int net_ctr_network_refs(struct daemon *d, const struct net_network *n);
/* After ctr_restore_all: re-reserve ports, rebuild rules, reconcile leases. */
void net_ctr_restore(struct daemon *d);
/* After net_ctr_restore: each running container's leases claimed again. */
void net_ctr_restore_leases(struct daemon *d);
/* Rebuild the nftables table from networks and running containers. */
int net_ctr_rules_sync(struct daemon *d, struct lite_err *err);
