/* Unit tests of client/filter.c and client/ps-filter.c: --filter parsing
 * against a command's keys, Docker's OR-within-a-key / AND-across-keys
 * rule, labels, globs, ports, and ps's keys over daemon rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "filter.h"
#include "ps-filter.h"

static const char *const keys[] = { "name", "label!", "dangling", NULL };

static void
test_parse(void **state)
{
	struct filter_set s = { 0 };
	char err[256];

	assert_int_equal(filter_add(&s, "name=web", keys, err, sizeof(err)), 0);
	assert_string_equal(s.f[0].key, "name");
	assert_string_equal(s.f[0].value, "web");
	assert_int_equal(filter_add(&s, "label!=a=b", keys, err, sizeof(err)), 0);
	assert_true(s.f[1].negate);
	assert_string_equal(s.f[1].value, "a=b");
	assert_int_equal(filter_add(&s, "name!=x", keys, err, sizeof(err)), -1);
	assert_int_equal(filter_add(&s, "colour=red", keys, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid --filter \"colour=red\": unknown key \"colour\"; use one of name, label, dangling");
	assert_int_equal(filter_add(&s, "name", keys, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid --filter \"name\": expected KEY=VALUE");
	assert_int_equal(filter_add(&s, "=x", keys, err, sizeof(err)), -1);
	assert_int_equal(s.n, 2);
	assert_true(filter_has(&s, "label"));
	assert_false(filter_has(&s, "dangling"));
}

static bool
eq_match(const char *key, const char *value, void *ctx)
{
	json_t *row = ctx;

	if (!strcmp(key, "label"))
		return filter_label(json_object_get(row, "labels"), value);
	return !strcmp(json_string_value(json_object_get(row, key)) ?: "", value);
}

static bool
matches(json_t *row, const char *const *specs)
{
	struct filter_set s = { 0 };
	char err[256];

	for (; *specs; specs++)
		assert_int_equal(filter_add(&s, *specs, keys, err, sizeof(err)), 0);
	return filter_match(&s, eq_match, row);
}

static void
test_match_rule(void **state)
{
	json_t *row = json_pack("{s:s, s:s, s:{s:s, s:s}}", "name", "web", "dangling", "true", "labels", "a", "1", "b", "2");

	assert_true(matches(row, (const char *[]){ NULL }));
	assert_true(matches(row, (const char *[]){ "name=db", "name=web", NULL }));     /* one key: OR */
	assert_false(matches(row, (const char *[]){ "name=web", "dangling=false", NULL })); /* keys: AND */
	assert_true(matches(row, (const char *[]){ "label=a", "label=b=2", NULL }));   /* labels: AND */
	assert_false(matches(row, (const char *[]){ "label=a", "label=c", NULL }));
	assert_false(matches(row, (const char *[]){ "label=a=2", NULL }));
	assert_false(matches(row, (const char *[]){ "label!=a", NULL }));
	assert_true(matches(row, (const char *[]){ "label!=c", NULL }));
	json_decref(row);
}

static void
test_glob_bool_port(void **state)
{
	bool b;

	assert_true(filter_glob("busy*", "busybox"));
	assert_true(filter_glob("*/app:*", "user/app:1"));
	assert_false(filter_glob("busy", "busybox"));
	assert_int_equal(filter_bool("true", &b), 0);
	assert_true(b);
	assert_int_equal(filter_bool("0", &b), 0);
	assert_false(b);
	assert_int_equal(filter_bool("yes", &b), -1);
	assert_int_equal(filter_port("80", 80, "tcp"), 1);
	assert_int_equal(filter_port("80/udp", 80, "tcp"), 0);
	assert_int_equal(filter_port("80/udp", 80, "udp"), 1);
	assert_int_equal(filter_port("8000-8010", 8005, "tcp"), 1);
	assert_int_equal(filter_port("8000-8010", 8011, "tcp"), 0);
	assert_int_equal(filter_port("x", 80, "tcp"), -1);
	assert_int_equal(filter_port("90-80", 85, "tcp"), -1);
	assert_int_equal(filter_port("0", 0, "tcp"), -1);
}

static void
test_time(void **state)
{
	int64_t t;

	assert_int_equal(filter_time("1700000000", 0, &t), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(filter_time("10m", 1000, &t), 0);
	assert_int_equal(t, 400);
	assert_int_equal(filter_time("1h30m", 10000, &t), 0);
	assert_int_equal(t, 10000 - 5400);
	assert_int_equal(filter_time("2024-01-02T03:04:05Z", 0, &t), 0);
	assert_int_equal(t, 1704164645);
	assert_int_equal(filter_time("2024-01-02", 0, &t), 0);
	assert_int_equal(t, 1704153600);
	assert_int_equal(filter_time("yesterday", 0, &t), -1);
	assert_int_equal(filter_time("", 0, &t), -1);
	assert_int_equal(filter_time("2024-01-02T03:04:05+02:00", 0, &t), -1);
}

/* ps rows as the daemon sends them with "details", newest first. */
static json_t *
ps_rows(void)
{
	return json_pack("[{s:s, s:s, s:s, s:s, s:i, s:s, s:{}, s:[{s:s, s:s}],"
			 "  s:{s:s, s:{s:{s:s}}, s:[{s:i, s:s}]}},"
			 " {s:s, s:s, s:s, s:s, s:i, s:s, s:{s:s}, s:[], s:{s:s, s:{}, s:[]}}]",
			 "id", "bbbb1111", "name", "web", "image", "busybox:latest", "state", "running", "exit_code", 0,
			 "health", "healthy", "labels", "mounts", "volume", "data", "target", "/data",
			 "network_settings", "mode", "front", "networks", "front", "network_id", "abc123", "ports",
			 "container_port", 80, "protocol", "tcp",
			 "id", "aaaa2222", "name", "job", "image", "alpine", "state", "exited", "exit_code", 3,
			 "health", "", "labels", "role", "batch", "mounts", "network_settings", "mode", "none", "networks",
			 "ports");
}

static int
ps_names(json_t *list, const char *const *specs, char *out)
{
	struct filter_set s = { 0 };
	char err[256];

	for (; *specs; specs++)
		if (filter_add(&s, *specs, ps_filter_keys, err, sizeof(err)) < 0)
			return -1;
	if (ps_filter_check(&s, list, err, sizeof(err)) < 0)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(list); i++)
		if (ps_filter_row(&s, list, i))
			strcat(strcat(out, json_string_value(json_object_get(json_array_get(list, i), "name"))), " ");
	return 0;
}

static void
test_ps_keys(void **state)
{
	json_t *list = ps_rows();
	char out[256];

	assert_non_null(list);
#define PS(want, ...)                                                              \
	do {                                                                       \
		assert_int_equal(ps_names(list, (const char *[]){ __VA_ARGS__, NULL }, out), 0); \
		assert_string_equal(out, want);                                    \
	} while (0)
	PS("job ", "before=web");
	PS("web ", "since=job");
	PS("job ", "exited=3");
	PS("", "exited=1");
	PS("web ", "health=healthy");
	PS("job ", "health=none");
	PS("web ", "network=front");
	PS("web ", "network=abc");
	PS("job ", "network=none");
	PS("web ", "volume=data");
	PS("web ", "volume=/data");
	PS("web ", "publish=80");
	PS("web ", "expose=79-81/tcp");
	PS("", "publish=80/udp");
	PS("job ", "label=role=batch");
	PS("web ", "ancestor=busybox");
	PS("web ", "id=bbbb");
	PS("web job ", "status=running", "status=exited");
	PS("", "status=running", "name=job");
#undef PS
	assert_int_equal(ps_names(list, (const char *[]){ "before=nosuch", NULL }, out), -1);
	assert_int_equal(ps_names(list, (const char *[]){ "health=sick", NULL }, out), -1);
	assert_int_equal(ps_names(list, (const char *[]){ "status=up", NULL }, out), -1);
	assert_int_equal(ps_names(list, (const char *[]){ "exited=x", NULL }, out), -1);
	assert_int_equal(ps_names(list, (const char *[]){ "publish=http", NULL }, out), -1);
	assert_int_equal(ps_names(list, (const char *[]){ "is-task=true", NULL }, out), -1);
	json_decref(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_match_rule),
		cmocka_unit_test(test_glob_bool_port),
		cmocka_unit_test(test_ps_keys),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
