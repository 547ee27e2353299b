/* Unit tests of client/client-opt.c: exact long option names (no getopt
 * prefix matching), Docker's boolean words and --flag=BOOL rewriting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "client-opt.h"

static const struct option opts[] = {
	{ "rm", no_argument, NULL, 1 }, { "detach", no_argument, NULL, 'd' },
	{ "device", required_argument, NULL, 2 }, { "device-read-bps", required_argument, NULL, 3 },
	{ "pids-limit", required_argument, NULL, 4 }, { "pid", required_argument, NULL, 5 },
	{ "interactive", no_argument, NULL, 'i' }, { 0 },
};

/* Check a NULL-terminated argv (copied, so it may be rewritten); returns
 * the check's result, the new argc in *n, and argv joined by spaces. */
static int
check(const char *const *in, int *n, char *joined, char *err)
{
	static char words[16][64];
	char *argv[17] = { 0 };
	int argc = 0, r;

	for (; in[argc]; argc++) {
		snprintf(words[argc], sizeof(words[argc]), "%s", in[argc]);
		argv[argc] = words[argc];
	}
	r = client_opt_check(&argc, argv, 1, "+dim:", opts, err, 256);
	joined[0] = '\0';
	for (int i = 0; i < argc; i++) {
		strcat(joined, argv[i]);
		if (i + 1 < argc)
			strcat(joined, " ");
	}
	assert_null(argv[argc]);
	*n = argc;
	return r;
}

static void
test_bool_words(void **state)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
	static const char *const bad[] = { "", "yes", "no", "2", "tru", "on", "-1" };
	bool b;

	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(client_opt_parse_bool(yes[i], &b), 0);
		assert_true(b);
		assert_int_equal(client_opt_parse_bool(no[i], &b), 0);
		assert_false(b);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(client_opt_parse_bool(bad[i], &b), -1);
}

static void
test_exact_names(void **state)
{
	char j[512], err[256];
	int n;

	assert_int_equal(check((const char *[]){ "run", "--device", "/dev/null", "img", NULL }, &n, j, err), 0);
	assert_int_equal(check((const char *[]){ "run", "--pid", "host", "img", NULL }, &n, j, err), 0);
	assert_int_equal(check((const char *[]){ "run", "--pid=host", "img", NULL }, &n, j, err), 0);
	assert_int_equal(check((const char *[]){ "run", "--devi", "x", "img", NULL }, &n, j, err), -1);
	assert_string_equal(err, "unknown flag: --devi");
	assert_int_equal(check((const char *[]){ "run", "--pids", "3", "img", NULL }, &n, j, err), -1);
	assert_string_equal(err, "unknown flag: --pids (did you mean --pids-limit?)");
	assert_int_equal(check((const char *[]){ "run", "--det", "img", NULL }, &n, j, err), -1);
	/* after the image (in-order parsing) nothing is checked: the command's own flags */
	assert_int_equal(check((const char *[]){ "run", "img", "--devi", NULL }, &n, j, err), 0);
	/* a value that looks like a flag is a value */
	assert_int_equal(check((const char *[]){ "run", "--device", "--devi", "img", NULL }, &n, j, err), 0);
	assert_int_equal(check((const char *[]){ "run", "-m", "-x", "img", NULL }, &n, j, err), 0);
	assert_int_equal(check((const char *[]){ "run", "--", "--devi", NULL }, &n, j, err), 0);
	assert_int_equal(check((const char *[]){ "run", "-x", "img", NULL }, &n, j, err), -1);
	assert_string_equal(err, "unknown shorthand flag: 'x' in -x");
	assert_int_equal(check((const char *[]){ "run", "--device", NULL }, &n, j, err), -1);
	assert_string_equal(err, "flag needs an argument: --device");
	assert_int_equal(check((const char *[]){ "run", "-dm", NULL }, &n, j, err), -1);
}

static void
test_bool_values(void **state)
{
	char j[512], err[256];
	int n;

	assert_int_equal(check((const char *[]){ "run", "--rm=true", "-d=1", "img", NULL }, &n, j, err), 0);
	assert_string_equal(j, "run --rm -d img");
	assert_int_equal(n, 4);
	assert_int_equal(check((const char *[]){ "run", "--rm=false", "-d=0", "-i", "img", NULL }, &n, j, err), 0);
	assert_string_equal(j, "run -i img");
	assert_int_equal(n, 3);
	assert_int_equal(check((const char *[]){ "run", "-id=false", "img", NULL }, &n, j, err), 0);
	assert_string_equal(j, "run -i img");
	assert_int_equal(check((const char *[]){ "run", "-id=True", "img", NULL }, &n, j, err), 0);
	assert_string_equal(j, "run -id img");
	assert_int_equal(check((const char *[]){ "run", "--rm=yes", "img", NULL }, &n, j, err), -1);
	assert_string_equal(err, "invalid argument \"yes\" for \"--rm\" flag: expected true or false");
	assert_int_equal(check((const char *[]){ "run", "-d=", "img", NULL }, &n, j, err), -1);
	/* a short flag's value after "=", as Docker reads it */
	assert_int_equal(check((const char *[]){ "run", "-m=100m", "-dm=1g", "img", NULL }, &n, j, err), 0);
	assert_string_equal(j, "run -m100m -dm1g img");
	/* a flag with a value keeps "=" as its separator */
	assert_int_equal(check((const char *[]){ "run", "--device=/dev/null", "img", NULL }, &n, j, err), 0);
	assert_string_equal(j, "run --device=/dev/null img");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bool_words),
		cmocka_unit_test(test_exact_names),
		cmocka_unit_test(test_bool_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
