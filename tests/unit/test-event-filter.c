/* Unit tests of lite events' filters (proto/event-filter.c): parsing and
 * messages, and matching Docker-shaped events (same key ORed, different
 * keys ANDed). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "event-filter.h"

static json_t *
ev(const char *type, const char *action, const char *id, const char *name, const char *label)
{
	json_t *attrs = json_pack("{s:s, s:s}", "name", name, "image", "busybox");

	if (label)
		json_object_set_new(attrs, label, json_string("blue"));
	return json_pack("{s:s, s:s, s:{s:s, s:o}}", "Type", type, "Action", action, "Actor", "ID", id, "Attributes",
			 attrs);
}

static bool
match(const char *const *specs, json_t *e)
{
	struct event_filter f;
	struct lite_err err = { 0 };
	bool r;

	assert_int_equal(event_filter_parse((char *const *)specs, &f, &err), 0);
	r = event_filter_match(&f, e);
	event_filter_free(&f);
	return r;
}

static void
test_parse_bad(void **state)
{
	static const char *bad[] = { "type", "=x", "type=", "colour=red", "type=pod" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *specs[] = { "event=start", bad[i], NULL };
		struct event_filter f;
		struct lite_err err = { 0 };

		assert_int_equal(event_filter_parse((char *const *)specs, &f, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "invalid --filter"));
		assert_non_null(strstr(err.msg, bad[i]));
		lite_err_clear(&err);
	}
}

static void
test_match(void **state)
{
	json_t *start = ev("container", "start", "abcdef0123", "web", "team");
	json_t *die = ev("container", "die", "abcdef0123", "web", NULL);
	json_t *health = ev("container", "health_status: unhealthy", "abcdef0123", "web", NULL);
	json_t *vol = ev("volume", "create", "data", "data", NULL);

	(void)state;
	assert_true(match((const char *[]){ NULL }, start));
	assert_true(match((const char *[]){ "type=container", NULL }, start));
	assert_false(match((const char *[]){ "type=volume", NULL }, start));
	assert_true(match((const char *[]){ "type=volume", NULL }, vol));
	/* same key: OR */
	assert_true(match((const char *[]){ "event=start", "event=die", NULL }, die));
	/* different keys: AND */
	assert_false(match((const char *[]){ "event=start", "container=other", NULL }, start));
	assert_true(match((const char *[]){ "event=start", "container=web", NULL }, start));
	assert_true(match((const char *[]){ "container=abcd", NULL }, start));
	assert_false(match((const char *[]){ "container=web", NULL }, vol));
	/* "health_status" matches "health_status: unhealthy" */
	assert_true(match((const char *[]){ "event=health_status", NULL }, health));
	assert_true(match((const char *[]){ "event=health_status: unhealthy", NULL }, health));
	assert_false(match((const char *[]){ "event=health", NULL }, health));
	/* labels: KEY or KEY=VALUE */
	assert_true(match((const char *[]){ "label=team", NULL }, start));
	assert_true(match((const char *[]){ "label=team=blue", NULL }, start));
	assert_false(match((const char *[]){ "label=team=red", NULL }, start));
	assert_false(match((const char *[]){ "label=team", NULL }, die));
	assert_true(match((const char *[]){ "image=busybox", NULL }, start));
	assert_true(match((const char *[]){ "volume=data", NULL }, vol));
	json_decref(start);
	json_decref(die);
	json_decref(health);
	json_decref(vol);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
