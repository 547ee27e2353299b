/* Shared limits blocks (limits-pool.h): a hash table of counted copies,
 * compared byte for byte once written in a canonical form (every byte not
 * given by a field is zero, so equal limits are equal memory). */
#include "limits-pool.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define POOL_BUCKETS 64

struct pool_block {
	struct cgroup_limits limits; /* first: the pointer handed out is the block's */
	struct pool_block *next;
	uint32_t hash;
	unsigned refs;
};

const struct cgroup_limits limits_pool_none;
static struct pool_block *buckets[POOL_BUCKETS];
static unsigned n_blocks;

/* Into a zeroed dst: the bytes after the string stay zero. */
static void
copy_string(char *dst, const char *src, size_t size)
{
	memcpy(dst, src, strnlen(src, size - 1));
}

/* l's fields into a zeroed out, so padding and the bytes after each
 * string's end hold nothing but zeros. */
static void
canonical(const struct cgroup_limits *l, struct cgroup_limits *out)
{
	memset(out, 0, sizeof(*out));
	out->memory_bytes = l->memory_bytes;
	out->memory_swap_bytes = l->memory_swap_bytes;
	out->millicpus = l->millicpus;
	out->cpu_shares = l->cpu_shares;
	out->pids_limit = l->pids_limit;
	copy_string(out->cpuset_cpus, l->cpuset_cpus, sizeof(out->cpuset_cpus));
	copy_string(out->cpuset_mems, l->cpuset_mems, sizeof(out->cpuset_mems));
	out->memory_reservation = l->memory_reservation;
	out->blkio_weight = l->blkio_weight;
	copy_string(out->device_read_bps, l->device_read_bps, sizeof(out->device_read_bps));
	out->devices_allow_all = l->devices_allow_all;
	out->n_devices = l->n_devices < CGROUP_LIMITS_MAX_DEVICES ? l->n_devices : CGROUP_LIMITS_MAX_DEVICES;
	for (unsigned i = 0; i < out->n_devices; i++) {
		out->devices[i].type = l->devices[i].type;
		out->devices[i].major = l->devices[i].major;
		out->devices[i].minor = l->devices[i].minor;
		out->devices[i].access = l->devices[i].access;
	}
}

/* FNV-1a over the canonical bytes. */
static uint32_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

const struct cgroup_limits *
limits_pool_get(const struct cgroup_limits *l)
{
	struct cgroup_limits want;
	struct pool_block *b;
	uint32_t h;

	canonical(l, &want);
	h = hash_bytes(&want, sizeof(want));
	for (b = buckets[h % POOL_BUCKETS]; b; b = b->next)
		if (b->hash == h && memcmp(&b->limits, &want, sizeof(want)) == 0) {
			b->refs++;
			return &b->limits;
		}
	b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	memcpy(&b->limits, &want, sizeof(want)); /* padding too: memcmp compares it */
	b->hash = h;
	b->refs = 1;
	b->next = buckets[h % POOL_BUCKETS];
	buckets[h % POOL_BUCKETS] = b;
	n_blocks++;
	return &b->limits;
}

void
limits_pool_put(const struct cgroup_limits *l)
{
	struct pool_block *b, **pp;

	if (!l || l == &limits_pool_none)
		return;
	b = (struct pool_block *)((const char *)l - offsetof(struct pool_block, limits));
	if (--b->refs > 0)
		return;
	for (pp = &buckets[b->hash % POOL_BUCKETS]; *pp; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	n_blocks--;
	free(b);
}

unsigned
limits_pool_count(void)
{
	return n_blocks;
}
