/* nftables through libnftables: the engine's rules live in two tables of
 * its own, `inet lite` (NAT, published ports, isolation between bridges)
 * and `bridge lite` (anti-spoofing on the containers' bridge ports), which
 * a full sync replaces whole in one atomic batch, and which one command
 * removes. A container's start and exit only add or delete its elements of
 * the anti-spoofing sets.
 *
 * Safety invariants: the batch names only tables `inet lite` and `bridge
 * lite`; other tables (the host's firewall, Docker's, Podman's) are never
 * read or changed. The text is generated from validated structs
 * (addresses, ports, bridge and veth names the engine made), never from
 * user strings. Anti-spoofing fails closed: a frame from any "lv*" port
 * without its elements is dropped. */
#include "net.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
put_maps(FILE *f, const struct net_nft_map *m, size_t nm)
{
	char hip[16], cip[16];

	for (size_t i = 0; i < nm; i++) {
		net_cidr_ip_format(m[i].port.host_ip, hip);
		net_cidr_ip_format(m[i].ctr_ip, cip);
		fprintf(f, "\t\tmeta nfproto ipv4 ");
		if (m[i].port.host_ip)
			fprintf(f, "ip daddr %s ", hip);
		fprintf(f, "%s dport %u dnat ip to %s:%u\n", net_port_proto_name(m[i].port.proto),
			m[i].port.host_port, cip, m[i].port.ctr_port);
	}
}

static void
put_postrouting(FILE *f, const struct net_nft_bridge *b, size_t nb)
{
	char cidr[32];

	fprintf(f, "\tchain postrouting {\n\t\ttype nat hook postrouting priority 100; policy accept;\n");
	for (size_t i = 0; i < nb; i++) {
		net_cidr_format(&b[i].subnet, cidr, sizeof(cidr));
		/* outbound NAT */
		fprintf(f, "\t\tip saddr %s oifname != \"%s\" masquerade\n", cidr, b[i].bridge);
		/* 127.0.0.1:PORT on the host, routed out of the bridge (route_localnet) */
		fprintf(f, "\t\tip saddr 127.0.0.0/8 oifname \"%s\" masquerade\n", b[i].bridge);
		/* hairpin: a container reaching a published port on its own bridge */
		fprintf(f, "\t\tiifname \"%s\" oifname \"%s\" ct status dnat masquerade\n", b[i].bridge, b[i].bridge);
	}
	fprintf(f, "\t}\n");
}

static void
put_forward(FILE *f, const struct net_nft_bridge *b, size_t nb)
{
	fprintf(f, "\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;\n");
	for (size_t i = 0; nb > 1 && i < nb; i++) {
		const char *sep = "";

		fprintf(f, "\t\tiifname \"%s\" oifname { ", b[i].bridge);
		for (size_t j = 0; j < nb; j++) {
			if (j == i)
				continue;
			fprintf(f, "%s\"%s\"", sep, b[j].bridge);
			sep = ", ";
		}
		fprintf(f, " } drop\n");
	}
	fprintf(f, "\t}\n");
}

char *
net_nft_ruleset(const struct net_nft_bridge *b, size_t nb, const struct net_nft_map *m, size_t nm)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "table inet lite\ndelete table inet lite\ntable inet lite {\n");
	fprintf(f, "\tchain prerouting {\n\t\ttype nat hook prerouting priority -100; policy accept;\n"
		   "\t\tfib daddr type local jump publish\n\t}\n");
	/* nft 1.0.6 rejects "priority dstnat" on the output hook */
	fprintf(f, "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
		   "\t\tfib daddr type local jump publish\n\t}\n");
	fprintf(f, "\tchain publish {\n");
	put_maps(f, m, nm);
	fprintf(f, "\t}\n");
	put_postrouting(f, b, nb);
	put_forward(f, b, nb);
	fprintf(f, "}\n");
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A container's MAC, as net-link.c's veth_create gives it: 02:42 and the
 * address (the container holds no CAP_NET_ADMIN to change it). */
static void
put_ep(FILE *f, const struct net_nft_ep *e, bool mac)
{
	uint32_t ip = e->ip;

	if (mac)
		fprintf(f, "\"%s\" . 02:42:%02x:%02x:%02x:%02x", e->host_if, ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
			ip & 0xff);
	else
		fprintf(f, "\"%s\" . %u.%u.%u.%u", e->host_if, ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

static void
put_elements(FILE *f, const struct net_nft_ep *e, size_t n, bool mac)
{
	fprintf(f, "{ ");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, i ? ", " : "");
		put_ep(f, &e[i], mac);
	}
	fprintf(f, " }");
}

static void
put_set(FILE *f, const char *name, const char *type, const struct net_nft_ep *e, size_t n, bool mac)
{
	fprintf(f, "\tset %s {\n\t\ttype ifname . %s\n", name, type);
	if (n) {
		fprintf(f, "\t\telements = ");
		put_elements(f, e, n, mac);
		fprintf(f, "\n");
	}
	fprintf(f, "\t}\n");
}

char *
net_nft_antispoof(const struct net_nft_ep *e, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "table bridge lite\ndelete table bridge lite\ntable bridge lite {\n");
	put_set(f, "mac", "ether_addr", e, n, true);
	put_set(f, "ip4", "ipv4_addr", e, n, false);
	/* Frames a container sends enter the bridge from its veth's host end:
	 * its own MAC, and for ARP and IPv4 its own address as sender (ARP's
	 * 0.0.0.0 is a probe, which no neighbour table learns from). Other
	 * ether types (IPv6: lite assigns no v6 address; VLAN tags) are
	 * dropped. Frames from the host and other ports pass untouched. */
	fprintf(f, "\tchain antispoof {\n\t\ttype filter hook prerouting priority -200; policy accept;\n"
		   "\t\tiifname != \"lv*\" accept\n"
		   "\t\tiifname . ether saddr != @mac drop\n"
		   "\t\tether type arp iifname . arp saddr ether != @mac drop\n"
		   "\t\tether type arp arp saddr ip != 0.0.0.0 iifname . arp saddr ip != @ip4 drop\n"
		   "\t\tether type ip iifname . ip saddr != @ip4 drop\n"
		   "\t\tether type != { ip, arp } drop\n\t}\n}\n");
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *
net_nft_antispoof_elements(const struct net_nft_ep *e, size_t n, bool add)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (int mac = 1; n && mac >= 0; mac--) {
		fprintf(f, "%s element bridge lite %s ", add ? "add" : "delete", mac ? "mac" : "ip4");
		put_elements(f, e, n, mac);
		fprintf(f, "\n");
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
net_nft_apply(const char *batch, struct lite_err *err)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *msg;
	int r;

	if (!ctx)
		return lite_err_set(err, ENOMEM, "nftables: cannot create a context");
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	r = nft_run_cmd_from_buffer(ctx, batch);
	if (r != 0) {
		msg = nft_ctx_get_error_buffer(ctx);
		r = lite_err_set(err, EIO, "nftables: %.*s", (int)strcspn(msg ? msg : "", "\n"), msg ? msg : "failed");
	}
	nft_ctx_free(ctx);
	return r;
}

int
net_nft_delete(void)
{
	struct lite_err err = { 0 };
	int r = net_nft_apply("table inet lite\ndelete table inet lite\ntable bridge lite\ndelete table bridge lite\n", &err);

	lite_err_clear(&err);
	return r;
}
