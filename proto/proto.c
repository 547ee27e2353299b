/* Request parsing and validation, response encoding, and stream frames. */
#include "proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static const struct {
	const char *name;
	bool streams;
	bool mutates;
	const char *summary;
} methods[PROTO_M_MAX] = {
#define METHOD(n, s, mut, sum) [PROTO_M_##n] = { #n, s, mut, sum },
#define PARAM(m, f, t, r)
#include "methods.def"
#undef METHOD
#undef PARAM
};

static const struct proto_param params_table[] = {
#define METHOD(n, s, mut, sum)
#define PARAM(m, f, t, r) { PROTO_M_##m, #f, PT_##t, r },
#include "methods.def"
#undef METHOD
#undef PARAM
};

static const char *type_names[PT_MAX] = {
	[PT_STR] = "a string", [PT_INT] = "an integer", [PT_BOOL] = "a boolean",
	[PT_STRV] = "an array of strings", [PT_SIZE] = "a size (integer or \"512m\")",
	[PT_CPUS] = "a CPU count (number or \"0.5\")", [PT_SIGNAL] = "a signal (number or name)",
	[PT_OBJ] = "an object",
};

const char *
proto_method_name(enum proto_method m)
{
	return m < PROTO_M_MAX ? methods[m].name : NULL;
}

const char *
proto_method_summary(enum proto_method m)
{
	return m < PROTO_M_MAX ? methods[m].summary : NULL;
}

bool
proto_method_streams(enum proto_method m)
{
	return m < PROTO_M_MAX && methods[m].streams;
}

bool
proto_method_mutates(enum proto_method m)
{
	return m < PROTO_M_MAX && methods[m].mutates;
}

int
proto_method_lookup(const char *name)
{
	for (int i = 0; i < PROTO_M_MAX; i++)
		if (strcmp(methods[i].name, name) == 0)
			return i;
	return -1;
}

const struct proto_param *
proto_params(size_t *ret_n)
{
	*ret_n = sizeof(params_table) / sizeof(params_table[0]);
	return params_table;
}

/* Length of the valid UTF-8 sequence at s, or 0: RFC 3629's table, which
 * jansson enforces too (no overlong forms, no surrogates, nothing past
 * U+10FFFF), so that a scrubbed message always makes a JSON string. */
static size_t
utf8_seq_len(const unsigned char *s)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */

	if (s[0] == 0xc0 || s[0] == 0xc1 || s[0] > 0xf4)
		return 0;
	if (s[0] == 0xe0 || s[0] == 0xf0)
		lo = s[0] == 0xe0 ? 0xa0 : 0x90;
	if (s[0] == 0xed || s[0] == 0xf4)
		hi = s[0] == 0xed ? 0x9f : 0x8f;
	if (n > 1 && (s[1] < lo || s[1] > hi))
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void
proto_utf8_sanitize(char *s)
{
	while (*s) {
		size_t n = utf8_seq_len((unsigned char *)s);
		if (n == 0) {
			*s++ = '?'; /* a message cut mid-character, or bad input echoed */
			continue;
		}
		s += n;
	}
}

void
proto_error_set(struct proto_error *err, int code, const char *kind, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	snprintf(err->kind, sizeof(err->kind), "%s", kind);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	proto_utf8_sanitize(err->message);
}

static bool
type_matches(enum proto_type t, json_t *v)
{
	size_t i;
	json_t *e;

	switch (t) {
	case PT_STR:
		return json_is_string(v);
	case PT_INT:
		return json_is_integer(v);
	case PT_BOOL:
		return json_is_boolean(v);
	case PT_STRV:
		if (!json_is_array(v))
			return false;
		json_array_foreach(v, i, e)
			if (!json_is_string(e))
				return false;
		return true;
	case PT_SIZE:
	case PT_SIGNAL:
		return json_is_integer(v) || json_is_string(v);
	case PT_CPUS:
		return json_is_number(v) || json_is_string(v);
	case PT_OBJ:
		return json_is_object(v);
	default:
		return false;
	}
}

/* create takes exactly run's params (so a flag added to run works for
 * create too); run's attach, pass_fd and the like are ignored there. */
static enum proto_method
params_of(enum proto_method m)
{
	return m == PROTO_M_create ? PROTO_M_run : m;
}

static const struct proto_param *
param_find(enum proto_method m, const char *field)
{
	m = params_of(m);
	for (size_t i = 0; i < sizeof(params_table) / sizeof(params_table[0]); i++)
		if (params_table[i].method == m && strcmp(params_table[i].field, field) == 0)
			return &params_table[i];
	return NULL;
}

int
proto_params_validate(enum proto_method m, json_t *params, struct proto_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(params, key, v) {
		const struct proto_param *p = param_find(m, key);
		if (!p) {
			proto_error_set(err, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
					"unknown param '%s' for method '%s'", key, methods[m].name);
			return -EINVAL;
		}
		if (!type_matches(p->type, v)) {
			proto_error_set(err, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
					"param '%s' of '%s' must be %s", key, methods[m].name,
					type_names[p->type]);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < sizeof(params_table) / sizeof(params_table[0]); i++) {
		const struct proto_param *p = &params_table[i];
		if (p->method == params_of(m) && p->required && !json_object_get(params, p->field)) {
			proto_error_set(err, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
					"missing param '%s' for method '%s'", p->field, methods[m].name);
			return -EINVAL;
		}
	}
	return 0;
}

static int
request_envelope(json_t *root, struct proto_request *ret, struct proto_error *err)
{
	json_t *method, *params, *version;
	const char *key;
	json_t *v;
	int m;

	json_object_foreach(root, key, v) {
		if (strcmp(key, "id") && strcmp(key, "method") && strcmp(key, "params") &&
		    strcmp(key, "jsonrpc")) {
			proto_error_set(err, PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID,
					"unknown request member '%s'", key);
			return -EINVAL;
		}
	}
	version = json_object_get(root, "jsonrpc");
	if (version && !(json_is_string(version) && strcmp(json_string_value(version), "2.0") == 0)) {
		proto_error_set(err, PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "\"jsonrpc\" must be \"2.0\"");
		return -EINVAL;
	}
	method = json_object_get(root, "method");
	if (!json_is_string(method)) {
		proto_error_set(err, PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "\"method\" must be a string");
		return -EINVAL;
	}
	m = proto_method_lookup(json_string_value(method));
	if (m < 0) {
		proto_error_set(err, PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD, "unknown method '%.64s'",
				json_string_value(method));
		return -ENOENT;
	}
	params = json_object_get(root, "params");
	if (params && !json_is_object(params)) {
		proto_error_set(err, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "\"params\" must be an object");
		return -EINVAL;
	}
	if (!params) {
		params = json_object();
		json_object_set_new(root, "params", params);
	}
	ret->method = (enum proto_method)m;
	ret->params = params;
	return proto_params_validate(ret->method, params, err);
}

int
proto_request_parse(const char *line, size_t len, struct proto_request *ret,
		    json_t **ret_id, struct proto_error *err)
{
	json_error_t jerr;
	json_t *root, *id;
	int r;

	*ret_id = NULL;
	if (len > PROTO_MAX_LINE) {
		proto_error_set(err, PROTO_E_INVALID_REQUEST, PROTO_KIND_TOO_LARGE,
				"request line longer than %d bytes", PROTO_MAX_LINE);
		return -E2BIG;
	}
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		proto_error_set(err, PROTO_E_PARSE, PROTO_KIND_PARSE, "malformed JSON: %s", jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		proto_error_set(err, PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "request must be a JSON object");
		return -EINVAL;
	}
	id = json_object_get(root, "id");
	if (id && !(json_is_integer(id) || json_is_string(id) || json_is_null(id))) {
		json_decref(root);
		proto_error_set(err, PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "\"id\" must be a number or a string");
		return -EINVAL;
	}
	r = request_envelope(root, ret, err);
	if (r < 0) {
		*ret_id = json_incref(id);
		json_decref(root);
		return r;
	}
	ret->id = id;
	ret->root = root;
	return 0;
}

void
proto_request_release(struct proto_request *req)
{
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}

static char *
dump_line(json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	char *line;
	size_t n;

	json_decref(msg);
	if (!s)
		return NULL;
	n = strlen(s);
	line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

char *
proto_result_line(json_t *id, json_t *result)
{
	json_t *msg = json_pack("{s:s, s:O?, s:o}", "jsonrpc", "2.0", "id", id,
				"result", result ? result : json_object());

	return msg ? dump_line(msg) : NULL;
}

char *
proto_error_line(json_t *id, const struct proto_error *err)
{
	char message[sizeof(err->message)];
	json_t *msg;

	snprintf(message, sizeof(message), "%s", err->message);
	proto_utf8_sanitize(message);
	msg = json_pack("{s:s, s:O?, s:{s:i, s:s, s:{s:s}}}", "jsonrpc", "2.0", "id", id,
			"error", "code", err->code, "message", message, "data", "kind", err->kind);

	return msg ? dump_line(msg) : NULL;
}

const char *
proto_get_str(json_t *params, const char *field, const char *def)
{
	json_t *v = json_object_get(params, field);

	return json_is_string(v) ? json_string_value(v) : def;
}

long long
proto_get_int(json_t *params, const char *field, long long def)
{
	json_t *v = json_object_get(params, field);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

bool
proto_get_bool(json_t *params, const char *field, bool def)
{
	json_t *v = json_object_get(params, field);

	return json_is_boolean(v) ? json_is_true(v) : def;
}

int
proto_get_size(json_t *params, const char *field, uint64_t *ret_bytes)
{
	json_t *v = json_object_get(params, field);

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -ERANGE;
		*ret_bytes = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v))
		return parse_size(json_string_value(v), ret_bytes);
	return -ENOENT;
}

int
proto_get_cpus(json_t *params, const char *field, uint64_t *ret_millicpus)
{
	json_t *v = json_object_get(params, field);
	char buf[64];

	if (json_is_string(v))
		return parse_cpus(json_string_value(v), ret_millicpus);
	if (!json_is_number(v))
		return -ENOENT;
	if (json_number_value(v) <= 0 || json_number_value(v) > 1e6)
		return -ERANGE;
	snprintf(buf, sizeof(buf), "%.3f", json_number_value(v));
	return parse_cpus(buf, ret_millicpus);
}

int
proto_get_signal(json_t *params, const char *field, int *ret_sig)
{
	json_t *v = json_object_get(params, field);

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 64)
			return -EINVAL;
		*ret_sig = (int)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v))
		return parse_signal(json_string_value(v), ret_sig);
	return -ENOENT;
}
