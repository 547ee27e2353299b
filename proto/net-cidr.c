/* IPv4 addresses and subnets: parsing, formatting, containment and
 * overlap. Pure code, unit-tested in tests/unit/test-net-cidr.c. */
#include "net-addr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
net_cidr_ip_parse(const char *s, uint32_t *ret)
{
	unsigned v[4];
	char tail;

	if (!s || sscanf(s, "%3u.%3u.%3u.%3u%c", &v[0], &v[1], &v[2], &v[3], &tail) != 4)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		if (v[i] > 255)
			return -EINVAL;
	}
	/* sscanf accepts " 1" and "+1"; a dotted quad is digits and dots only */
	if (strspn(s, "0123456789.") != strlen(s))
		return -EINVAL;
	*ret = v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
	return 0;
}

void
net_cidr_ip_format(uint32_t ip, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

uint32_t
net_cidr_mask(uint8_t prefix)
{
	return prefix == 0 ? 0 : 0xffffffffU << (32 - prefix);
}

int
net_cidr_parse(const char *s, bool host_bits_ok, struct net_cidr *ret, uint32_t *ret_ip)
{
	char ip[32], *end;
	const char *slash = s ? strchr(s, '/') : NULL;
	long prefix;
	uint32_t addr;

	if (!slash || (size_t)(slash - s) >= sizeof(ip) || !slash[1])
		return -EINVAL;
	memcpy(ip, s, slash - s);
	ip[slash - s] = '\0';
	errno = 0;
	prefix = strtol(slash + 1, &end, 10);
	if (*end || errno || prefix < 0 || prefix > 32 || slash[1] == '-' || slash[1] == '+')
		return -EINVAL;
	if (net_cidr_ip_parse(ip, &addr) < 0)
		return -EINVAL;
	if (!host_bits_ok && (addr & ~net_cidr_mask((uint8_t)prefix)))
		return -EINVAL;
	ret->addr = addr & net_cidr_mask((uint8_t)prefix);
	ret->prefix = (uint8_t)prefix;
	if (ret_ip)
		*ret_ip = addr;
	return 0;
}

void
net_cidr_format(const struct net_cidr *c, char *buf, size_t len)
{
	char ip[16];

	net_cidr_ip_format(c->addr, ip);
	snprintf(buf, len, "%s/%u", ip, c->prefix);
}

uint32_t
net_cidr_broadcast(const struct net_cidr *c)
{
	return c->addr | ~net_cidr_mask(c->prefix);
}

bool
net_cidr_contains(const struct net_cidr *c, uint32_t ip)
{
	return (ip & net_cidr_mask(c->prefix)) == c->addr;
}

bool
net_cidr_overlaps(const struct net_cidr *a, const struct net_cidr *b)
{
	uint8_t p = a->prefix < b->prefix ? a->prefix : b->prefix;

	return (a->addr & net_cidr_mask(p)) == (b->addr & net_cidr_mask(p));
}

bool
net_cidr_is_host(const struct net_cidr *c, uint32_t ip)
{
	if (!net_cidr_contains(c, ip))
		return false;
	if (c->prefix >= 31)
		return true;
	return ip != c->addr && ip != net_cidr_broadcast(c);
}
