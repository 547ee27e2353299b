/* Host-port reservations for published ports (see net-ports.h).
 *
 * Safety invariants: sockets are bound, never listened on or read, and
 * close-on-exec; the DNAT rules of net-nft.c take the traffic before it
 * could reach them. Binding without SO_REUSEADDR makes a port in use by
 * anyone else fail with EADDRINUSE. */
#include "net-ports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void
net_ports_init(struct net_ports *ps)
{
	*ps = (struct net_ports){ 0 };
}

void
net_ports_free(struct net_ports *ps)
{
	net_ports_close(ps);
	free(ps->p); /* the block holding all three arrays */
	net_ports_init(ps);
}

/* Arrays for n ports (fds -1), replacing what ps had; ps->n is 0. */
static int
alloc_ports(struct net_ports *ps, size_t n)
{
	size_t sz_p = n * sizeof(*ps->p), sz_fd = n * sizeof(*ps->fd);
	char *block;

	net_ports_free(ps);
	if (n == 0)
		return 0;
	/* struct net_port is 4-aligned, as int: fd right after p, dyn last */
	block = calloc(1, sz_p + sz_fd + n * sizeof(*ps->dyn));
	if (!block)
		return -ENOMEM;
	ps->p = (struct net_port *)block;
	ps->fd = (int *)(block + sz_p);
	ps->dyn = (bool *)(block + sz_p + sz_fd);
	for (size_t i = 0; i < n; i++)
		ps->fd[i] = -1;
	return 0;
}

static int bind_one(struct net_port *p, int *ret_fd, struct lite_err *err);

/* A port of a host range (-p 8000-8010:80): the one it had, else the
 * first free one. */
static int
bind_port(struct net_port *p, int *ret_fd, struct lite_err *err)
{
	char ip[16];

	if (!p->host_port_max)
		return bind_one(p, ret_fd, err);
	if (p->host_port >= p->host_port_min && p->host_port <= p->host_port_max && bind_one(p, ret_fd, NULL) == 0)
		return 0;
	for (unsigned port = p->host_port_min; port <= p->host_port_max; port++) {
		p->host_port = (uint16_t)port;
		if (bind_one(p, ret_fd, NULL) == 0)
			return 0;
	}
	net_cidr_ip_format(p->host_ip, ip);
	return lite_err_set(err, EADDRINUSE, "Bind for %s:%u-%u failed: every port of the range is already allocated", ip,
			    p->host_port_min, p->host_port_max);
}

static int
bind_one(struct net_port *p, int *ret_fd, struct lite_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(p->host_port),
				  .sin_addr.s_addr = htonl(p->host_ip) };
	socklen_t len = sizeof(sa);
	char ip[16];
	int fd = socket(AF_INET, (p->proto == NET_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	net_cidr_ip_format(p->host_ip, ip);
	if (fd < 0)
		return lite_err_sys(err, errno, "reserve port %u", p->host_port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		if (e == EADDRINUSE)
			return lite_err_set(err, e, "Bind for %s:%u failed: port is already allocated", ip, p->host_port);
		return lite_err_sys(err, e, "Bind for %s:%u failed", ip, p->host_port);
	}
	if (!p->host_port && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		p->host_port = ntohs(sa.sin_port);
	*ret_fd = fd;
	return 0;
}

int
net_ports_reserve(struct net_ports *ps, const struct net_port *specs, size_t n, struct lite_err *err)
{
	int r;

	if (n > NET_PORTS_MAX) /* net_opts_decode refuses more */
		return lite_err_sys(err, E2BIG, "reserve ports");
	if (alloc_ports(ps, n) < 0)
		return lite_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		ps->p[ps->n] = specs[i];
		ps->dyn[ps->n] = specs[i].host_port == 0;
		r = bind_port(&ps->p[ps->n], &ps->fd[ps->n], err);
		if (r < 0) {
			net_ports_free(ps);
			return r;
		}
		ps->n++;
	}
	return 0;
}

int
net_ports_set(struct net_ports *ps, const struct net_port *specs, size_t n, struct lite_err *err)
{
	if (n > NET_PORTS_MAX)
		return lite_err_sys(err, E2BIG, "record ports");
	if (alloc_ports(ps, n) < 0)
		return lite_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		ps->p[i] = specs[i];
		ps->dyn[i] = specs[i].host_port == 0;
		ps->fd[i] = -1;
	}
	ps->n = n;
	return 0;
}

int
net_ports_rebind(struct net_ports *ps, struct lite_err *err)
{
	for (size_t i = 0; i < ps->n; i++) {
		if (ps->fd[i] >= 0)
			continue;
		int r = bind_port(&ps->p[i], &ps->fd[i], err);
		if (r == -EADDRINUSE && ps->dyn[i]) {
			lite_err_clear(err);
			ps->p[i].host_port = 0;
			r = bind_port(&ps->p[i], &ps->fd[i], err);
		}
		if (r < 0) {
			net_ports_close(ps);
			return r;
		}
	}
	return 0;
}

void
net_ports_close(struct net_ports *ps)
{
	for (size_t i = 0; ps->fd && i < ps->n; i++) {
		if (ps->fd[i] >= 0)
			close(ps->fd[i]);
		ps->fd[i] = -1;
	}
}

/* net.json's form: the inspect form plus whether the host port was picked. */
json_t *
net_ports_state_json(const struct net_ports *ps)
{
	json_t *a = net_ports_to_json(ps), *e;
	size_t i;

	json_array_foreach(a, i, e) {
		json_object_set_new(e, "picked", json_boolean(ps->dyn[i]));
		if (ps->p[i].host_port_max) {
			json_object_set_new(e, "host_port_min", json_integer(ps->p[i].host_port_min));
			json_object_set_new(e, "host_port_max", json_integer(ps->p[i].host_port_max));
		}
	}
	return a;
}

json_t *
net_ports_to_json(const struct net_ports *ps)
{
	json_t *a = json_array();
	char ip[16];

	for (size_t i = 0; i < ps->n; i++) {
		net_cidr_ip_format(ps->p[i].host_ip, ip);
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:i}", "container_port", ps->p[i].ctr_port,
						   "protocol", net_port_proto_name(ps->p[i].proto), "host_ip", ip,
						   "host_port", ps->p[i].host_port));
	}
	return a;
}

void
net_ports_from_json(struct net_ports *ps, json_t *a)
{
	json_t *e;
	size_t i;

	if (alloc_ports(ps, json_array_size(a) < NET_PORTS_MAX ? json_array_size(a) : NET_PORTS_MAX) < 0)
		return;
	json_array_foreach(a, i, e) {
		struct net_port *p = &ps->p[ps->n];
		const char *proto = json_string_value(json_object_get(e, "protocol"));

		if (ps->n == NET_PORTS_MAX || ps->n == json_array_size(a) ||
		    net_cidr_ip_parse(json_string_value(json_object_get(e, "host_ip")), &p->host_ip) < 0)
			continue;
		p->ctr_port = (uint16_t)json_integer_value(json_object_get(e, "container_port"));
		p->host_port = (uint16_t)json_integer_value(json_object_get(e, "host_port"));
		p->proto = proto && strcmp(proto, "udp") == 0 ? NET_UDP : NET_TCP;
		ps->dyn[ps->n] = json_is_true(json_object_get(e, "picked"));
		p->host_port_min = (uint16_t)json_integer_value(json_object_get(e, "host_port_min"));
		p->host_port_max = (uint16_t)json_integer_value(json_object_get(e, "host_port_max"));
		ps->n++;
	}
}

unsigned
net_ports_unprivileged_start(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
	unsigned v = 1024;

	if (f) {
		if (fscanf(f, "%u", &v) != 1 || v > 65536)
			v = 1024;
		fclose(f);
	}
	return v;
}
