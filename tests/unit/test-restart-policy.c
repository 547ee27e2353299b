/* Unit tests of restart policies (proto/restart-policy.c): --restart's
 * syntax and messages, Docker's restart decision and back-off; and the
 * state.json round trip of the policy, the count and the health status
 * (daemon/engine/ctr-state-ext.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ctr.h"
#include "restart-policy.h"
#include "run-spec.h"

static void
test_parse(void **state)
{
	struct restart_policy p;
	struct lite_err err = { 0 };

	(void)state;
	assert_int_equal(restart_policy_parse("no", &p, &err), 0);
	assert_int_equal(p.name, RESTART_NO);
	assert_int_equal(restart_policy_parse("always", &p, &err), 0);
	assert_int_equal(p.name, RESTART_ALWAYS);
	assert_int_equal(restart_policy_parse("unless-stopped", &p, &err), 0);
	assert_int_equal(p.name, RESTART_UNLESS_STOPPED);
	assert_int_equal(restart_policy_parse("on-failure", &p, &err), 0);
	assert_int_equal(p.name, RESTART_ON_FAILURE);
	assert_int_equal(p.max_retries, 0);
	assert_int_equal(restart_policy_parse("on-failure:5", &p, &err), 0);
	assert_int_equal(p.max_retries, 5);
	assert_null(err.msg);
}

static void
test_parse_bad(void **state)
{
	static const char *bad[] = { "", "sometimes", "always:3", "no:1", "on-failure:", "on-failure:x",
				     "on-failure:-1", "on-failures", "Always" };
	struct restart_policy p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lite_err err = { 0 };
		assert_int_equal(restart_policy_parse(bad[i], &p, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "invalid --restart"));
		assert_null(strchr(err.msg, '\n'));
		lite_err_clear(&err);
	}
}

static void
test_decide(void **state)
{
	struct restart_policy no = { RESTART_NO, 0 }, al = { RESTART_ALWAYS, 0 }, us = { RESTART_UNLESS_STOPPED, 0 },
			      of = { RESTART_ON_FAILURE, 0 }, of2 = { RESTART_ON_FAILURE, 2 };

	(void)state;
	assert_false(restart_policy_should_restart(&no, 1, false, 0));
	assert_true(restart_policy_should_restart(&al, 0, false, 100));
	assert_false(restart_policy_should_restart(&al, 0, true, 0));
	assert_true(restart_policy_should_restart(&us, 137, false, 0));
	assert_false(restart_policy_should_restart(&us, 137, true, 0));
	assert_false(restart_policy_should_restart(&of, 0, false, 0));
	assert_true(restart_policy_should_restart(&of, 1, false, 1000));
	assert_true(restart_policy_should_restart(&of2, 1, false, 1));
	assert_false(restart_policy_should_restart(&of2, 1, false, 2));
	assert_false(restart_policy_should_restart(&of2, 1, true, 0));
}

static void
test_backoff(void **state)
{
	int64_t d = 0;

	(void)state;
	d = restart_policy_next_delay(d, 0);
	assert_int_equal(d, 100);
	d = restart_policy_next_delay(d, 1);
	assert_int_equal(d, 200);
	for (int i = 0; i < 20; i++)
		d = restart_policy_next_delay(d, 1);
	assert_int_equal(d, 60000);
	assert_int_equal(restart_policy_next_delay(d, 10), 100); /* ran 10 s: reset */
}

static void
test_run_spec(void **state)
{
	struct lite_err err = { 0 };
	struct run_spec rs;
	json_t *params = json_pack("{s:s, s:s}", "image", "busybox", "restart", "on-failure:3");

	(void)state;
	assert_int_equal(run_spec_decode(params, &rs, &err), 0);
	assert_int_equal(rs.restart.name, RESTART_ON_FAILURE);
	assert_int_equal(rs.restart.max_retries, 3);
	run_spec_free(&rs);
	json_object_set_new(params, "rm", json_true());
	assert_int_equal(run_spec_decode(params, &rs, &err), -EINVAL);
	assert_string_equal(err.msg, "conflicting options: --restart and --rm");
	lite_err_clear(&err);
	json_object_set_new(params, "restart", json_string("no"));
	assert_int_equal(run_spec_decode(params, &rs, &err), 0); /* --rm with "no" is fine */
	run_spec_free(&rs);
	json_decref(params);
}

static void
test_state_round_trip(void **state)
{
	struct ctr_spec s = { 0 }, s2;
	struct ctr_runtime rt = { 0 }, rt2;
	char errbuf[128];
	json_t *o;

	(void)state;
	strcpy(s.id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	strcpy(s.name, "web");
	strcpy(s.image, "busybox");
	s.restart = (struct restart_policy){ RESTART_UNLESS_STOPPED, 0 };
	rt.status = CTR_EXITED;
	rt.restart_count = 4;
	rt.user_stopped = true;
	strcpy(rt.health, "unhealthy");
	rt.health_streak = 7;
	o = ctr_state_to_json(&s, &rt);
	assert_non_null(o);
	assert_int_equal(ctr_state_from_json(o, &s2, &rt2, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(s2.restart.name, RESTART_UNLESS_STOPPED);
	assert_int_equal(rt2.restart_count, 4);
	assert_true(rt2.user_stopped);
	assert_string_equal(rt2.health, "unhealthy");
	assert_int_equal(rt2.health_streak, 7);
	json_decref(o);
	ctr_state_spec_clear(&s2);
	free(rt2.error);
	/* an older state without "ops": no policy, nothing counted */
	o = ctr_state_to_json(&s, &rt);
	json_object_del(o, "ops");
	assert_int_equal(ctr_state_from_json(o, &s2, &rt2, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(s2.restart.name, RESTART_NO);
	assert_int_equal(rt2.restart_count, 0);
	assert_string_equal(rt2.health, "");
	json_decref(o);
	ctr_state_spec_clear(&s2);
	free(rt2.error);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	    cmocka_unit_test(test_parse_bad), cmocka_unit_test(test_decide),
		cmocka_unit_test(test_backoff),	    cmocka_unit_test(test_run_spec),
		cmocka_unit_test(test_state_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
