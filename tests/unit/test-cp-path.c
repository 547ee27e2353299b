/* Unit tests of lite cp's path rules (common/cp-path.c): Docker's
 * semantics for where a copy lands, base names, entry-name rewriting and
 * the CONTAINER:PATH split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "cp-path.h"

static void
test_base(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "/a/b", "b" }, { "/a/b/", "b" }, { "/a/b/.", "b" }, { "b", "b" },
		{ "/", "." }, { "/.", "." }, { "a/b/./", "b" }, { "/a//", "a" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(cp_path_base(cases[i].in, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].out);
	}
	assert_int_equal(cp_path_base("/abcdef", buf, 3), -ENAMETOOLONG);
}

static void
test_contents_only(void **state)
{
	(void)state;
	assert_true(cp_path_contents_only("/d/."));
	assert_true(cp_path_contents_only("."));
	assert_false(cp_path_contents_only("/d/"));
	assert_false(cp_path_contents_only("/d/.x"));
}

static void
test_target(void **state)
{
	static const struct {
		bool dir, contents;
		const char *base, *dest;
		enum cp_dest_kind kind;
		int r;
		const char *out;
	} cases[] = {
		{ false, false, "f", "/x", CP_DEST_MISSING, 0, "/x" },
		{ false, false, "f", "/x/", CP_DEST_MISSING, -ENOENT, NULL },
		{ false, false, "f", "/x", CP_DEST_DIR, 0, "/x/f" },
		{ false, false, "f", "/x/", CP_DEST_DIR, 0, "/x/f" },
		{ false, false, "f", "/x", CP_DEST_OTHER, 0, "/x" },
		{ false, false, "f", "/x/", CP_DEST_OTHER, -ENOTDIR, NULL },
		{ true, false, "d", "/x", CP_DEST_MISSING, 0, "/x" },
		{ true, false, "d", "/x/", CP_DEST_MISSING, 0, "/x/" },
		{ true, false, "d", "/x", CP_DEST_DIR, 0, "/x/d" },
		{ true, true, "d", "/x", CP_DEST_DIR, 0, "/x" },
		{ true, false, "d", "/x", CP_DEST_OTHER, -ENOTDIR, NULL },
		{ true, false, ".", "/x", CP_DEST_DIR, 0, "/x" },
	};
	char buf[64];
	const char *msg;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = cp_path_target(cases[i].dir, cases[i].contents, cases[i].base, cases[i].dest, cases[i].kind, buf,
				       sizeof(buf), &msg);

		assert_int_equal(r, cases[i].r);
		if (r == 0)
			assert_string_equal(buf, cases[i].out);
		else
			assert_non_null(msg);
	}
}

static void
test_rewrite(void **state)
{
	static const struct { const char *name, *base, *target; int r; const char *out; } cases[] = {
		{ "d", "d", "/x/d", 0, "/x/d" },
		{ "d/", "d", "/x/d", 0, "/x/d" },
		{ "d/a/b", "d", "/x", 0, "/x/a/b" },
		{ "./d/a", "d", "/x", 0, "/x/a" },
		{ "a/b", "", "/x/", 0, "/x/a/b" },
		{ "dd/a", "d", "/x", -EINVAL, NULL },
		{ "d/../etc", "d", "/x", -EINVAL, NULL },
		{ "/etc/passwd", "", "/x", -EINVAL, NULL },
		{ "..", "", "/x", -EINVAL, NULL },
		{ "x/..", "", "/x", -EINVAL, NULL },
		{ "a..b", "", "/x", 0, "/x/a..b" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = cp_path_rewrite(cases[i].name, cases[i].base, cases[i].target, buf, sizeof(buf));

		assert_int_equal(r, cases[i].r);
		if (r == 0)
			assert_string_equal(buf, cases[i].out);
	}
}

static void
test_split(void **state)
{
	char c[16];
	const char *p;

	(void)state;
	assert_true(cp_path_split("web:/etc", c, sizeof(c), &p));
	assert_string_equal(c, "web");
	assert_string_equal(p, "/etc");
	assert_true(cp_path_split("web:", c, sizeof(c), &p));
	assert_string_equal(p, "");
	assert_false(cp_path_split("/tmp/a:b", c, sizeof(c), &p));
	assert_false(cp_path_split("./a:b", c, sizeof(c), &p));
	assert_false(cp_path_split("dir/a:b", c, sizeof(c), &p));
	assert_false(cp_path_split("-", c, sizeof(c), &p));
	assert_false(cp_path_split(":x", c, sizeof(c), &p));
	assert_false(cp_path_split("averyveryverylongname:x", c, sizeof(c), &p));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base),	cmocka_unit_test(test_contents_only), cmocka_unit_test(test_target),
		cmocka_unit_test(test_rewrite), cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
