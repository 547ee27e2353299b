/* Unit tests of wait's request (proto/wait-opts.c): Docker's conditions
 * by name, the default, and the refusal of anything else. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wait-opts.h"

static void
test_conditions(void **state)
{
	static const struct { const char *name; enum wait_condition c; } ok[] = {
		{ "not-running", WAIT_COND_NOT_RUNNING },
		{ "next-exit", WAIT_COND_NEXT_EXIT },
		{ "removed", WAIT_COND_REMOVED },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct lite_err err = { 0 };
		struct wait_opts o;
		json_t *p = json_pack("{s:s, s:s}", "id", "web", "condition", ok[i].name);

		assert_int_equal(wait_opts_decode(p, &o, &err), 0);
		assert_int_equal(o.condition, ok[i].c);
		assert_string_equal(o.id, "web");
		assert_string_equal(wait_opts_condition_str(o.condition), ok[i].name);
		assert_null(err.msg);
		json_decref(p);
	}
}

static void
test_default(void **state)
{
	struct lite_err err = { 0 };
	struct wait_opts o;
	json_t *p = json_pack("{s:s}", "id", "web");

	(void)state;
	assert_int_equal(wait_opts_decode(p, &o, &err), 0);
	assert_int_equal(o.condition, WAIT_COND_NONE);
	assert_string_equal(wait_opts_condition_str(o.condition), "");
	json_decref(p);
	p = json_pack("{s:s, s:n}", "id", "web", "condition");
	assert_int_equal(wait_opts_decode(p, &o, &err), 0);
	assert_int_equal(o.condition, WAIT_COND_NONE);
	json_decref(p);
	p = json_object();
	assert_int_equal(wait_opts_decode(p, &o, &err), 0);
	assert_string_equal(o.id, "");
	json_decref(p);
}

static void
test_bad(void **state)
{
	static const char *bad[] = { "", "Next-Exit", "next_exit", "stopped", "not-running " };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lite_err err = { 0 };
		struct wait_opts o;
		json_t *p = json_pack("{s:s, s:s}", "id", "web", "condition", bad[i]);

		assert_int_equal(wait_opts_decode(p, &o, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "invalid condition"));
		assert_non_null(strstr(err.msg, "next-exit"));
		assert_null(strchr(err.msg, '\n'));
		lite_err_clear(&err);
		json_decref(p);
	}
	{
		struct lite_err err = { 0 };
		struct wait_opts o;
		json_t *p = json_pack("{s:s, s:i}", "id", "web", "condition", 3);

		assert_int_equal(wait_opts_decode(p, &o, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "not a string"));
		lite_err_clear(&err);
		json_decref(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
