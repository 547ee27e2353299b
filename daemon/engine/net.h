/* Container networking: pure parts (/etc file generation, IPAM's lease
 * file; CIDR maths and port specs are request syntax, proto/net-addr.h)
 * and the parts that change host state (rtnetlink links and addresses,
 * the nftables table, per-container set-up). The pure parts are
 * unit-tested; see docs/ARCHITECTURE.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "lite-err.h"
#include "net-addr.h"

/* ---------------------------------------------------------- net-etc.c */

struct net_host_entry {
	const char *ip;
	const char *names; /* space-separated */
};

/* /etc/hosts: Docker's localhost lines, then extra (--add-host), then the
 * container itself (ip may be NULL: no line), then peers. Heap string. */
char *net_etc_hosts(const char *self_ip, const char *self_names, const struct net_host_entry *extra,
		    size_t n_extra, const struct net_host_entry *peers, size_t n_peers);
/* /etc/resolv.conf from the host's: loopback nameservers dropped (they
 * cannot be reached from another namespace); dns replaces the nameservers
 * when given; when none remain, Docker's defaults 8.8.8.8 and 8.8.4.4. */
char *net_etc_resolv(const char *host_resolv, char *const *dns);

/* ---------------------------------------------------------- ipam.c */

struct ipam_lease {
	uint32_t ip;
	char owner[65]; /* container id */
};

/* Leases of one network live in DIR/leases ("IP OWNER" per line, sorted),
 * guarded by flock(2) on DIR/leases.lock, so concurrent allocators (threads
 * or processes) never hand out one address twice.
 * want: 0 for the lowest free host address, else exactly that one. The
 * gateway, network and broadcast addresses are never handed out. An owner
 * holds at most one lease per network: asking again returns it. */
int ipam_alloc(const char *dir, const struct net_cidr *subnet, uint32_t gateway, const char *owner,
	       uint32_t want, uint32_t *ret_ip, struct lite_err *err);
/* Free every lease of owner; missing leases are fine. */
int ipam_release(const char *dir, const char *owner);
/* All leases, sorted by address. */
int ipam_list(const char *dir, struct ipam_lease **ret, size_t *ret_n);
/* Free every lease whose owner keep() rejects; returns the number freed. */
int ipam_reconcile(const char *dir, bool (*keep)(const char *owner, void *arg), void *arg);
/* Parse/format the lease file (exposed for tests). */
int ipam_parse(const char *text, struct ipam_lease **ret, size_t *ret_n);
char *ipam_format(const struct ipam_lease *l, size_t n);

/* ---------------------------------------------------------- net-link.c */

/* Create the bridge if missing, give it gateway/prefix, bring it up. */
int net_link_bridge_ensure(const char *name, uint32_t gateway, uint8_t prefix, struct lite_err *err);
/* Delete a link by name; a missing one is fine. */
int net_link_delete(const char *name);
bool net_link_exists(const char *name);
/* A veth pair: host end on the bridge, up; the other end named ctr_if in
 * the network namespace of pid, configured with ip/prefix and, when
 * default_route, a default route via gateway; lo comes up too. */
int net_link_veth_attach(const char *host_if, const char *bridge, pid_t pid, const char *ctr_if,
			 uint32_t ip, uint8_t prefix, uint32_t gateway, bool default_route, struct lite_err *err);
/* Only lo up, in the network namespace of pid (--net none). */
int net_link_lo_up(pid_t pid, struct lite_err *err);
/* Delete ctr_if inside pid's namespace (disconnect when the host end is gone). */
int net_link_delete_in(pid_t pid, const char *ctr_if);
/* -EEXIST (and the route in err) when an IPv4 route in the main table
 * overlaps subnet, other than one through the device except_dev. */
int net_link_route_overlap(const struct net_cidr *subnet, const char *except_dev, struct lite_err *err);
/* Write a sysctl under /proc/sys (path relative to it). */
int net_link_sysctl_set(const char *path, const char *value);

/* ---------------------------------------------------------- net-nft.c */

struct net_nft_bridge {
	const char *bridge;
	struct net_cidr subnet;
};

struct net_nft_map {
	struct net_port port; /* host side and protocol */
	uint32_t ctr_ip;
};

/* The whole `inet lite` table as one nft batch that replaces the old one
 * atomically: masquerade per subnet, DNAT of published ports (prerouting
 * and output), hairpin and 127.0.0.1 masquerade, isolation between
 * bridges. Pure; heap string. */
char *net_nft_ruleset(const struct net_nft_bridge *b, size_t nb, const struct net_nft_map *m, size_t nm);
struct net_nft_ep {
	const char *host_if; /* the veth's host end, a port of the bridge */
	uint32_t ip;         /* the container's address (its MAC follows from it) */
};

/* The whole `bridge lite` table (anti-spoofing: frames entering from an
 * "lv*" port must carry that endpoint's MAC, and its IPv4 address as ARP
 * and IP sender) as one batch that replaces the old one. Pure; heap string. */
char *net_nft_antispoof(const struct net_nft_ep *e, size_t n);
/* Add or delete the elements of n endpoints in that table's sets. */
char *net_nft_antispoof_elements(const struct net_nft_ep *e, size_t n, bool add);
/* Run an nft batch through libnftables. */
int net_nft_apply(const char *batch, struct lite_err *err);
/* Delete the tables (nothing of the engine's is left in nftables). */
int net_nft_delete(void);

/* ---------------------------------------------------------- daemon state */

struct net_network;
struct net_ctr;
TAILQ_HEAD(net_network_list, net_network);
TAILQ_HEAD(net_ctr_list, net_ctr);

/* The networks and the containers' endpoints, held in struct daemon
 * (`net`, its lists initialised by main.c); net-network.c and net-ctr.c
 * own them. */
struct net_state {
	struct net_network_list networks;
	struct net_ctr_list ctrs;
	bool bridge_disabled; /* "bridge": "none" in the config file, as dockerd's */
	bool table_made;      /* this daemon wrote tables inet lite and bridge lite */
};
