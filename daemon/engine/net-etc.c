/* Per-container /etc/hosts and /etc/resolv.conf contents, as Docker writes
 * them. Pure code, unit-tested in tests/unit/test-net-etc.c; net-ctr.c
 * writes the files and the shim bind-mounts them. */
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hosts_head[] =
	"127.0.0.1\tlocalhost\n"
	"::1\tlocalhost ip6-localhost ip6-loopback\n"
	"fe00::0\tip6-localnet\n"
	"ff00::0\tip6-mcastprefix\n"
	"ff02::1\tip6-allnodes\n"
	"ff02::2\tip6-allrouters\n";

static void
put_entries(FILE *f, const struct net_host_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\t%s\n", e[i].ip, e[i].names);
}

char *
net_etc_hosts(const char *self_ip, const char *self_names, const struct net_host_entry *extra,
	      size_t n_extra, const struct net_host_entry *peers, size_t n_peers)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs(hosts_head, f);
	put_entries(f, extra, n_extra);
	if (self_ip && self_names)
		fprintf(f, "%s\t%s\n", self_ip, self_names);
	put_entries(f, peers, n_peers);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool
is_loopback_ns(const char *line)
{
	char addr[64];

	if (sscanf(line, "nameserver %63s", addr) != 1)
		return false;
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 || strcmp(addr, "0:0:0:0:0:0:0:1") == 0;
}

char *
net_etc_resolv(const char *host_resolv, char *const *dns)
{
	char *buf = NULL, *copy = strdup(host_resolv ? host_resolv : ""), *save = NULL;
	size_t len = 0;
	int servers = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f || !copy) {
		if (f)
			fclose(f);
		free(buf);
		free(copy);
		return NULL;
	}
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool ns = strncmp(line, "nameserver", 10) == 0 && (line[10] == ' ' || line[10] == '\t');

		if (ns && (dns || is_loopback_ns(line)))
			continue;
		servers += ns;
		fprintf(f, "%s\n", line);
	}
	for (char *const *p = dns; p && *p; p++, servers++)
		fprintf(f, "nameserver %s\n", *p);
	if (!servers)
		fputs("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", f);
	free(copy);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
