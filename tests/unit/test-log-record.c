/* Unit tests of container.log records and their rendering
 * (proto/log-record.c), the log options (proto/log-opts.c) and the
 * --since/--until parser (common/timestamp.c). */
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
#include "log-opts.h"
#include "log-record.h"
#include "timestamp.h"

static void
test_header_round_trip(void **state)
{
	uint8_t h[LOG_RECORD_HDR_LEN];
	struct log_record r;

	(void)state;
	log_record_header_encode(h, 2, 70000, 1714557600123456789LL);
	assert_int_equal(h[1], 'T');
	assert_int_equal(log_record_header_decode(h, sizeof(h), &r), 0);
	assert_int_equal(r.stream, 2);
	assert_int_equal(r.len, 70000);
	assert_int_equal(r.hdr_len, 16);
	assert_true(r.ns == 1714557600123456789LL);
	assert_int_equal(log_record_header_decode(h, 12, &r), -EAGAIN);
	assert_int_equal(log_record_header_decode(h, 4, &r), -EAGAIN);
}

static void
test_header_old_and_bad(void **state)
{
	uint8_t old[8] = { 1, 0, 0, 0, 0, 0, 0, 5 }, bad[16] = { 3, 'T' }, big[16] = { 1, 'T', 0, 0, 0x10, 0, 0, 1 };
	struct log_record r;

	(void)state;
	assert_int_equal(log_record_header_decode(old, sizeof(old), &r), 0);
	assert_int_equal(r.hdr_len, 8);
	assert_int_equal(r.len, 5);
	assert_true(r.ns == 0);
	assert_int_equal(log_record_header_decode(bad, sizeof(bad), &r), -EINVAL);
	assert_int_equal(log_record_header_decode(big, sizeof(big), &r), -EINVAL);
	old[2] = 1;
	assert_int_equal(log_record_header_decode(old, sizeof(old), &r), -EINVAL);
}

static void
test_format_time(void **state)
{
	char buf[LOG_RECORD_TIME_LEN + 1];

	(void)state;
	log_record_format_time(1714557600000000001LL, buf, sizeof(buf));
	assert_string_equal(buf, "2024-05-01T10:00:00.000000001Z");
	assert_int_equal(strlen(buf), LOG_RECORD_TIME_LEN);
}

/* The frames' payloads, concatenated, with "|" between frames. */
static char out[4096];
static size_t out_len, frame_left;

static void
emit(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	if (frame_left == 0) { /* a header */
		enum frame_stream st;
		uint32_t n;

		assert_int_equal(len, FRAME_HDR_LEN);
		assert_int_equal(frame_header_decode(data, &st, &n), 0);
		if (out_len)
			out[out_len++] = '|';
		frame_left = n;
		return;
	}
	assert_true(len <= frame_left);
	memcpy(out + out_len, data, len);
	out_len += len;
	out[out_len] = '\0';
	frame_left -= len;
}

static void
render(struct log_render *r, uint8_t stream, int64_t ns, const char *text)
{
	struct log_record rec = { .stream = stream, .len = (uint32_t)strlen(text), .ns = ns, .hdr_len = 16 };

	log_record_render(r, &rec, (const uint8_t *)text);
}

static void
reset(struct log_render *r)
{
	memset(r, 0, sizeof(*r));
	r->emit = emit;
	out_len = frame_left = 0;
	out[0] = '\0';
}

static void
test_render_plain_and_filters(void **state)
{
	struct log_render r;

	(void)state;
	reset(&r);
	render(&r, 1, 10, "a\nb\n");
	render(&r, 2, 20, "c\n");
	assert_string_equal(out, "a\nb\n|c\n");
	reset(&r);
	r.since_ns = 20;
	render(&r, 1, 10, "a\n");
	render(&r, 1, 20, "b\n");
	assert_string_equal(out, "b\n");
	reset(&r);
	r.until_ns = 10;
	render(&r, 1, 10, "a\n");
	render(&r, 1, 11, "b\n");
	assert_string_equal(out, "a\n");
}

static void
test_render_timestamps_per_line(void **state)
{
	struct log_render r;

	(void)state;
	reset(&r);
	r.timestamps = true;
	render(&r, 1, 1000000000, "a\nb");
	render(&r, 1, 2000000000, "c\n");
	assert_string_equal(out, "1970-01-01T00:00:01.000000000Z a\n|1970-01-01T00:00:01.000000000Z b|c\n");
	reset(&r);
	r.details = "";
	render(&r, 1, 5, "x\n");
	assert_string_equal(out, " x\n");
}

static void
test_render_tail(void **state)
{
	struct log_render r;

	(void)state;
	reset(&r);
	r.count_only = true;
	render(&r, 1, 1, "1\n2\n3");
	render(&r, 1, 1, "3\n4\n");
	assert_int_equal(r.lines, 4);
	assert_string_equal(out, "");
	reset(&r);
	r.skip_lines = 2;
	render(&r, 1, 1, "1\n2\n3");
	render(&r, 1, 1, "3\n4\n");
	assert_string_equal(out, "3|3\n4\n");
	reset(&r);
	r.skip_lines = 3; /* the line cut across records is dropped whole */
	render(&r, 1, 1, "1\n2\n3");
	render(&r, 1, 1, "3\n4\n");
	assert_string_equal(out, "4\n");
}

static void
test_log_opts(void **state)
{
	struct log_opts o = { 0 }, d = { 0 };
	struct lite_err err = { 0 };
	json_t *p;

	(void)state;
	assert_int_equal(log_opts_set(&o, "max-size=1m", "--log-opt", &err), 0);
	assert_true(o.max_size == 1048576);
	assert_int_equal(log_opts_set(&o, "max-file=2", "--log-opt", &err), 0);
	assert_int_equal(o.max_file, 2);
	assert_int_equal(log_opts_set(&o, "max-size=12", "--log-opt", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--log-opt max-size=12"));
	lite_err_clear(&err);
	assert_int_equal(log_opts_set(&o, "max-file=101", "--log-opt", &err), -EINVAL);
	lite_err_clear(&err);
	assert_int_equal(log_opts_set(&o, "compress=true", "--log-opt", &err), -EINVAL);
	lite_err_clear(&err);
	assert_int_equal(log_opts_set(&o, "nokey", "--log-opt", &err), -EINVAL);
	lite_err_clear(&err);
	assert_int_equal(log_opts_set_driver(&o, "json-file", "--log-driver", &err), 0);
	assert_string_equal(o.driver, "json-file"); /* the same driver, its name kept for inspect */
	assert_int_equal(log_opts_set_driver(&o, "local", "--log-driver", &err), 0);
	assert_string_equal(o.driver, "local");
	assert_int_equal(log_opts_set_driver(&o, "syslog", "--log-driver", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--log-driver"));
	lite_err_clear(&err);

	p = json_pack("{s:s, s:[s]}", "log_driver", "none", "log_opts", "max-file=2");
	assert_int_equal(log_opts_decode(p, &o, &err), -EINVAL);
	lite_err_clear(&err);
	json_decref(p);

	p = json_loads("{\"log-driver\":\"local\",\"log-opts\":{\"max-size\":\"2m\",\"max-file\":5}}", 0, NULL);
	assert_int_equal(log_opts_from_config(p, &d, &err), 0);
	json_decref(p);
	memset(&o, 0, sizeof(o));
	o.max_file = 7;
	log_opts_resolve(&o, &d);
	assert_string_equal(o.driver, "local");
	assert_true(o.max_size == 2 << 20);
	assert_int_equal(o.max_file, 7);
	memset(&o, 0, sizeof(o));
	log_opts_resolve(&o, NULL);
	assert_true(o.max_size == LOG_OPTS_DEFAULT_MAX_SIZE);
	assert_int_equal(o.max_file, LOG_OPTS_DEFAULT_MAX_FILE);

	{
		struct log_opts a = { 0 };
		json_t *labels = json_pack("{s:s, s:s, s:s}", "b", "2", "a", "1", "z", "9");
		char *env[] = { "X=1", "Y=2", "XY=3", NULL }, *det;

		assert_int_equal(log_opts_set(&a, "labels=a,b", "--log-opt", &err), 0);
		assert_int_equal(log_opts_set(&a, "env=XY,X", "--log-opt", &err), 0);
		det = log_opts_details(&a, labels, env);
		assert_string_equal(det, "X=1,XY=3,a=1,b=2");
		free(det);
		memset(&a, 0, sizeof(a));
		det = log_opts_details(&a, labels, env);
		assert_string_equal(det, "");
		free(det);
		json_decref(labels);
		assert_int_equal(log_opts_set(&a, "labels=a=b", "--log-opt", &err), -EINVAL);
		lite_err_clear(&err);
	}

	p = json_loads("{\"log-opts\":{\"max-size\":\"big\"}}", 0, NULL);
	assert_int_equal(log_opts_from_config(p, &d, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "log-opts max-size=big"));
	lite_err_clear(&err);
	json_decref(p);
}

static void
test_timestamp(void **state)
{
	const int64_t now = 1714557600LL * 1000000000;
	int64_t ns;

	(void)state;
	assert_int_equal(timestamp_parse("10m", now, &ns), 0);
	assert_true(ns == now - 600LL * 1000000000);
	assert_int_equal(timestamp_parse("1h30m", now, &ns), 0);
	assert_true(ns == now - 5400LL * 1000000000);
	assert_int_equal(timestamp_parse("2024-05-01T10:00:00Z", now, &ns), 0);
	assert_true(ns == now);
	assert_int_equal(timestamp_parse("2024-05-01T12:00:00.5+02:00", now, &ns), 0);
	assert_true(ns == now + 500000000);
	assert_int_equal(timestamp_parse("2024-05-01T10:00:00.000000001Z", now, &ns), 0);
	assert_true(ns == now + 1);
	assert_int_equal(timestamp_parse("1714557600", now, &ns), 0);
	assert_true(ns == now);
	assert_int_equal(timestamp_parse("1714557600.25", now, &ns), 0);
	assert_true(ns == now + 250000000);
	assert_int_equal(timestamp_parse("0", now, &ns), 0);
	assert_true(ns == 0);
	setenv("TZ", "UTC", 1);
	assert_int_equal(timestamp_parse("2024-05-01", now, &ns), 0);
	assert_true(ns == now - 36000LL * 1000000000);
	assert_int_equal(timestamp_parse("2024-05-01T10:00", now, &ns), 0);
	assert_true(ns == now);
	assert_int_equal(timestamp_parse("yesterday", now, &ns), -EINVAL);
	assert_int_equal(timestamp_parse("", now, &ns), -EINVAL);
	assert_int_equal(timestamp_parse("2024-13-01", now, &ns), -EINVAL);
	assert_int_equal(timestamp_parse("12x", now, &ns), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_round_trip),
		cmocka_unit_test(test_header_old_and_bad),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_render_plain_and_filters),
		cmocka_unit_test(test_render_timestamps_per_line),
		cmocka_unit_test(test_render_tail),
		cmocka_unit_test(test_log_opts),
		cmocka_unit_test(test_timestamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
