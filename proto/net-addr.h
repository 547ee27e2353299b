/* IPv4 addresses, subnets and published-port specs: the syntax of the
 * network params of a request (--ip, -p, --dns, a network's --subnet) and
 * the address arithmetic the engine does with them. Pure code, unit-tested
 * in tests/unit/test-net-cidr.c and test-net-port.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lite-err.h"

/* ---------------------------------------------------------- net-cidr.c */

/* An IPv4 subnet; addresses are in host byte order. */
struct net_cidr {
	uint32_t addr;   /* the network address (host bits zero) */
	uint8_t prefix;  /* 0..32 */
};

/* "10.66.0.0/16" -> cidr. host_bits_ok lets "10.66.0.1/16" through as the
 * address 10.66.0.1 with prefix 16 (a gateway with its prefix, like --bip). */
int net_cidr_parse(const char *s, bool host_bits_ok, struct net_cidr *ret, uint32_t *ret_ip);
/* Dotted quad -> address; -EINVAL on anything else. */
int net_cidr_ip_parse(const char *s, uint32_t *ret);
void net_cidr_ip_format(uint32_t ip, char buf[16]);
void net_cidr_format(const struct net_cidr *c, char *buf, size_t len);
uint32_t net_cidr_mask(uint8_t prefix);
uint32_t net_cidr_broadcast(const struct net_cidr *c);
bool net_cidr_contains(const struct net_cidr *c, uint32_t ip);
bool net_cidr_overlaps(const struct net_cidr *a, const struct net_cidr *b);
/* A usable host address of c: not the network or broadcast address. */
bool net_cidr_is_host(const struct net_cidr *c, uint32_t ip);

/* ---------------------------------------------------------- net-port.c */

enum net_proto { NET_TCP, NET_UDP, NET_PROTO_MAX };

struct net_port {
	uint32_t host_ip;   /* 0: every address */
	uint16_t host_port; /* 0: pick a free one */
	uint16_t ctr_port;
	enum net_proto proto;
	/* -p 8000-8010:80: any free host port of min..max (0: no range) */
	uint16_t host_port_min, host_port_max;
};

/* Docker's -p forms: CTR, HOST:CTR, IP:HOST:CTR, IP::CTR, each with an
 * optional /tcp or /udp. On error, a one-line reason in err. */
int net_port_parse(const char *spec, struct net_port *ret, struct lite_err *err);
const char *net_port_proto_name(enum net_proto p);
/* -p with ranges too: IP:H1-H2:C1-C2/PROTO (equal lengths: pairwise),
 * H1-H2:C (one free port of the range), C1-C2 (each picks a port). At most
 * max specs into ret; *ret_n says how many. A one-line reason on error. */
int net_port_parse_range(const char *spec, struct net_port *ret, size_t max, size_t *ret_n, struct lite_err *err);
/* --expose PORT[-END][/PROTO]: ctr_port and proto of each port, at most
 * max into ret. */
int net_port_parse_expose(const char *spec, struct net_port *ret, size_t max, size_t *ret_n, struct lite_err *err);
/* "0.0.0.0:8080->80/tcp" */
void net_port_format(const struct net_port *p, char *buf, size_t len);
/* The policy for a caller's published ports: a non-root caller may not
 * publish a host port below unpriv_start (the host's
 * net.ipv4.ip_unprivileged_port_start), as rootless Podman and Docker;
 * a range counts by its lowest port; a picked port (0) is always fine.
 * -EPERM and a one-line reason naming the port and the sysctl. */
int net_port_check_caller(const struct net_port *p, size_t n, bool root, unsigned unpriv_start, struct lite_err *err);
