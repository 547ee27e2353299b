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
#define NET_OPTS_MAX_EXPOSE 1024

struct net_opts {
	char *mode;          /* --net as given: "bridge", "none", "host", a network; NULL: the default */
	bool ip_set;
	uint32_t ip;         /* --ip, when ip_set */
	struct net_port ports[NET_OPTS_MAX_PORTS];
	size_t n_ports;      /* -p, host ports not bound yet */
	char **dns;          /* IPv4 addresses; NULL: the host's nameservers */
	char **add_host;     /* "NAME:IP" (or "NAME=IP"); NULL: none */
	char **aliases;      /* --network-alias names; NULL: none */
	char **expose;       /* --expose, one "PORT/PROTO" per port (ranges expanded); NULL: none */
	bool publish_all;    /* -P: publish every exposed port on a free host port */
};

int net_opts_decode(json_t *params, struct net_opts *ret, struct lite_err *err);
void net_opts_free(struct net_opts *o);
/* An --ip value (run's, network_connect's). */
int net_opts_parse_ip(const char *s, uint32_t *ret, struct lite_err *err);
/* --add-host "NAME:IP" (Docker's form; "NAME=IP" too). */
int net_opts_add_host_parse(const char *spec, char *name, size_t name_len, uint32_t *ret_ip);
/* The container's exposed ports: the image's ExposedPorts keys ("80/tcp",
 * "53/udp", "8080" meaning tcp), then o->expose, without duplicates, as
 * "PORT/PROTO"; NULL when none. Keys that are not ports are skipped. */
int net_opts_exposed(const struct net_opts *o, json_t *image_exposed, char ***ret, struct lite_err *err);
/* -P: a spec picking a free host port (every address) for each exposed
 * port not published by -p already, appended to ports[*n] (at most max in
 * all, else a one-line error). */
int net_opts_publish_exposed(char **exposed, struct net_port *ports, size_t *n, size_t max, struct lite_err *err);
