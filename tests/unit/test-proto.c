/* Unit tests of the wire protocol in proto/proto.c: request parsing and
 * validation against methods.def, reply lines, param accessors, stdio
 * frames, and that proto/PROTOCOL.md documents every method and param. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "frame.h"
#include "proto.h"

/* Parse line; on success the caller releases req. */
static int
parse(const char *line, struct proto_request *req, json_t **id, struct proto_error *err)
{
	memset(req, 0, sizeof(*req));
	memset(err, 0, sizeof(*err));
	return proto_request_parse(line, strlen(line), req, id, err);
}

/* Assert that line is refused with code and kind, echoing id_json (a JSON
 * text, or NULL when no id can be echoed). */
static void
expect_error(const char *line, int code, const char *kind, const char *id_json)
{
	struct proto_request req;
	struct proto_error err;
	json_t *id = (json_t *)1;

	if (parse(line, &req, &id, &err) == 0) {
		proto_request_release(&req);
		fail_msg("accepted: %s", line);
	}
	if (err.code != code || strcmp(err.kind, kind) != 0)
		fail_msg("%s: got %d %s (%s), want %d %s", line, err.code, err.kind, err.message,
			 code, kind);
	assert_true(err.message[0] != '\0');
	if (id_json) {
		json_t *want = json_loads(id_json, JSON_DECODE_ANY, NULL);

		assert_non_null(want);
		assert_non_null(id);
		assert_true(json_equal(id, want));
		json_decref(want);
	} else {
		assert_null(id);
	}
	json_decref(id);
}

/* Assert that line is a valid request. */
static void
expect_ok(const char *line)
{
	struct proto_request req;
	struct proto_error err;
	json_t *id;

	if (parse(line, &req, &id, &err) != 0)
		fail_msg("refused: %s: %s", line, err.message);
	assert_null(id);
	proto_request_release(&req);
}

static void
test_request_valid(void **state)
{
	struct proto_request req;
	struct proto_error err;
	json_t *id;

	(void)state;
	assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", &req, &id, &err), 0);
	assert_null(id);
	assert_int_equal(req.method, PROTO_M_ping);
	assert_true(json_is_integer(req.id));
	assert_int_equal(json_integer_value(req.id), 1);
	/* Absent params become an empty object. */
	assert_true(json_is_object(req.params));
	assert_int_equal(json_object_size(req.params), 0);
	proto_request_release(&req);
	assert_null(req.root);

	assert_int_equal(parse("{\"id\":\"abc\",\"method\":\"kill\","
			       "\"params\":{\"id\":\"web\",\"signal\":\"TERM\"}}", &req, &id, &err), 0);
	assert_int_equal(req.method, PROTO_M_kill);
	assert_string_equal(json_string_value(req.id), "abc");
	assert_string_equal(proto_get_str(req.params, "id", NULL), "web");
	proto_request_release(&req);

	/* No id: a notification. */
	assert_int_equal(parse("{\"method\":\"ps\",\"params\":{\"all\":true}}", &req, &id, &err), 0);
	assert_null(req.id);
	assert_true(proto_get_bool(req.params, "all", false));
	proto_request_release(&req);

	/* A null id is allowed and kept. */
	assert_int_equal(parse(" {\"id\":null,\"method\":\"version\",\"params\":{}} ", &req, &id, &err), 0);
	assert_true(json_is_null(req.id));
	proto_request_release(&req);
}

static void
test_request_valid_types(void **state)
{
	(void)state;
	expect_ok("{\"method\":\"run\",\"params\":{\"image\":\"busybox\",\"cmd\":[],\"env\":[\"A=1\"],"
		  "\"name\":\"x\",\"hostname\":\"h\",\"memory\":\"512m\",\"memory_swap\":-1,"
		  "\"cpus\":0.5,\"cpu_shares\":512,\"pids_limit\":-1,\"attach\":false,"
		  "\"stdin\":true,\"rm\":true}}");
	expect_ok("{\"method\":\"run\",\"params\":{\"image\":\"b\",\"memory\":1048576,\"cpus\":2}}");
	expect_ok("{\"method\":\"run\",\"params\":{\"image\":\"b\",\"cpus\":\"1.5\"}}");
	expect_ok("{\"method\":\"kill\",\"params\":{\"id\":\"x\",\"signal\":9}}");
	expect_ok("{\"method\":\"import\",\"params\":{\"ref\":\"a:b\",\"size\":0}}");
	expect_ok("{\"method\":\"logs\",\"params\":{\"id\":\"x\",\"follow\":true,\"tail\":10}}");
}

static void
test_request_envelope_errors(void **state)
{
	(void)state;
	expect_error("{", PROTO_E_PARSE, PROTO_KIND_PARSE, NULL);
	expect_error("", PROTO_E_PARSE, PROTO_KIND_PARSE, NULL);
	expect_error("{\"id\":1,\"method\":\"ping\"} x", PROTO_E_PARSE, PROTO_KIND_PARSE, NULL);
	expect_error("{'id':1}", PROTO_E_PARSE, PROTO_KIND_PARSE, NULL);
	expect_error("[]", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, NULL);
	expect_error("[{\"id\":1,\"method\":\"ping\"}]", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, NULL);
	expect_error("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
		     PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "1");
	expect_error("{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
		     PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "1");
	expect_error("{\"jsonrpc\":null,\"id\":1,\"method\":\"ping\"}",
		     PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "1");
	expect_error("{\"id\":2,\"method\":5}", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "2");
	expect_error("{\"id\":2,\"method\":null}", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "2");
	expect_error("{\"id\":2}", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "2");
	expect_error("{\"id\":3,\"method\":\"ping\",\"extra\":1}",
		     PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, "3");
	/* An id of the wrong type cannot be echoed. */
	expect_error("{\"id\":[1],\"method\":\"ping\"}", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, NULL);
	expect_error("{\"id\":1.5,\"method\":\"ping\"}", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, NULL);
	expect_error("{\"id\":{},\"method\":\"ping\"}", PROTO_E_INVALID_REQUEST, PROTO_KIND_INVALID, NULL);
}

static void
test_request_unknown_method(void **state)
{
	(void)state;
	expect_error("{\"id\":7,\"method\":\"nope\"}", PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD, "7");
	expect_error("{\"id\":\"req-1\",\"method\":\"PING\"}", PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD,
		     "\"req-1\"");
	expect_error("{\"method\":\"\"}", PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD, NULL);
}

static void
test_request_params_errors(void **state)
{
	(void)state;
	expect_error("{\"id\":1,\"method\":\"ping\",\"params\":[]}",
		     PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
	expect_error("{\"id\":1,\"method\":\"ping\",\"params\":\"x\"}",
		     PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
	expect_error("{\"id\":1,\"method\":\"ping\",\"params\":null}",
		     PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
	/* Unknown field, including a field that belongs to another method. */
	expect_error("{\"id\":1,\"method\":\"ping\",\"params\":{\"x\":1}}",
		     PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
	expect_error("{\"id\":1,\"method\":\"ps\",\"params\":{\"force\":true}}",
		     PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
	/* Missing required fields. */
	expect_error("{\"id\":1,\"method\":\"inspect\",\"params\":{}}",
		     PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
	expect_error("{\"id\":1,\"method\":\"run\"}", PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
	expect_error("{\"id\":1,\"method\":\"import\",\"params\":{\"size\":1}}",
		     PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "1");
}

static void
test_request_missing_names_field(void **state)
{
	struct proto_request req;
	struct proto_error err;
	json_t *id;

	(void)state;
	assert_true(parse("{\"method\":\"stop\",\"params\":{\"timeout\":1}}", &req, &id, &err) < 0);
	assert_non_null(strstr(err.message, "'id'"));
	assert_true(parse("{\"method\":\"ps\",\"params\":{\"al\":true}}", &req, &id, &err) < 0);
	assert_non_null(strstr(err.message, "'al'"));
	assert_null(id);
}

static void
test_request_param_types(void **state)
{
	static const char *bad[] = {
		/* STR */
		"\"run\",\"params\":{\"image\":5}",
		"\"run\",\"params\":{\"image\":null}",
		"\"inspect\",\"params\":{\"id\":[\"x\"]}",
		/* INT */
		"\"stop\",\"params\":{\"id\":\"x\",\"timeout\":\"10\"}",
		"\"stop\",\"params\":{\"id\":\"x\",\"timeout\":1.5}",
		"\"stop\",\"params\":{\"id\":\"x\",\"timeout\":true}",
		/* BOOL */
		"\"ps\",\"params\":{\"all\":1}",
		"\"ps\",\"params\":{\"all\":\"true\"}",
		"\"ps\",\"params\":{\"all\":null}",
		/* STRV */
		"\"run\",\"params\":{\"image\":\"b\",\"cmd\":\"sh\"}",
		"\"run\",\"params\":{\"image\":\"b\",\"cmd\":[\"sh\",1]}",
		"\"run\",\"params\":{\"image\":\"b\",\"env\":[null]}",
		"\"run\",\"params\":{\"image\":\"b\",\"env\":{}}",
		/* SIZE */
		"\"run\",\"params\":{\"image\":\"b\",\"memory\":true}",
		"\"run\",\"params\":{\"image\":\"b\",\"memory\":1.5}",
		"\"run\",\"params\":{\"image\":\"b\",\"memory\":[]}",
		/* CPUS */
		"\"run\",\"params\":{\"image\":\"b\",\"cpus\":true}",
		"\"run\",\"params\":{\"image\":\"b\",\"cpus\":[1]}",
		"\"run\",\"params\":{\"image\":\"b\",\"cpus\":null}",
		/* SIGNAL */
		"\"kill\",\"params\":{\"id\":\"x\",\"signal\":1.5}",
		"\"kill\",\"params\":{\"id\":\"x\",\"signal\":false}",
		"\"kill\",\"params\":{\"id\":\"x\",\"signal\":{}}",
	};
	char line[256], id[32];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "{\"id\":%zu,\"method\":%s}", i, bad[i]);
		snprintf(id, sizeof(id), "%zu", i);
		expect_error(line, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, id);
	}
}

static void
test_request_too_large(void **state)
{
	const char *req = "{\"id\":1,\"method\":\"ping\"}";
	size_t n = strlen(req);
	char *line = malloc(PROTO_MAX_LINE + 2);
	struct proto_request r;
	struct proto_error err;
	json_t *id;

	(void)state;
	assert_non_null(line);
	/* Exactly the limit (padded with spaces) is fine. */
	memcpy(line, req, n);
	memset(line + n, ' ', PROTO_MAX_LINE - n);
	line[PROTO_MAX_LINE] = '\0';
	assert_int_equal(proto_request_parse(line, PROTO_MAX_LINE, &r, &id, &err), 0);
	proto_request_release(&r);
	/* One byte more is refused before parsing. */
	line[PROTO_MAX_LINE] = ' ';
	line[PROTO_MAX_LINE + 1] = '\0';
	assert_int_equal(proto_request_parse(line, PROTO_MAX_LINE + 1, &r, &id, &err), -E2BIG);
	assert_int_equal(err.code, PROTO_E_INVALID_REQUEST);
	assert_string_equal(err.kind, PROTO_KIND_TOO_LARGE);
	assert_null(id);
	free(line);
}

static void
test_request_duplicate_keys(void **state)
{
	(void)state;
	expect_error("{\"id\":1,\"method\":\"ping\",\"method\":\"ps\"}", PROTO_E_PARSE, PROTO_KIND_PARSE, NULL);
	expect_error("{\"id\":1,\"id\":2,\"method\":\"ping\"}", PROTO_E_PARSE, PROTO_KIND_PARSE, NULL);
	expect_error("{\"method\":\"ps\",\"params\":{\"all\":true,\"all\":false}}",
		     PROTO_E_PARSE, PROTO_KIND_PARSE, NULL);
}

/* Parse a reply line: one line ending in '\n', "jsonrpc":"2.0". */
static json_t *
load_reply(char *line)
{
	size_t n;
	json_t *o;

	assert_non_null(line);
	n = strlen(line);
	assert_true(n > 1);
	assert_int_equal(line[n - 1], '\n');
	assert_ptr_equal(strchr(line, '\n'), line + n - 1);
	o = json_loads(line, 0, NULL);
	free(line);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "jsonrpc")), "2.0");
	return o;
}

static void
test_result_line(void **state)
{
	json_t *id = json_integer(5), *o;

	(void)state;
	o = load_reply(proto_result_line(id, json_pack("{s:i, s:s}", "a", 1, "b", "x\ny")));
	assert_true(json_equal(json_object_get(o, "id"), id));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "result"), "a")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "result"), "b")), "x\ny");
	assert_null(json_object_get(o, "error"));
	json_decref(o);
	json_decref(id);

	/* String id with a newline; result NULL means {}. */
	id = json_string("a\nb");
	o = load_reply(proto_result_line(id, NULL));
	assert_true(json_equal(json_object_get(o, "id"), id));
	assert_true(json_is_object(json_object_get(o, "result")));
	json_decref(o);
	json_decref(id);

	/* No id: "id":null. */
	o = load_reply(proto_result_line(NULL, json_array()));
	assert_true(json_is_null(json_object_get(o, "id")));
	assert_true(json_is_array(json_object_get(o, "result")));
	json_decref(o);
}

static void
test_error_line(void **state)
{
	struct proto_error err;
	json_t *id = json_string("r1"), *o, *e;

	(void)state;
	proto_error_set(&err, PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD, "unknown method '%s'\n\"x\"", "y");
	o = load_reply(proto_error_line(id, &err));
	assert_true(json_equal(json_object_get(o, "id"), id));
	assert_null(json_object_get(o, "result"));
	e = json_object_get(o, "error");
	assert_int_equal(json_integer_value(json_object_get(e, "code")), PROTO_E_NO_METHOD);
	assert_string_equal(json_string_value(json_object_get(e, "message")), "unknown method 'y'\n\"x\"");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "data"), "kind")),
			    "unknown_method");
	json_decref(o);
	json_decref(id);

	proto_error_set(&err, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "no such container");
	o = load_reply(proto_error_line(NULL, &err));
	assert_true(json_is_null(json_object_get(o, "id")));
	json_decref(o);
}

static void
test_error_set_truncates(void **state)
{
	struct proto_error err;
	char big[2000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	proto_error_set(&err, PROTO_E_INTERNAL, big, "%s", big);
	assert_int_equal(strlen(err.kind), sizeof(err.kind) - 1);
	assert_int_equal(strlen(err.message), sizeof(err.message) - 1);
}

static void
test_get_scalars(void **state)
{
	json_t *p = json_pack("{s:s, s:I, s:b, s:i}", "s", "v", "i", (json_int_t)-7, "b", 1, "n", 3);

	(void)state;
	assert_string_equal(proto_get_str(p, "s", "d"), "v");
	assert_string_equal(proto_get_str(p, "missing", "d"), "d");
	assert_string_equal(proto_get_str(p, "n", "d"), "d");
	assert_int_equal(proto_get_int(p, "i", 0), -7);
	assert_int_equal(proto_get_int(p, "missing", 42), 42);
	assert_true(proto_get_bool(p, "b", false));
	assert_false(proto_get_bool(p, "missing", false));
	assert_true(proto_get_bool(p, "missing", true));
	json_decref(p);
}

static void
test_get_size(void **state)
{
	json_t *p = json_pack("{s:I, s:s, s:I, s:s, s:b, s:i}", "n", (json_int_t)1048576, "s", "1g",
			      "neg", (json_int_t)-1, "bad", "12x", "bool", 1, "zero", 0);
	uint64_t v = 0;

	(void)state;
	assert_int_equal(proto_get_size(p, "n", &v), 0);
	assert_int_equal(v, 1048576);
	assert_int_equal(proto_get_size(p, "s", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(proto_get_size(p, "zero", &v), 0);
	assert_int_equal(v, 0);
	v = 777;
	assert_int_equal(proto_get_size(p, "neg", &v), -ERANGE);
	assert_int_equal(proto_get_size(p, "bad", &v), -EINVAL);
	assert_int_equal(proto_get_size(p, "bool", &v), -ENOENT);
	assert_int_equal(proto_get_size(p, "missing", &v), -ENOENT);
	assert_int_equal(v, 777);
	json_decref(p);
}

static void
test_get_cpus(void **state)
{
	json_t *p = json_pack("{s:f, s:i, s:s, s:f, s:i, s:i, s:f, s:s, s:f}",
			      "half", 0.5, "two", 2, "str", "1.25", "milli", 0.001, "zero", 0,
			      "neg", -1, "tiny", 0.0001, "bad", "abc", "huge", 1e7);
	uint64_t v = 0;

	(void)state;
	assert_int_equal(proto_get_cpus(p, "half", &v), 0);
	assert_int_equal(v, 500);
	assert_int_equal(proto_get_cpus(p, "two", &v), 0);
	assert_int_equal(v, 2000);
	assert_int_equal(proto_get_cpus(p, "str", &v), 0);
	assert_int_equal(v, 1250);
	assert_int_equal(proto_get_cpus(p, "milli", &v), 0);
	assert_int_equal(v, 1);
	v = 777;
	assert_int_equal(proto_get_cpus(p, "zero", &v), -ERANGE);
	assert_int_equal(proto_get_cpus(p, "neg", &v), -ERANGE);
	assert_int_equal(proto_get_cpus(p, "tiny", &v), -ERANGE);
	assert_int_equal(proto_get_cpus(p, "huge", &v), -ERANGE);
	assert_int_equal(proto_get_cpus(p, "bad", &v), -EINVAL);
	assert_int_equal(proto_get_cpus(p, "missing", &v), -ENOENT);
	assert_int_equal(v, 777);
	json_decref(p);
}

static void
test_get_signal(void **state)
{
	json_t *p = json_pack("{s:i, s:s, s:s, s:i, s:i, s:s, s:b}", "n", 15, "name", "SIGKILL",
			      "short", "hup", "zero", 0, "big", 65, "bad", "FOO", "bool", 1);
	int sig = 0;

	(void)state;
	assert_int_equal(proto_get_signal(p, "n", &sig), 0);
	assert_int_equal(sig, 15);
	assert_int_equal(proto_get_signal(p, "name", &sig), 0);
	assert_int_equal(sig, 9);
	assert_int_equal(proto_get_signal(p, "short", &sig), 0);
	assert_int_equal(sig, 1);
	sig = 777;
	assert_int_equal(proto_get_signal(p, "zero", &sig), -EINVAL);
	assert_int_equal(proto_get_signal(p, "big", &sig), -EINVAL);
	assert_int_equal(proto_get_signal(p, "bad", &sig), -EINVAL);
	assert_int_equal(proto_get_signal(p, "bool", &sig), -ENOENT);
	assert_int_equal(proto_get_signal(p, "missing", &sig), -ENOENT);
	assert_int_equal(sig, 777);
	json_decref(p);
}

static void
test_method_table(void **state)
{
	const struct proto_param *params;
	size_t n;

	(void)state;
	for (int m = 0; m < PROTO_M_MAX; m++) {
		const char *name = proto_method_name((enum proto_method)m);
		const char *summary = proto_method_summary((enum proto_method)m);

		assert_non_null(name);
		assert_non_null(summary);
		assert_true(summary[0] != '\0');
		assert_int_equal(proto_method_lookup(name), m);
	}
	assert_null(proto_method_name(PROTO_M_MAX));
	assert_null(proto_method_summary(PROTO_M_MAX));
	assert_int_equal(proto_method_lookup("nope"), -1);
	assert_int_equal(proto_method_lookup(""), -1);
	assert_true(proto_method_streams(PROTO_M_run));
	assert_true(proto_method_streams(PROTO_M_logs));
	assert_true(proto_method_streams(PROTO_M_import));
	assert_true(proto_method_streams(PROTO_M_ps)); /* rows: text follows the reply */
	assert_false(proto_method_streams(PROTO_M_MAX));
	assert_true(proto_method_mutates(PROTO_M_run));
	assert_true(proto_method_mutates(PROTO_M_cp_to));
	assert_false(proto_method_mutates(PROTO_M_ps));
	assert_false(proto_method_mutates(PROTO_M_inspect));
	assert_false(proto_method_mutates(PROTO_M_MAX));

	params = proto_params(&n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(params[i].method < PROTO_M_MAX);
		assert_true(params[i].type < PT_MAX);
		assert_true(params[i].field[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_false(params[j].method == params[i].method &&
				     strcmp(params[j].field, params[i].field) == 0);
	}
}

static void
test_frame_round_trip(void **state)
{
	static const uint32_t lens[] = { 0, 1, 255, 256, 0x10203, FRAME_MAX_PAYLOAD };
	uint8_t hdr[FRAME_HDR_LEN];
	enum frame_stream st;
	uint32_t len;

	(void)state;
	frame_header_encode(hdr, FRAME_STDERR, 0x0a0b0c);
	assert_memory_equal(hdr, ((const uint8_t[]){ 2, 0, 0, 0, 0, 0x0a, 0x0b, 0x0c }), FRAME_HDR_LEN);
	for (int s = 0; s < FRAME_STREAM_MAX; s++) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			frame_header_encode(hdr, (enum frame_stream)s, lens[i]);
			assert_int_equal(frame_header_decode(hdr, &st, &len), 0);
			assert_int_equal(st, s);
			assert_int_equal(len, lens[i]);
		}
	}
}

static void
test_frame_decode_bad(void **state)
{
	uint8_t hdr[FRAME_HDR_LEN];
	enum frame_stream st = FRAME_STDIN;
	uint32_t len = 777;

	(void)state;
	frame_header_encode(hdr, FRAME_STDOUT, 10);
	hdr[0] = FRAME_STREAM_MAX;
	assert_int_equal(frame_header_decode(hdr, &st, &len), -EINVAL);
	hdr[0] = 0xff;
	assert_int_equal(frame_header_decode(hdr, &st, &len), -EINVAL);
	for (int i = 1; i <= 3; i++) {
		frame_header_encode(hdr, FRAME_STDOUT, 10);
		hdr[i] = 1;
		assert_int_equal(frame_header_decode(hdr, &st, &len), -EINVAL);
	}
	frame_header_encode(hdr, FRAME_STDOUT, FRAME_MAX_PAYLOAD + 1);
	assert_int_equal(frame_header_decode(hdr, &st, &len), -EINVAL);
	frame_header_encode(hdr, FRAME_STDOUT, UINT32_MAX);
	assert_int_equal(frame_header_decode(hdr, &st, &len), -EINVAL);
	assert_int_equal(st, FRAME_STDIN);
	assert_int_equal(len, 777);
}

static void
test_frame_exit_payload(void **state)
{
	char *s;
	json_t *o;

	(void)state;
	s = frame_exit_payload(0, false, NULL);
	assert_non_null(s);
	assert_string_equal(s, "{\"exit_code\":0,\"oom_killed\":false}");
	free(s);

	s = frame_exit_payload(127, true, "exec: \"nope\": not found");
	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	o = json_loads(s, 0, NULL);
	free(s);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "exit_code")), 127);
	assert_true(json_is_true(json_object_get(o, "oom_killed")));
	assert_string_equal(json_string_value(json_object_get(o, "error")), "exec: \"nope\": not found");
	json_decref(o);
}

/* proto/PROTOCOL.md, from $SRCDIR or the source root known at build time. */
static char *
read_protocol_md(void)
{
	const char *dir = getenv("SRCDIR");
	char path[4096];
	char *buf;
	long n;
	FILE *f;

#ifdef LITE_SRCDIR
	if (!dir || !*dir)
		dir = LITE_SRCDIR;
#endif
	if (!dir)
		fail_msg("SRCDIR not set");
	snprintf(path, sizeof(path), "%s/proto/PROTOCOL.md", dir);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The section of doc under the line "### name", up to the next "##" heading;
 * NULL if there is no such heading. Points into doc, which it cuts. */
static char *
doc_section(char *doc, const char *name)
{
	char heading[128];
	size_t hl;
	char *p, *end;

	hl = (size_t)snprintf(heading, sizeof(heading), "### %s", name);
	for (p = doc; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, heading, hl) == 0 && (p[hl] == '\n' || p[hl] == '\0'))
			break;
	}
	if (!p)
		return NULL;
	p += hl;
	for (end = strchr(p, '\n'); end && strncmp(end + 1, "##", 2) != 0; end = strchr(end + 1, '\n'))
		;
	if (end)
		end[1] = '\0';
	return p;
}

static void
test_docs_cover_methods(void **state)
{
	const struct proto_param *params;
	size_t n;

	(void)state;
	params = proto_params(&n);
	for (int m = 0; m < PROTO_M_MAX; m++) {
		const char *name = proto_method_name((enum proto_method)m);
		char *doc = read_protocol_md();
		char *sec = doc_section(doc, name);

		if (!sec)
			fail_msg("PROTOCOL.md: no \"### %s\" section", name);
		if (proto_method_mutates((enum proto_method)m) != (strstr(sec, "\nAudited (") != NULL))
			fail_msg("PROTOCOL.md: section %s must say \"Audited\" exactly when methods.def marks it mutating",
				 name);
		for (size_t i = 0; i < n; i++) {
			char field[128];

			if (params[i].method != (enum proto_method)m)
				continue;
			snprintf(field, sizeof(field), "`%s`", params[i].field);
			if (!strstr(sec, field))
				fail_msg("PROTOCOL.md: section %s does not mention param %s", name, field);
		}
		free(doc);
	}
}

/* A method name cut mid-character in the message must still give a reply. */
static void
test_error_line_cut_utf8(void **state)
{
	char line[128];
	struct proto_request req;
	struct proto_error err = { 0 };
	json_t *id = NULL, *msg;
	char *out;

	(void)state;
	memset(line, 0, sizeof(line));
	strcpy(line, "{\"id\":1,\"method\":\"");
	memset(line + strlen(line), 'a', 63);
	strcat(line, "\u00e9\"}");
	assert_int_not_equal(proto_request_parse(line, strlen(line), &req, &id, &err), 0);
	out = proto_error_line(id, &err);
	assert_non_null(out);
	msg = json_loads(out, 0, NULL);
	assert_non_null(msg);
	json_decref(msg);
	json_decref(id);
	free(out);
}

/* Scrubbed text is what jansson takes as a string: overlong forms,
 * surrogates and code points past U+10FFFF become '?' (a fuzzer found
 * F4 B2..., which made the error reply fail); valid text stays as it is. */
static void
test_utf8_sanitize(void **state)
{
	static const char *bad[] = {
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80",
		"\xf4\xb2\xb2\xb2", "\xc0\xaf", "\xff", "\xe2\x82", "a\xf0\x9f\x98",
	};
	static const char *good[] = { "abc", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
				      "\xed\x9f\xbf", "\xee\x80\x80" };
	char buf[32];
	json_t *j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		proto_utf8_sanitize(buf);
		assert_non_null(strchr(buf, '?'));
		j = json_string(buf);
		assert_non_null(j);
		json_decref(j);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", good[i]);
		proto_utf8_sanitize(buf);
		assert_string_equal(buf, good[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_valid),
		cmocka_unit_test(test_request_valid_types),
		cmocka_unit_test(test_request_envelope_errors),
		cmocka_unit_test(test_request_unknown_method),
		cmocka_unit_test(test_request_params_errors),
		cmocka_unit_test(test_request_missing_names_field),
		cmocka_unit_test(test_request_param_types),
		cmocka_unit_test(test_request_too_large),
		cmocka_unit_test(test_request_duplicate_keys),
		cmocka_unit_test(test_result_line),
		cmocka_unit_test(test_error_line),
		cmocka_unit_test(test_error_set_truncates),
		cmocka_unit_test(test_get_scalars),
		cmocka_unit_test(test_get_size),
		cmocka_unit_test(test_get_cpus),
		cmocka_unit_test(test_get_signal),
		cmocka_unit_test(test_method_table),
		cmocka_unit_test(test_frame_round_trip),
		cmocka_unit_test(test_frame_decode_bad),
		cmocka_unit_test(test_frame_exit_payload),
		cmocka_unit_test(test_docs_cover_methods),
		cmocka_unit_test(test_utf8_sanitize),
		cmocka_unit_test(test_error_line_cut_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
