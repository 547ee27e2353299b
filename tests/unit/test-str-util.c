/* Unit tests of the pure string helpers in common/str-util.c: sizes, CPU
 * counts, integers, signals, names, image references, ids, env entries and
 * the human-readable formatters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <cmocka.h>

#include "format.h"
#include "idmap.h"
#include "parse.h"
#include "str-util.h"
#include "valid.h"

static void
test_parse_size_ok(void **state)
{
	static const struct { const char *in; uint64_t out; } cases[] = {
		{ "0", 0 }, { "1", 1 }, { "512", 512 },
		{ "64k", 64ULL << 10 }, { "64K", 64ULL << 10 },
		{ "100m", 100ULL << 20 }, { "100mb", 100ULL << 20 }, { "100MB", 100ULL << 20 },
		{ "1g", 1ULL << 30 }, { "1.5g", 3ULL << 29 }, { "2t", 2ULL << 40 },
		{ "10b", 10 }, { "0.5k", 512 },
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 12345;
		assert_int_equal(parse_size(cases[i].in, &v), 0);
		assert_int_equal(v, cases[i].out);
	}
}

static void
test_parse_size_bad(void **state)
{
	static const char *bad[] = {
		"", "x", "10x", "-1", "1.", ".5", "1e3", "m", "1 m", " 1", "1m ", "10bb", "1kk",
	};
	uint64_t v = 777;

	(void)state;
	assert_int_equal(parse_size(NULL, &v), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_size(bad[i], &v), -EINVAL);
	assert_int_equal(v, 777); /* untouched on failure */
}

static void
test_parse_size_overflow(void **state)
{
	uint64_t v = 777;

	(void)state;
	assert_int_equal(parse_size("99999999999999999999", &v), -ERANGE);
	assert_int_equal(parse_size("18446744073709551615g", &v), -ERANGE);
	assert_int_equal(parse_size("16777216t", &v), -ERANGE); /* 2^64 */
	assert_int_equal(v, 777);
	/* The largest whole number of terabytes still fits. */
	assert_int_equal(parse_size("16777215t", &v), 0);
	assert_int_equal(v, 16777215ULL << 40);
}

static void
test_parse_cpus(void **state)
{
	static const struct { const char *in; uint64_t out; } cases[] = {
		{ "0.5", 500 }, { "2", 2000 }, { "0.001", 1 }, { "1.25", 1250 },
		{ "1.5", 1500 }, { "64", 64000 }, { "0.01", 10 },
	};
	static const char *bad[] = { "0", "0.0", "0.0001", "-1", "abc", "1.", "", ".5", "1x", "1.2.3" };
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_cpus(cases[i].in, &v), 0);
		assert_int_equal(v, cases[i].out);
	}
	v = 777;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(parse_cpus(bad[i], &v) < 0);
	assert_int_equal(parse_cpus(NULL, &v), -EINVAL);
	assert_int_equal(parse_cpus("99999999999", &v), -ERANGE);
	assert_int_equal(v, 777);
}

static void
test_parse_int_range(void **state)
{
	long long v = 0;

	(void)state;
	assert_int_equal(parse_int_range("5", 1, 10, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(parse_int_range("1", 1, 10, &v), 0);
	assert_int_equal(parse_int_range("10", 1, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(parse_int_range("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	v = 42;
	assert_int_equal(parse_int_range("0", 1, 10, &v), -ERANGE);
	assert_int_equal(parse_int_range("11", 1, 10, &v), -ERANGE);
	assert_int_equal(parse_int_range("99999999999999999999", 0, 10, &v), -ERANGE);
	assert_int_equal(parse_int_range("", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_int_range(NULL, 0, 10, &v), -EINVAL);
	assert_int_equal(parse_int_range("abc", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_int_range("5x", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_int_range(" 5", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_int_range("5 ", 0, 10, &v), -EINVAL);
	assert_int_equal(v, 42);
}

static void
test_parse_signal(void **state)
{
	static const char *bad[] = { "0", "65", "-1", "FOO", "", "SIG", "9x", "TERM ", "SIGSIGTERM" };
	int sig = 0;

	(void)state;
	assert_int_equal(parse_signal("TERM", &sig), 0);
	assert_int_equal(sig, SIGTERM);
	assert_int_equal(parse_signal("SIGTERM", &sig), 0);
	assert_int_equal(sig, SIGTERM);
	assert_int_equal(parse_signal("sigkill", &sig), 0);
	assert_int_equal(sig, SIGKILL);
	assert_int_equal(parse_signal("hup", &sig), 0);
	assert_int_equal(sig, SIGHUP);
	assert_int_equal(parse_signal("9", &sig), 0);
	assert_int_equal(sig, 9);
	assert_int_equal(parse_signal("64", &sig), 0);
	assert_int_equal(sig, 64);
	sig = 777;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_signal(bad[i], &sig), -EINVAL);
	assert_int_equal(parse_signal(NULL, &sig), -EINVAL);
	assert_int_equal(sig, 777);
}

static void
test_signal_name(void **state)
{
	int sig;

	(void)state;
	assert_string_equal(parse_signal_name(SIGTERM), "TERM");
	assert_string_equal(parse_signal_name(SIGKILL), "KILL");
	assert_string_equal(parse_signal_name(SIGWINCH), "WINCH");
	assert_null(parse_signal_name(0));
	assert_null(parse_signal_name(40)); /* real-time signals have no name */
	/* Every name maps back to its number. */
	for (sig = 1; sig < 32; sig++) {
		const char *name = parse_signal_name(sig);
		int back = 0;

		if (!name)
			continue;
		assert_int_equal(parse_signal(name, &back), 0);
		assert_int_equal(back, sig);
	}
}

static void
test_name_is_valid(void **state)
{
	char name[130];

	(void)state;
	assert_true(valid_name("a"));
	assert_true(valid_name("web_1.x-y"));
	assert_true(valid_name("A9"));
	assert_true(valid_name("0-"));
	assert_false(valid_name(NULL));
	assert_false(valid_name(""));
	assert_false(valid_name("-a"));
	assert_false(valid_name("_a"));
	assert_false(valid_name(".a"));
	assert_false(valid_name("a b"));
	assert_false(valid_name("a/b"));
	assert_false(valid_name("a:b"));
	assert_false(valid_name("caf\xc3\xa9"));
	memset(name, 'a', 128);
	name[128] = '\0';
	assert_true(valid_name(name));
	name[128] = 'a';
	name[129] = '\0';
	assert_false(valid_name(name));
}

static void
test_image_ref_is_valid(void **state)
{
	static const char *good[] = {
		"busybox", "busybox:latest", "localhost:5000/a/b:1.0", "localhost:5000/a/b",
		"library/busybox", "my-img_2.x:v1.2-rc_3", "a:_t", "a:T",
	};
	static const char *bad[] = {
		"", "BusyBox", "a:", ":t", "a/", "/a", "-a", ".a", "a b", "a:b c", "a:-t", "a:.t",
		"a@sha256:00",
	};
	char long_tag[200];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(valid_image_ref(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(valid_image_ref(bad[i]));
	assert_false(valid_image_ref(NULL));
	/* Tags are at most 128 characters. */
	memset(long_tag, 't', sizeof(long_tag));
	memcpy(long_tag, "a:", 2);
	long_tag[2 + 128] = '\0';
	assert_true(valid_image_ref(long_tag));
	long_tag[2 + 128] = 't';
	long_tag[2 + 129] = '\0';
	assert_false(valid_image_ref(long_tag));
}

static void
test_id_is_full_hex(void **state)
{
	char id[70];

	(void)state;
	memset(id, 'a', 64);
	id[64] = '\0';
	assert_true(valid_full_id(id));
	memcpy(id, "0123456789abcdef", 16);
	assert_true(valid_full_id(id));
	id[5] = 'A';
	assert_false(valid_full_id(id)); /* uppercase */
	id[5] = 'g';
	assert_false(valid_full_id(id));
	id[5] = '5';
	id[63] = '\0';
	assert_false(valid_full_id(id)); /* 63 */
	id[63] = 'a';
	id[64] = 'a';
	id[65] = '\0';
	assert_false(valid_full_id(id)); /* 65 */
	assert_false(valid_full_id(""));
	assert_false(valid_full_id(NULL));
}

static void
test_env_is_valid(void **state)
{
	(void)state;
	assert_true(valid_env("A=1"));
	assert_true(valid_env("A="));
	assert_true(valid_env("A=b=c"));
	assert_true(valid_env("PATH=/bin:/usr/bin"));
	assert_false(valid_env("=1"));
	assert_false(valid_env("A"));
	assert_false(valid_env(""));
	assert_false(valid_env(NULL));
}

static void
test_str_has_prefix(void **state)
{
	(void)state;
	assert_true(str_has_prefix("sha256:abc", "sha256:"));
	assert_true(str_has_prefix("abc", ""));
	assert_false(str_has_prefix("sha", "sha256:"));
}

static void
test_format_size(void **state)
{
	static const struct { uint64_t in; const char *out; } cases[] = {
		{ 0, "0B" }, { 1, "1B" }, { 999, "999B" }, { 1000, "1kB" }, { 1500, "1.5kB" },
		{ 1234567, "1.23MB" }, { 4300000, "4.3MB" }, { 1000000000, "1GB" },
		{ 5000000000000ULL, "5TB" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_size(cases[i].in, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
	/* A short buffer truncates but stays terminated. */
	format_size(1234567, buf, 4);
	assert_string_equal(buf, "1.2");
}

static void
test_format_ago(void **state)
{
	static const struct { int64_t in; const char *out; } cases[] = {
		{ -5, "Less than a second ago" }, { 0, "Less than a second ago" },
		{ 1, "1 second ago" }, { 59, "59 seconds ago" }, { 60, "1 minute ago" },
		{ 119, "1 minute ago" }, { 3599, "59 minutes ago" }, { 3600, "1 hour ago" },
		{ 7200, "2 hours ago" }, { 86399, "23 hours ago" }, { 86400, "1 day ago" },
		{ 172800, "2 days ago" }, { 604800, "1 week ago" }, { 1209600, "2 weeks ago" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_ago(cases[i].in, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
}

/* The id shift lite-image's tar writers take on their command line. */
static void
test_idmap(void **state)
{
	struct idmap m;

	assert_int_equal(idmap_parse("-", &m), 0);
	assert_int_equal(m.size, 0);
	assert_int_equal(idmap_uid_to_ctr(&m, 100000), 100000);
	assert_int_equal(idmap_parse("100000:200000:65536", &m), 0);
	assert_int_equal(idmap_uid_to_ctr(&m, 100000), 0);
	assert_int_equal(idmap_uid_to_ctr(&m, 101234), 1234);
	assert_int_equal(idmap_gid_to_ctr(&m, 200005), 5);
	assert_int_equal(idmap_uid_to_ctr(&m, 99999), 99999);   /* outside: unchanged */
	assert_int_equal(idmap_uid_to_ctr(&m, 165536), 165536);
	assert_int_equal(idmap_parse("1:2", &m), -EINVAL);
	assert_int_equal(idmap_parse("1:2:0", &m), -EINVAL);
	assert_int_equal(idmap_parse("1:2:3x", &m), -EINVAL);
	assert_int_equal(idmap_parse("4294967295:0:2", &m), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_ok),
		cmocka_unit_test(test_parse_size_bad),
		cmocka_unit_test(test_parse_size_overflow),
		cmocka_unit_test(test_parse_cpus),
		cmocka_unit_test(test_parse_int_range),
		cmocka_unit_test(test_parse_signal),
		cmocka_unit_test(test_signal_name),
		cmocka_unit_test(test_name_is_valid),
		cmocka_unit_test(test_image_ref_is_valid),
		cmocka_unit_test(test_id_is_full_hex),
		cmocka_unit_test(test_env_is_valid),
		cmocka_unit_test(test_str_has_prefix),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_ago),
		cmocka_unit_test(test_idmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
