/* IP address management: one lease file per network, flock(2)-guarded so
 * concurrent allocators never hand out an address twice.
 *
 * Safety invariants: touches only files in the directory it is given; the
 * lease file is replaced atomically (temp, rename) under an exclusive lock
 * on a separate lock file, so a crash of the daemon leaves the old or the
 * new list and a reader never sees a torn one. Without fsync (2 of them at
 * each lease and each release, most of what the bridge added to a start):
 * what a power cut could lose is moot, as no container runs after one and
 * the next daemon frees every lease but those of running containers and
 * claims theirs again (net-ctr.c), whatever the file then holds. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

#define IPAM_MAX_LEASES (1 << 20)

static int
lease_cmp(const void *a, const void *b)
{
	const struct ipam_lease *x = a, *y = b;

	return x->ip < y->ip ? -1 : x->ip > y->ip;
}

int
ipam_parse(const char *text, struct ipam_lease **ret, size_t *ret_n)
{
	struct ipam_lease *v = NULL;
	size_t n = 0, cap = 0;
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char ip[32], owner[80];
		uint32_t a;

		if (sscanf(line, "%31s %79s", ip, owner) == 2 && net_cidr_ip_parse(ip, &a) == 0 && strlen(owner) < 65) {
			if (n == cap) {
				struct ipam_lease *nv;
				cap = cap ? cap * 2 : 16;
				if (cap > IPAM_MAX_LEASES || !(nv = realloc(v, cap * sizeof(*v)))) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[n].ip = a;
			snprintf(v[n].owner, sizeof(v[n].owner), "%s", owner);
			n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (n)
		qsort(v, n, sizeof(*v), lease_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

char *
ipam_format(const struct ipam_lease *l, size_t n)
{
	char *buf = NULL, ip[16];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		net_cidr_ip_format(l[i].ip, ip);
		fprintf(f, "%s %s\n", ip, l[i].owner);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int
lock_dir(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/leases.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return -e;
		}
	}
	return fd;
}

static int
load(const char *dir, struct ipam_lease **ret, size_t *ret_n)
{
	char path[4096];
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/leases", dir);
	r = fs_read_file(path, &text, &len);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	return r < 0 ? r : ipam_parse(text, ret, ret_n);
}

static int
store(const char *dir, const struct ipam_lease *l, size_t n)
{
	char path[4096];
	_cleanup_free_ char *text = ipam_format(l, n);

	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/leases", dir);
	return fs_write_file_replace(path, text, strlen(text), 0600);
}

static bool
is_leased(const struct ipam_lease *l, size_t n, uint32_t ip)
{
	struct ipam_lease key = { .ip = ip };

	return n && bsearch(&key, l, n, sizeof(*l), lease_cmp);
}

/* Lowest free host address, or 0. */
static uint32_t
pick(const struct net_cidr *subnet, uint32_t gateway, const struct ipam_lease *l, size_t n)
{
	uint32_t last = net_cidr_broadcast(subnet);

	for (uint32_t ip = subnet->addr; ; ip++) {
		if (ip != gateway && net_cidr_is_host(subnet, ip) && !is_leased(l, n, ip))
			return ip;
		if (ip == last)
			return 0;
	}
}

static int
choose(const char *dir, const struct net_cidr *subnet, uint32_t gateway, uint32_t want,
       const struct ipam_lease *l, size_t n, uint32_t *ret_ip, struct lite_err *err)
{
	char ip[16], cidr[32];

	net_cidr_ip_format(want, ip);
	net_cidr_format(subnet, cidr, sizeof(cidr));
	if (!want) {
		*ret_ip = pick(subnet, gateway, l, n);
		if (!*ret_ip)
			return lite_err_set(err, ENOSPC, "no available IPv4 addresses on this network's address pools: %s", cidr);
		return 0;
	}
	if (!net_cidr_is_host(subnet, want) || want == gateway)
		return lite_err_set(err, EINVAL, "invalid --ip %s: not a usable address in %s", ip, cidr);
	if (is_leased(l, n, want))
		return lite_err_set(err, EADDRINUSE, "address %s is already in use", ip);
	*ret_ip = want;
	return 0;
}

int
ipam_alloc(const char *dir, const struct net_cidr *subnet, uint32_t gateway, const char *owner,
	   uint32_t want, uint32_t *ret_ip, struct lite_err *err)
{
	_cleanup_close_ int lock = lock_dir(dir);
	_cleanup_free_ struct ipam_lease *l = NULL;
	struct ipam_lease *nl;
	size_t n = 0;
	uint32_t ip = 0;
	int r;

	if (lock < 0)
		return lite_err_sys(err, -lock, "lock leases in %s", dir);
	r = load(dir, &l, &n);
	if (r < 0)
		return lite_err_sys(err, -r, "read leases in %s", dir);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(l[i].owner, owner) == 0 && (!want || want == l[i].ip)) {
			*ret_ip = l[i].ip;
			return 0;
		}
	}
	r = choose(dir, subnet, gateway, want, l, n, &ip, err);
	if (r < 0)
		return r;
	nl = realloc(l, (n + 1) * sizeof(*l));
	if (!nl)
		return lite_err_set(err, ENOMEM, "out of memory");
	l = nl;
	l[n].ip = ip;
	snprintf(l[n].owner, sizeof(l[n].owner), "%s", owner);
	qsort(l, n + 1, sizeof(*l), lease_cmp);
	r = store(dir, l, n + 1);
	if (r < 0)
		return lite_err_sys(err, -r, "write leases in %s", dir);
	*ret_ip = ip;
	return 0;
}

/* Drop the leases keep() rejects, under the lock; returns how many. */
static int
filter(const char *dir, bool (*keep)(const struct ipam_lease *l, void *arg), void *arg)
{
	_cleanup_close_ int lock = lock_dir(dir);
	_cleanup_free_ struct ipam_lease *l = NULL;
	size_t n = 0, m = 0;
	int r;

	if (lock < 0)
		return lock;
	r = load(dir, &l, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (keep(&l[i], arg))
			l[m++] = l[i];
	if (m == n)
		return 0;
	r = store(dir, l, m);
	return r < 0 ? r : (int)(n - m);
}

static bool
not_owner(const struct ipam_lease *l, void *arg)
{
	return strcmp(l->owner, arg) != 0;
}

int
ipam_release(const char *dir, const char *owner)
{
	int r = filter(dir, not_owner, (void *)owner);

	return r < 0 ? r : 0;
}

struct keep_ctx {
	bool (*keep)(const char *owner, void *arg);
	void *arg;
};

static bool
keep_owner(const struct ipam_lease *l, void *arg)
{
	struct keep_ctx *k = arg;

	return k->keep(l->owner, k->arg);
}

int
ipam_reconcile(const char *dir, bool (*keep)(const char *owner, void *arg), void *arg)
{
	struct keep_ctx k = { keep, arg };

	return filter(dir, keep_owner, &k);
}

int
ipam_list(const char *dir, struct ipam_lease **ret, size_t *ret_n)
{
	_cleanup_close_ int lock = lock_dir(dir);

	if (lock < 0)
		return lock;
	return load(dir, ret, ret_n);
}
