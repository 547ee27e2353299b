/* Unit tests for client/ps-format.c: ps filters and templates. */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ps-format.h"

static json_t *
row(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:s}", "id", "abcdef0123", "name", "web_1", "image", "busybox:latest",
			 "image_id", "sha256:feedbeef99", "labels", "tier", "front", "state", "running");
}

static void
test_filter_parse(void **state)
{
	struct ps_filter f;

	assert_int_equal(ps_format_filter_parse("status=exited", &f), 0);
	assert_int_equal(f.key, PS_F_STATUS);
	assert_string_equal(f.value, "exited");
	assert_int_equal(ps_format_filter_parse("name=web", &f), 0);
	assert_int_equal(f.key, PS_F_NAME);
	assert_int_equal(ps_format_filter_parse("label=a=b", &f), 0);
	assert_string_equal(f.value, "a=b");
	assert_int_equal(ps_format_filter_parse("status=sleepy", &f), -EINVAL);
	assert_int_equal(ps_format_filter_parse("colour=red", &f), -EINVAL);
	assert_int_equal(ps_format_filter_parse("status", &f), -EINVAL);
	assert_int_equal(ps_format_filter_parse("=x", &f), -EINVAL);
}

static void
test_filter_match(void **state)
{
	json_t *r = row();
	struct ps_filter f[3];

	ps_format_filter_parse("status=running", &f[0]);
	assert_true(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("status=exited", &f[1]);
	assert_true(ps_format_filter_match(f, 2, r)); /* same key: OR */
	ps_format_filter_parse("name=db", &f[2]);
	assert_false(ps_format_filter_match(f, 3, r)); /* other key: AND */
	ps_format_filter_parse("name=eb_", &f[0]);
	assert_true(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("id=abcd", &f[0]);
	assert_true(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("id=bcd", &f[0]);
	assert_false(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("ancestor=busybox", &f[0]);
	assert_true(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("ancestor=feedbeef", &f[0]);
	assert_true(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("ancestor=alpine", &f[0]);
	assert_false(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("label=tier", &f[0]);
	assert_true(ps_format_filter_match(f, 1, r));
	ps_format_filter_parse("label=tier=back", &f[0]);
	assert_false(ps_format_filter_match(f, 1, r));
	assert_true(ps_format_filter_match(f, 0, r));
	json_decref(r);
}

static void
expect_render(const char *tmpl, json_t *o, const char *want)
{
	char err[128], *s = ps_format_render(tmpl, o, err, sizeof(err));

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void
test_render(void **state)
{
	json_t *o = json_pack("{s:s, s:{s:s, s:i, s:b}, s:[s]}", "name", "web", "state", "status", "exited",
			      "exit_code", 3, "oom_killed", 0, "command", "sh");
	char err[128];

	expect_render("{{.Name}}", o, "web");
	expect_render("{{.State.Status}} {{.State.ExitCode}}", o, "exited 3");
	expect_render("{{ .State.OOMKilled }}", o, "false");
	expect_render("{{.state.exit_code}}", o, "3");
	expect_render("{{.Command}}", o, "[sh]");
	expect_render("{{json .Command}}", o, "[\"sh\"]");
	assert_null(ps_format_render("{{.Nope}}", o, err, sizeof(err))); /* bug 8: Go fails */
	assert_string_equal(err, "template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope");
	expect_render("a\\tb\\nc", o, "a\tb\nc");
	expect_render("plain", o, "plain");
	assert_null(ps_format_render("{{.Name", o, err, sizeof(err)));
	expect_render("{{json .State}}", o, "{\"status\":\"exited\",\"exit_code\":3,\"oom_killed\":false}");
	json_decref(o);
}

static void
test_header(void **state)
{
	char *h = ps_format_header("{{.ID}}\\t{{.Names}}\\t{{.RunningFor}}");

	assert_string_equal(h, "CONTAINER ID\tNAMES\tCREATED");
	free(h);
	assert_int_equal(ps_format_check("table {{.ID}}\\t{{.Names}}", NULL, 0), 0);
	assert_int_equal(ps_format_check("json", NULL, 0), 0);
	{
		char err[128];

		assert_int_equal(ps_format_check("{{.ID", err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "template: :1: unclosed action");
	}
	h = ps_format_table_header("image", "{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Whatever}}");
	assert_string_equal(h, "REPOSITORY:TAG\tIMAGE ID\tWHATEVER");
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_parse),
		cmocka_unit_test(test_filter_match),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
