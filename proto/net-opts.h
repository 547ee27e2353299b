/* The network params of run/create: --net, --ip, -p, --dns, --add-host,
 * --network-alias. Their syntax is checked here; what needs the engine's
 * state (the network exists, host mode is root's) is checked in
 * net-ctr.c. Pure code, unit-tested in tests/unit/test-run-spec.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lite-err.h"
#include "net-addr.h"

#define NET_OPTS_MAX_PORTS 64

struct net_opts {
	char *mode;          /* --net as given: "bridge", "none", "host", a network; NULL: the default */
	bool ip_set;
	uint32_t ip;         /* --ip, when ip_set */
	struct net_port ports[NET_OPTS_MAX_PORTS];
	size_t n_ports;      /* -p, host ports not bound yet */
	char **dns;          /* IPv4 addresses; NULL: the host's nameservers */
	char **add_host;     /* "NAME:IP" (or "NAME=IP"); NULL: none */
	char **aliases;      /* --network-alias names; NULL: none */
};

int net_opts_decode(json_t *params, struct net_opts *ret, struct lite_err *err);
void net_opts_free(struct net_opts *o);
/* An --ip value (run's, network_connect's). */
int net_opts_parse_ip(const char *s, uint32_t *ret, struct lite_err *err);
/* --add-host "NAME:IP" (Docker's form; "NAME=IP" too). */
int net_opts_add_host_parse(const char *spec, char *name, size_t name_len, uint32_t *ret_ip);
