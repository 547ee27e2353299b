/* Published-port specs (-p) in Docker's forms. Pure code, unit-tested in
 * tests/unit/test-net-port.c. */
#include "net-addr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
net_port_proto_name(enum net_proto p)
{
	return p == NET_UDP ? "udp" : "tcp";
}

static int
parse_port(const char *s, bool zero_ok, uint16_t *ret)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
		return -EINVAL;
	v = strtol(s, &end, 10);
	if (v > 65535 || (v == 0 && !zero_ok))
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

int
net_port_parse(const char *spec, struct net_port *ret, struct lite_err *err)
{
	char buf[128], *proto, *parts[3];
	struct net_port p = { .proto = NET_TCP };
	int n = 0;

	if (strlen(spec) >= sizeof(buf))
		return lite_err_set(err, EINVAL, "invalid -p \"%.40s...\": too long", spec);
	snprintf(buf, sizeof(buf), "%s", spec);
	proto = strchr(buf, '/');
	if (proto) {
		*proto++ = '\0';
		if (strcmp(proto, "udp") == 0)
			p.proto = NET_UDP;
		else if (strcmp(proto, "tcp") != 0)
			return lite_err_set(err, EINVAL, "invalid -p \"%s\": protocol must be tcp or udp", spec);
	}
	for (char *s = buf, *colon; n < 3; s = colon + 1) {
		parts[n++] = s;
		colon = strchr(s, ':');
		if (!colon)
			break;
		*colon = '\0';
		if (n == 3)
			return lite_err_set(err, EINVAL, "invalid -p \"%s\": expected [IP:][HOST:]CONTAINER[/PROTO]", spec);
	}
	if (parse_port(parts[n - 1], false, &p.ctr_port) < 0)
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": bad container port \"%s\"", spec, parts[n - 1]);
	if (n >= 2 && *parts[n - 2] && parse_port(parts[n - 2], false, &p.host_port) < 0)
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": bad host port \"%s\"", spec, parts[n - 2]);
	if (n == 2 && !*parts[0])
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": empty host port", spec);
	if (n == 3 && net_cidr_ip_parse(parts[0], &p.host_ip) < 0)
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": bad host IP \"%s\"", spec, parts[0]);
	*ret = p;
	return 0;
}

void
net_port_format(const struct net_port *p, char *buf, size_t len)
{
	char ip[16];

	net_cidr_ip_format(p->host_ip, ip);
	snprintf(buf, len, "%s:%u->%u/%s", ip, p->host_port, p->ctr_port, net_port_proto_name(p->proto));
}
