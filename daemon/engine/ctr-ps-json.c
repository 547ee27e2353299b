/* ps's reply written straight as JSON text: one object per container into
 * a growing buffer, without building a jansson tree per container and
 * dumping it (at 1,000 containers the tree's ~25,000 small allocations
 * and their frees were most of a ps). Pure: unit-tested against jansson's
 * own parse (tests/unit/test-ctr-ps-json.c). Strings come from JSON
 * (requests, state.json): valid UTF-8, so only '"', '\\' and control
 * characters need escaping. The "rows" form (lite ps's table) is plainer
 * still: a line of tab-separated fields per container, which the client
 * splits without a JSON parse (at 1,000 containers jansson's parse of the
 * objects was most of the client's time). */
#include "ctr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
reserve(struct ctr_ps_json *b, size_t more)
{
	char *n;
	size_t cap;

	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	n = realloc(b->buf, cap);
	if (!n) {
		b->failed = true;
		return false;
	}
	b->buf = n;
	b->cap = cap;
	return true;
}

static void
raw(struct ctr_ps_json *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void
str(struct ctr_ps_json *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *o;

	if (!reserve(b, 6 * n + 2)) /* worst case: every byte as \u00XX */
		return;
	o = b->buf + b->len;
	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p;
		} else if (*p < 0x20) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[*p >> 4];
			o[5] = hex[*p & 15];
			o += 6;
		} else
			*o++ = (char)*p;
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->buf);
}

static void
key_str(struct ctr_ps_json *b, const char *key, const char *v)
{
	raw(b, key, strlen(key));
	str(b, v);
}

static void
key_int(struct ctr_ps_json *b, const char *key, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);

	raw(b, key, strlen(key));
	raw(b, num, (size_t)n);
}

void
ctr_ps_json_begin(struct ctr_ps_json *b, size_t hint)
{
	*b = (struct ctr_ps_json){ 0 };
	(void)reserve(b, hint * 400);
	raw(b, "[", 1);
}

/* Keys computed elsewhere (ports, the filters' details), as JSON text. */
static void
add_extra(struct ctr_ps_json *b, json_t *extra)
{
	const char *k;
	json_t *v;

	json_object_foreach(extra, k, v) {
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		if (!t) {
			b->failed = true;
			return;
		}
		raw(b, ",", 1);
		str(b, k);
		raw(b, ":", 1);
		raw(b, t, strlen(t));
		free(t);
	}
}

void
ctr_ps_json_add(struct ctr_ps_json *b, const struct ctr *c, int64_t now, int64_t size_rw, json_t *extra)
{
	char status[96];

	ctr_state_status_text(c, now, status, sizeof(status));
	if (b->n++)
		raw(b, ",", 1);
	raw(b, "{", 1);
	key_str(b, "\"id\":", c->spec.id);
	key_str(b, ",\"name\":", c->spec.name);
	key_str(b, ",\"image\":", c->spec.image);
	key_str(b, ",\"image_id\":", c->spec.image_id);
	raw(b, ",\"command\":[", 12);
	for (char **a = c->spec.cmd; a && *a; a++) {
		if (a != c->spec.cmd)
			raw(b, ",", 1);
		str(b, *a);
	}
	raw(b, "]", 1);
	key_int(b, ",\"created\":", c->spec.created);
	key_str(b, ",\"state\":", ctr_state_name(c));
	key_str(b, ",\"status\":", status);
	key_int(b, ",\"exit_code\":", c->rt.exit_code);
	raw(b, c->rt.oom_killed ? ",\"oom_killed\":true" : ",\"oom_killed\":false", c->rt.oom_killed ? 18 : 19);
	key_int(b, ",\"owner_uid\":", (int64_t)c->spec.owner_uid);
	if (size_rw >= 0)
		key_int(b, ",\"size_rw\":", size_rw);
	add_extra(b, extra);
	raw(b, "}", 1);
}

char *
ctr_ps_json_end(struct ctr_ps_json *b, size_t *len)
{
	char *out;

	raw(b, "]", 1);
	if (b->failed) {
		free(b->buf);
		*b = (struct ctr_ps_json){ 0 };
		return NULL;
	}
	out = b->buf;
	*len = b->len;
	*b = (struct ctr_ps_json){ 0 };
	return out;
}

/* A row field: control characters (tabs, newlines) as spaces, so that
 * tabs and newlines only ever delimit. */
static void
field(struct ctr_ps_json *b, const char *s)
{
	size_t n = strlen(s);
	char *o;

	if (!reserve(b, n + 1))
		return;
	o = b->buf + b->len;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		*o++ = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
	*o = '\0';
	b->len = (size_t)(o - b->buf);
}

void
ctr_ps_json_rows_begin(struct ctr_ps_json *b, size_t hint)
{
	*b = (struct ctr_ps_json){ 0 };
	(void)reserve(b, hint * 160);
}

void
ctr_ps_json_add_row(struct ctr_ps_json *b, const struct ctr *c, int64_t now, const char *ports)
{
	char status[96], num[24];

	ctr_state_status_text(c, now, status, sizeof(status));
	b->n++;
	field(b, c->spec.id);
	raw(b, "\t", 1);
	field(b, c->spec.name);
	raw(b, "\t", 1);
	field(b, c->spec.image);
	raw(b, "\t", 1);
	for (char **a = c->spec.cmd; a && *a; a++) {
		if (a != c->spec.cmd)
			raw(b, " ", 1);
		field(b, *a);
	}
	raw(b, num, (size_t)snprintf(num, sizeof(num), "\t%" PRId64 "\t", c->spec.created));
	field(b, ctr_state_name(c));
	raw(b, "\t", 1);
	field(b, status);
	raw(b, "\t", 1);
	field(b, ports);
	raw(b, "\n", 1);
}

char *
ctr_ps_json_rows_end(struct ctr_ps_json *b, size_t *len)
{
	char *out;

	if (b->failed || !b->buf) {
		bool failed = b->failed;

		free(b->buf);
		*b = (struct ctr_ps_json){ 0 };
		*len = 0;
		return failed ? NULL : strdup("");
	}
	out = b->buf;
	*len = b->len;
	*b = (struct ctr_ps_json){ 0 };
	return out;
}
