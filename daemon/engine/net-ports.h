/* Published ports of one container: the specs and, while it runs, a bound
 * (not listening) socket per port that holds the host port, so no other
 * program or container can take it and a taken port fails the run. */
#pragma once

#include <jansson.h>

#include "lite-err.h"
#include "net.h"
#include "net-opts.h"

#define NET_PORTS_MAX NET_OPTS_MAX_PORTS

/* The arrays are allocated for the ports there are (one block, NULL
 * without ports): at 1,000 containers a fixed table of NET_PORTS_MAX was
 * 1.3 MB of the daemon's heap. */
struct net_ports {
	struct net_port *p;
	int *fd;
	bool *dyn;               /* the host port was picked by us: another may replace it */
	size_t n;
};

/* Empty; ps must be zeroed or emptied already (net_ports_free). */
void net_ports_init(struct net_ports *ps);
/* Release the host ports and the arrays; ps is empty after it. */
void net_ports_free(struct net_ports *ps);
/* Bind the n decoded -p specs (proto/net-opts.c); all or nothing. */
int net_ports_reserve(struct net_ports *ps, const struct net_port *specs, size_t n, struct lite_err *err);
/* Record the specs without binding (create: the first start binds). */
int net_ports_set(struct net_ports *ps, const struct net_port *specs, size_t n, struct lite_err *err);
/* Bind the recorded ports again (a daemon restart, a start after an
 * exit); a picked port that was taken meanwhile is picked anew. */
int net_ports_rebind(struct net_ports *ps, struct lite_err *err);
/* Release the host ports; the specs stay for inspect. */
void net_ports_close(struct net_ports *ps);
json_t *net_ports_to_json(const struct net_ports *ps);
/* For net.json: also whether each host port was picked (net_ports_from_json reads it). */
json_t *net_ports_state_json(const struct net_ports *ps);
void net_ports_from_json(struct net_ports *ps, json_t *a);
/* The host's net.ipv4.ip_unprivileged_port_start, read now (1024 when it
 * cannot be read): the first host port a non-root caller may publish. */
unsigned net_ports_unprivileged_start(void);
