/* Subordinate id ranges (issue 11 A1): /etc/subuid and /etc/subgid lines,
 * the automatic pool's allocation, and shifting ids between a user
 * namespace and the host. Pure code, linked by the engine (lite-image shifts
 * ids itself, in image-tar.c and cp-tar.c), unit-tested in
 * tests/unit/test-subid.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SUBID_SIZE 65536u          /* ids per container user namespace */
#define SUBID_OVERFLOW 65534u      /* what an unmapped id reads as */

struct subid_range {
	uint32_t start, count;
};

/* The first "NAME-or-UID:START:COUNT" line of text for this user with at
 * least min ids. 1 found, 0 none; malformed lines are skipped (as shadow's
 * tools do). */
int subid_find(const char *text, const char *name, uid_t uid, uint32_t min, struct subid_range *ret);
/* Every well-formed range of text, appended to *ranges (realloc'd).
 * -ENOMEM on failure. */
int subid_parse_all(const char *text, struct subid_range **ranges, size_t *n);
bool subid_overlap(const struct subid_range *a, const struct subid_range *b);
/* The lowest block of size ids in pool that overlaps none of taken.
 * 0 with *ret_start, -ENOSPC when the pool is full. */
int subid_alloc(const struct subid_range *pool, uint32_t size, const struct subid_range *taken, size_t n,
		uint32_t *ret_start);
/* "START:COUNT" (daemon.json userns-auto-pool); -EINVAL if malformed. */
int subid_parse_pool(const char *s, struct subid_range *ret);
/* Host id -> container id (outside the range: SUBID_OVERFLOW), and back
 * (outside 0..size-1: -1 as uint32_t, the caller refuses it). */
uint32_t subid_to_ctr(uint32_t host, uint32_t base, uint32_t size);
uint32_t subid_to_host(uint32_t ctr, uint32_t base, uint32_t size);
