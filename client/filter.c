/* --filter KEY=VALUE: parse against a command's keys and combine them as
 * Docker does. What a key means for a row is the command's match function
 * (ps-filter.c for ps, the list commands' own for the rest). */
#include "filter.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"

static bool
key_allowed(const char *const *keys, const char *key, bool negate)
{
	for (; *keys; keys++) {
		size_t n = strlen(*keys);
		bool neg_ok = n && (*keys)[n - 1] == '!';

		if (strlen(key) == n - neg_ok && !strncmp(*keys, key, n - neg_ok))
			return !negate || neg_ok;
	}
	return false;
}

int
filter_add(struct filter_set *s, const char *spec, const char *const *keys, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	bool negate = eq && eq > spec && eq[-1] == '!';
	size_t klen = eq ? (size_t)(eq - spec) - negate : 0;
	struct filter *f;

	if (!eq || !klen || klen >= sizeof(f->key)) {
		snprintf(err, errlen, "invalid --filter \"%s\": expected KEY=VALUE", spec);
		return -1;
	}
	if (s->n >= FILTER_MAX) {
		snprintf(err, errlen, "too many --filter flags (at most %d)", FILTER_MAX);
		return -1;
	}
	f = &s->f[s->n];
	snprintf(f->key, sizeof(f->key), "%.*s", (int)klen, spec);
	if (!key_allowed(keys, f->key, negate)) {
		size_t off = (size_t)snprintf(err, errlen, "invalid --filter \"%s\": unknown key \"%s%s\"; use one of", spec,
					      f->key, negate ? "!" : "");

		for (const char *const *k = keys; *k && off < errlen; k++)
			off += (size_t)snprintf(err + off, errlen - off, "%s %.*s", k == keys ? "" : ",",
						(int)(strlen(*k) - ((*k)[strlen(*k) - 1] == '!')), *k);
		return -1;
	}
	f->negate = negate;
	f->value = eq + 1;
	s->n++;
	return 0;
}

const char *
filter_get(const struct filter_set *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->f[i].key, key))
			return s->f[i].value;
	return NULL;
}

bool
filter_has(const struct filter_set *s, const char *key)
{
	return filter_get(s, key) != NULL;
}

bool
filter_match(const struct filter_set *s, filter_match_fn match, void *ctx)
{
	for (size_t i = 0; i < s->n; i++) {
		bool seen = false, any = false, and_all = !strcmp(s->f[i].key, "label");

		for (size_t j = 0; j < i; j++)
			seen |= !strcmp(s->f[j].key, s->f[i].key);
		if (seen)
			continue; /* this key's group was decided at its first value */
		for (size_t j = i; j < s->n; j++) {
			bool m;

			if (strcmp(s->f[j].key, s->f[i].key))
				continue;
			m = match(s->f[j].key, s->f[j].value, ctx) != s->f[j].negate;
			if (and_all && !m)
				return false;
			any |= m;
		}
		if (!any)
			return false;
	}
	return true;
}

bool
filter_label(json_t *labels, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char key[256];
	json_t *v;

	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - spec) : (int)strlen(spec), spec);
	v = json_object_get(labels, key);
	return v && (!eq || !strcmp(json_string_value(v) ?: "", eq + 1));
}

bool
filter_glob(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}

int
filter_bool(const char *value, bool *ret)
{
	if (!strcmp(value, "true") || !strcmp(value, "1"))
		return *ret = true, 0;
	if (!strcmp(value, "false") || !strcmp(value, "0"))
		return *ret = false, 0;
	return -1;
}

int
filter_time(const char *value, int64_t now, int64_t *ret)
{
	struct tm tm = { 0 };
	int64_t ns;
	char *end;
	long long v;

	if (!*value)
		return -1;
	v = strtoll(value, &end, 10);
	if (!*end && v >= 0)
		return *ret = v, 0;
	if (duration_parse(value, &ns) == 0)
		return *ret = now - ns / 1000000000, 0;
	end = strptime(value, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		end = strptime(value, "%Y-%m-%d", &tm);
	if (!end || (*end && strcmp(end, "Z")))
		return -1;
	*ret = (int64_t)timegm(&tm);
	return 0;
}

int
filter_port(const char *spec, int port, const char *proto)
{
	const char *slash = strchr(spec, '/');
	char *end;
	long lo, hi;

	lo = strtol(spec, &end, 10);
	hi = lo;
	if (*end == '-')
		hi = strtol(end + 1, &end, 10);
	if (end == spec || (*end && end != slash) || lo < 1 || hi < lo || hi > 65535)
		return -1;
	if (strcmp(slash ? slash + 1 : "tcp", proto ? proto : "tcp"))
		return 0;
	return port >= lo && port <= hi;
}
