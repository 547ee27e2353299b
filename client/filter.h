/* --filter KEY=VALUE for ps, images, volume ls, network ls and the prune
 * commands (filter.c): parsing against a command's keys and Docker's rule
 * for combining them. Pure, unit-tested in tests/unit/test-filter.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FILTER_MAX 32

struct filter {
	char key[24];
	bool negate;        /* label!=... (prune) */
	const char *value;  /* points into the spec string */
};

struct filter_set {
	struct filter f[FILTER_MAX];
	size_t n;
};

/* Add "key=value" (or "key!=value" where the key allows it); keys is a
 * NULL-terminated list of the command's keys, a "!" suffix marking one that
 * may be negated ("label!"). -1 with a one-line message in err. */
int filter_add(struct filter_set *s, const char *spec, const char *const *keys, char *err, size_t errlen);
bool filter_has(const struct filter_set *s, const char *key);
/* The first value of key, or NULL. */
const char *filter_get(const struct filter_set *s, const char *key);
/* Docker's rule: values of one key are ORed, different keys ANDed; label
 * values are all ANDed. match(key, value, ctx) decides one value (the
 * negation is applied here). */
typedef bool (*filter_match_fn)(const char *key, const char *value, void *ctx);
bool filter_match(const struct filter_set *s, filter_match_fn match, void *ctx);
/* label=KEY or label=KEY=VALUE against an object of labels. */
bool filter_label(json_t *labels, const char *spec);
/* A shell glob (fnmatch) as Docker's reference filter. */
bool filter_glob(const char *pattern, const char *s);
/* "true"/"1" or "false"/"0" (dangling=...); -1 for anything else. */
int filter_bool(const char *value, bool *ret);
/* Docker's until=/since= times: UNIX seconds, a duration before now
 * ("10m", "1h30m") or RFC 3339 ("2024-01-02T15:04:05Z", a date alone too).
 * -1 for anything else. */
int filter_time(const char *value, int64_t now, int64_t *ret);
/* "80", "80/udp" or "8000-8010[/tcp]" against port/proto. -1 when the
 * spec is not a port. */
int filter_port(const char *spec, int port, const char *proto);
