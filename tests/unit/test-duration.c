/* Unit tests of the duration parser (common/duration.c) behind
 * --health-interval, --health-timeout and --health-start-period. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "duration.h"

#define MS 1000000LL
#define S (1000 * MS)

static void
test_parse_ok(void **state)
{
	static const struct { const char *in; int64_t ns; } cases[] = {
		{ "0", 0 }, { "0s", 0 }, { "500ms", 500 * MS }, { "30s", 30 * S }, { "1m30s", 90 * S },
		{ "1m", 60 * S }, { "2h", 7200 * S }, { "1.5s", 1500 * MS }, { "1h1m1s", 3661 * S },
		{ "10us", 10000 }, { "7ns", 7 }, { "0.5m", 30 * S },
	};
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = -1;
		assert_int_equal(duration_parse(cases[i].in, &v), 0);
		assert_int_equal(v, cases[i].ns);
	}
}

static void
test_parse_bad(void **state)
{
	static const char *bad[] = { "", "10", "s", "-1s", "1x", "1.s5", "1 s", "ms", "1m30", "abc", "1.5.5s" };
	int64_t v = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(duration_parse(bad[i], &v), -EINVAL);
	assert_int_equal(duration_parse("99999999999999999999h", &v), -ERANGE);
	assert_int_equal(duration_parse("9999999h", &v), -ERANGE);
	assert_int_equal(v, 42);
}

static void
test_format(void **state)
{
	char buf[32];

	(void)state;
	duration_format(90 * S, buf, sizeof(buf));
	assert_string_equal(buf, "1m30s");
	duration_format(500 * MS, buf, sizeof(buf));
	assert_string_equal(buf, "500ms");
	duration_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "0s");
	duration_format(3600 * S, buf, sizeof(buf));
	assert_string_equal(buf, "1h");
	duration_format(1500 * MS, buf, sizeof(buf));
	assert_string_equal(buf, "1.500s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
