/* Subordinate id ranges: parsing, overlap, allocation, id shifting. Pure
 * code (see subid.h). */
#include "subid.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line "OWNER:START:COUNT"; owner copied into owner (len bytes). */
static bool
parse_line(const char *line, size_t linelen, char *owner, size_t len, struct subid_range *ret)
{
	char buf[512], *colon, *end;
	unsigned long long start, count;

	if (linelen == 0 || linelen >= sizeof(buf) || line[0] == '#')
		return false;
	memcpy(buf, line, linelen);
	buf[linelen] = '\0';
	colon = strchr(buf, ':');
	if (!colon || colon == buf || (size_t)(colon - buf) >= len)
		return false;
	*colon = '\0';
	errno = 0;
	start = strtoull(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end != ':')
		return false;
	count = strtoull(end + 1, &end, 10);
	if (errno || *end != '\0' || count == 0 || start > UINT32_MAX || count > UINT32_MAX - start + 1ULL)
		return false;
	snprintf(owner, len, "%s", buf);
	*ret = (struct subid_range){ .start = (uint32_t)start, .count = (uint32_t)count };
	return true;
}

/* Call fn for each well-formed line; stops when fn returns non-zero. */
static int
each_line(const char *text, int (*fn)(const char *owner, const struct subid_range *r, void *arg), void *arg)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct subid_range r;
		char owner[256];
		int ret;

		if (parse_line(p, n, owner, sizeof(owner), &r) && (ret = fn(owner, &r, arg)) != 0)
			return ret;
		p = nl ? nl + 1 : p + n;
	}
	return 0;
}

struct find_ctx {
	const char *name;
	char uid[16];
	uint32_t min;
	struct subid_range *ret;
};

static int
find_one(const char *owner, const struct subid_range *r, void *arg)
{
	struct find_ctx *f = arg;

	if ((!(f->name && strcmp(owner, f->name) == 0) && strcmp(owner, f->uid) != 0) || r->count < f->min)
		return 0;
	*f->ret = *r;
	return 1;
}

int
subid_find(const char *text, const char *name, uid_t uid, uint32_t min, struct subid_range *ret)
{
	struct find_ctx f = { .name = name, .min = min, .ret = ret };

	snprintf(f.uid, sizeof(f.uid), "%u", (unsigned)uid);
	return each_line(text, find_one, &f);
}

struct all_ctx {
	struct subid_range **ranges;
	size_t *n;
};

static int
add_one(const char *owner, const struct subid_range *r, void *arg)
{
	struct all_ctx *a = arg;
	struct subid_range *more = realloc(*a->ranges, (*a->n + 1) * sizeof(*more));

	(void)owner;
	if (!more)
		return -ENOMEM;
	more[(*a->n)++] = *r;
	*a->ranges = more;
	return 0;
}

int
subid_parse_all(const char *text, struct subid_range **ranges, size_t *n)
{
	struct all_ctx a = { .ranges = ranges, .n = n };

	return each_line(text, add_one, &a);
}

bool
subid_overlap(const struct subid_range *a, const struct subid_range *b)
{
	uint64_t a_end = (uint64_t)a->start + a->count, b_end = (uint64_t)b->start + b->count;

	return a->start < b_end && b->start < a_end;
}

int
subid_alloc(const struct subid_range *pool, uint32_t size, const struct subid_range *taken, size_t n,
	    uint32_t *ret_start)
{
	uint64_t end = (uint64_t)pool->start + pool->count;

	for (uint64_t s = pool->start; s + size <= end;) {
		struct subid_range cand = { .start = (uint32_t)s, .count = size };
		uint64_t next = s + size;
		bool clash = false;

		for (size_t i = 0; i < n; i++)
			if (subid_overlap(&cand, &taken[i])) {
				clash = true;
				/* skip past the clash, keeping blocks aligned to size */
				uint64_t t_end = (uint64_t)taken[i].start + taken[i].count;
				if (t_end > next)
					next = pool->start + (t_end - pool->start + size - 1) / size * size;
			}
		if (!clash) {
			*ret_start = cand.start;
			return 0;
		}
		s = next;
	}
	return -ENOSPC;
}

int
subid_parse_pool(const char *s, struct subid_range *ret)
{
	char owner[2], line[80];

	/* the same syntax as a subuid line without its owner */
	if (!s || s[0] == ':' || strlen(s) > 64)
		return -EINVAL;
	snprintf(line, sizeof(line), "x:%s", s);
	return parse_line(line, strlen(line), owner, sizeof(owner), ret) ? 0 : -EINVAL;
}

uint32_t
subid_to_ctr(uint32_t host, uint32_t base, uint32_t size)
{
	return host >= base && host - base < size ? host - base : SUBID_OVERFLOW;
}

uint32_t
subid_to_host(uint32_t ctr, uint32_t base, uint32_t size)
{
	return ctr < size ? base + ctr : UINT32_MAX;
}
