/* The wire protocol: newline-delimited JSON-RPC 2.0 shaped messages (the
 * stdio frames that may follow a reply are frame.h). Pure code: no system
 * calls. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_MAX_LINE (1024 * 1024) /* a request line longer than this is refused */

enum proto_method {
#define METHOD(name, streams, mutates, summary) PROTO_M_##name,
#define PARAM(m, f, t, r)
#include "methods.def"
#undef METHOD
#undef PARAM
	PROTO_M_MAX
};

enum proto_type { PT_STR, PT_INT, PT_BOOL, PT_STRV, PT_SIZE, PT_CPUS, PT_SIGNAL, PT_OBJ, PT_MAX };

/* JSON-RPC error codes, and the engine's range. */
enum {
	PROTO_E_PARSE = -32700,
	PROTO_E_INVALID_REQUEST = -32600,
	PROTO_E_NO_METHOD = -32601,
	PROTO_E_INVALID_PARAMS = -32602,
	PROTO_E_INTERNAL = -32603,
	PROTO_E_ENGINE = -32000,
};

/* Stable data.kind strings, so scripts need not parse messages. */
#define PROTO_KIND_PARSE "parse_error"
#define PROTO_KIND_INVALID "invalid"
#define PROTO_KIND_NO_METHOD "unknown_method"
#define PROTO_KIND_NOT_FOUND "not_found"
#define PROTO_KIND_CONFLICT "conflict"
#define PROTO_KIND_TOO_LARGE "too_large"
#define PROTO_KIND_PERMISSION "permission"
#define PROTO_KIND_INTERNAL "internal"
/* the daemon's limits (daemon.json): a connection refused, an idle one
 * closed, a per-user quota reached */
#define PROTO_KIND_TOO_MANY_CONNECTIONS "too_many_connections"
#define PROTO_KIND_TIMEOUT "timeout"
#define PROTO_KIND_LIMIT "limit"

struct proto_error {
	int code;
	char kind[32];
	char message[512];
};

struct proto_request {
	json_t *id;      /* borrowed from root; may be NULL (a notification) */
	enum proto_method method;
	json_t *params;  /* borrowed; an empty object when absent */
	json_t *root;    /* owns everything */
};

struct proto_param {
	enum proto_method method;
	const char *field;
	enum proto_type type;
	bool required;
};

const char *proto_method_name(enum proto_method m);
const char *proto_method_summary(enum proto_method m);
bool proto_method_streams(enum proto_method m);
/* The method changes state: the daemon audits it. */
bool proto_method_mutates(enum proto_method m);
/* -1 when name is not a method. */
int proto_method_lookup(const char *name);
/* The whole param table and its length, for docs tests. */
const struct proto_param *proto_params(size_t *ret_n);

/* Parse and validate one request line (without its '\n'). On failure err
 * is filled and, where the id could be read, *ret_id holds a new reference
 * to it for the error reply (else NULL). */
int proto_request_parse(const char *line, size_t len, struct proto_request *ret,
			json_t **ret_id, struct proto_error *err);
void proto_request_release(struct proto_request *req);

/* Check params against the method's table: required fields, types, and no
 * unknown fields. */
int proto_params_validate(enum proto_method m, json_t *params, struct proto_error *err);

/* Replace bytes that are not valid UTF-8 with '?', in place. */
void proto_utf8_sanitize(char *s);

/* Response lines: heap strings ending in '\n'. result is stolen. */
char *proto_result_line(json_t *id, json_t *result);
char *proto_error_line(json_t *id, const struct proto_error *err);
void proto_error_set(struct proto_error *err, int code, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Param accessors for validated params (absent → default). */
const char *proto_get_str(json_t *params, const char *field, const char *def);
long long proto_get_int(json_t *params, const char *field, long long def);
bool proto_get_bool(json_t *params, const char *field, bool def);

/* Parse a SIZE, CPUS or SIGNAL param (already type-checked). */
int proto_get_size(json_t *params, const char *field, uint64_t *ret_bytes);
int proto_get_cpus(json_t *params, const char *field, uint64_t *ret_millicpus);
int proto_get_signal(json_t *params, const char *field, int *ret_sig);
