/* Published ports of one container: the specs and, while it runs, a bound
 * (not listening) socket per port that holds the host port, so no other
 * program or container can take it and a taken port fails the run. */
#pragma once

#include <jansson.h>

#include "lite-err.h"
#include "net.h"
#include "net-opts.h"

#define NET_PORTS_MAX NET_OPTS_MAX_PORTS

struct net_ports {
	struct net_port p[NET_PORTS_MAX];
	int fd[NET_PORTS_MAX];
	size_t n;
};

void net_ports_init(struct net_ports *ps);
/* Bind the n decoded -p specs (proto/net-opts.c); all or nothing. */
int net_ports_reserve(struct net_ports *ps, const struct net_port *specs, size_t n, struct lite_err *err);
/* Bind the recorded ports again (after a daemon restart). */
int net_ports_rebind(struct net_ports *ps, struct lite_err *err);
/* Release the host ports; the specs stay for inspect. */
void net_ports_close(struct net_ports *ps);
json_t *net_ports_to_json(const struct net_ports *ps);
void net_ports_from_json(struct net_ports *ps, json_t *a);
