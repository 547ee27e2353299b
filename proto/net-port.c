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

/* "A" or "A-B" (A <= B) into *lo, *hi. */
static int
parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash = strchr(s, '-');

	if (!dash)
		return parse_port(s, false, lo) < 0 ? -EINVAL : (*hi = *lo, 0);
	if ((size_t)(dash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	if (parse_port(buf, false, lo) < 0 || parse_port(dash + 1, false, hi) < 0 || *hi < *lo)
		return -EINVAL;
	return 0;
}

/* Split "A:B:C/proto" of spec (a copy in buf) into parts and proto. */
static int
split_spec(const char *spec, char *buf, size_t len, char **parts, int *ret_n, enum net_proto *proto,
	   const char *flag, struct lite_err *err)
{
	char *slash;
	int n = 0;

	if (strlen(spec) >= len)
		return lite_err_set(err, EINVAL, "invalid %s \"%.40s...\": too long", flag, spec);
	snprintf(buf, len, "%s", spec);
	*proto = NET_TCP;
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (strcmp(slash, "udp") == 0)
			*proto = NET_UDP;
		else if (strcmp(slash, "tcp") != 0)
			return lite_err_set(err, EINVAL, "invalid %s \"%s\": protocol must be tcp or udp", flag, spec);
	}
	for (char *s = buf, *colon; n < 3; s = colon + 1) {
		parts[n++] = s;
		colon = strchr(s, ':');
		if (!colon)
			break;
		*colon = '\0';
		if (n == 3)
			return lite_err_set(err, EINVAL, "invalid %s \"%s\": expected [IP:][HOST:]CONTAINER[/PROTO]", flag, spec);
	}
	*ret_n = n;
	return 0;
}

int
net_port_parse_range(const char *spec, struct net_port *ret, size_t max, size_t *ret_n, struct lite_err *err)
{
	char buf[128], *parts[3];
	struct net_port base = { .proto = NET_TCP };
	uint16_t clo, chi, hlo = 0, hhi = 0;
	size_t count;
	int n, r;

	r = split_spec(spec, buf, sizeof(buf), parts, &n, &base.proto, "-p", err);
	if (r < 0)
		return r;
	if (parse_port_range(parts[n - 1], &clo, &chi) < 0)
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": bad container port \"%s\"", spec, parts[n - 1]);
	if (n >= 2 && *parts[n - 2] && parse_port_range(parts[n - 2], &hlo, &hhi) < 0)
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": bad host port \"%s\"", spec, parts[n - 2]);
	if (n == 2 && !*parts[0])
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": empty host port", spec);
	if (n == 3 && net_cidr_ip_parse(parts[0], &base.host_ip) < 0)
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": bad host IP \"%s\"", spec, parts[0]);
	count = (size_t)(chi - clo) + 1;
	if (hlo && count > 1 && (size_t)(hhi - hlo) + 1 != count)
		return lite_err_set(err, EINVAL, "invalid -p \"%s\": the host and container port ranges differ in length (%u and %zu)",
				    spec, hhi - hlo + 1, count);
	if (count > max)
		return lite_err_set(err, E2BIG, "invalid -p \"%s\": too many ports (at most %zu in all)", spec, max);
	for (size_t i = 0; i < count; i++) {
		ret[i] = base;
		ret[i].ctr_port = (uint16_t)(clo + i);
		if (hlo && count > 1)
			ret[i].host_port = (uint16_t)(hlo + i);
		else if (hlo && hhi > hlo) /* one container port, a host range: any free one of it */
			ret[i] = (struct net_port){ base.host_ip, hlo, clo, base.proto, hlo, hhi };
		else
			ret[i].host_port = hlo;
	}
	*ret_n = count;
	return 0;
}

int
net_port_parse_expose(const char *spec, struct net_port *ret, size_t max, size_t *ret_n, struct lite_err *err)
{
	char buf[64], *parts[3];
	enum net_proto proto;
	uint16_t lo, hi;
	int n, r;

	r = split_spec(spec, buf, sizeof(buf), parts, &n, &proto, "--expose", err);
	if (r < 0)
		return r;
	if (n != 1 || parse_port_range(parts[0], &lo, &hi) < 0)
		return lite_err_set(err, EINVAL, "invalid --expose \"%s\": expected PORT[-END][/tcp|udp]", spec);
	if ((size_t)(hi - lo) + 1 > max)
		return lite_err_set(err, E2BIG, "invalid --expose \"%s\": too many ports (at most %zu in all)", spec, max);
	for (size_t i = 0; i <= (size_t)(hi - lo); i++)
		ret[i] = (struct net_port){ .ctr_port = (uint16_t)(lo + i), .proto = proto };
	*ret_n = (size_t)(hi - lo) + 1;
	return 0;
}

void
net_port_format(const struct net_port *p, char *buf, size_t len)
{
	char ip[16];

	net_cidr_ip_format(p->host_ip, ip);
	snprintf(buf, len, "%s:%u->%u/%s", ip, p->host_port, p->ctr_port, net_port_proto_name(p->proto));
}

int
net_port_check_caller(const struct net_port *p, size_t n, bool root, unsigned unpriv_start, struct lite_err *err)
{
	for (size_t i = 0; !root && i < n; i++) {
		unsigned port = p[i].host_port_max ? p[i].host_port_min : p[i].host_port;

		/* the kernel's own rule for unprivileged binds; the daemon binds
		 * as root, so it applies it for the caller */
		if (port && port < unpriv_start)
			return lite_err_set(err, EPERM,
					    "host port %u is privileged: publishing host ports below %u "
					    "(net.ipv4.ip_unprivileged_port_start) is for root only",
					    port, unpriv_start);
	}
	return 0;
}
