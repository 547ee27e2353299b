/* Unit tests for daemon/lib/image-path.c: tar entry path sanitising (hostile and
 * ordinary names) and image reference normalisation. */
#include "image.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct path_case {
	const char *in;
	int ret;
	const char *out; /* expected result when ret == 0 */
};

static void
test_tar_path_table(void **state)
{
	static const struct path_case cases[] = {
		{ "a/b", 0, "a/b" },
		{ "./a/b", 0, "a/b" },
		{ "a/./b", 0, "a/b" },
		{ "././a", 0, "a" },
		{ "a/b/", 0, "a/b" },
		{ "a/b/.", 0, "a/b" },
		{ "/etc/passwd", 0, "etc/passwd" },
		{ "//etc//", 0, "etc" },
		{ "///etc/", 0, "etc" },
		{ "bin/busybox", 0, "bin/busybox" },
		{ ".wh..wh..opq", 0, ".wh..wh..opq" },
		{ "usr/.wh.lib", 0, "usr/.wh.lib" },
		{ "...", 0, "..." },
		{ "..a/b..", 0, "..a/b.." },
		{ ".", 0, "" },
		{ "./", 0, "" },
		{ "/", 0, "" },
		{ "", -EINVAL, NULL },
		{ "..", -EINVAL, NULL },
		{ "../x", -EINVAL, NULL },
		{ "a/../../x", -EINVAL, NULL },
		{ "a/..", -EINVAL, NULL },
		{ "a/../b", -EINVAL, NULL },
		{ "/../etc/passwd", -EINVAL, NULL },
		{ "./../x", -EINVAL, NULL },
		{ "a//b", -EINVAL, NULL },
		{ "a/.//b", -EINVAL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[PATH_MAX];
		int r = image_path_tar_clean(cases[i].in, buf, sizeof(buf));

		if (r != cases[i].ret)
			fail_msg("'%s': got %d, want %d", cases[i].in, r, cases[i].ret);
		if (r == 0)
			assert_string_equal(buf, cases[i].out);
	}
}

static void
test_tar_path_null(void **state)
{
	char buf[16];

	assert_int_equal(image_path_tar_clean(NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(image_path_tar_clean("a", buf, 0), -EINVAL);
}

static void
test_tar_path_long(void **state)
{
	char buf[PATH_MAX], *in;
	size_t n = 3 * PATH_MAX;

	/* One component longer than NAME_MAX. */
	in = malloc(NAME_MAX + 2);
	assert_non_null(in);
	memset(in, 'x', NAME_MAX + 1);
	in[NAME_MAX + 1] = '\0';
	assert_int_equal(image_path_tar_clean(in, buf, sizeof(buf)), -ENAMETOOLONG);
	in[NAME_MAX] = '\0'; /* exactly NAME_MAX is fine */
	assert_int_equal(image_path_tar_clean(in, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), NAME_MAX);
	free(in);

	/* Many short components adding up past the buffer. */
	in = malloc(n + 1);
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		in[i] = (i % 2) ? '/' : 'a';
	in[n] = '\0';
	assert_int_equal(image_path_tar_clean(in, buf, sizeof(buf)), -ENAMETOOLONG);
	free(in);

	/* Exactly filling the buffer: "aaaa" needs 5 bytes. */
	assert_int_equal(image_path_tar_clean("aaaa", buf, 5), 0);
	assert_int_equal(image_path_tar_clean("aaaa", buf, 4), -ENAMETOOLONG);
	assert_int_equal(image_path_tar_clean("./a/b", buf, 4), 0);
	assert_string_equal(buf, "a/b");
}

struct ref_case {
	const char *in;
	int ret;
	const char *out;
};

static void
test_ref_normalize_table(void **state)
{
	static const struct ref_case cases[] = {
		{ "busybox", 0, "busybox:latest" },
		{ "busybox:latest", 0, "busybox:latest" },
		{ "x:1.0", 0, "x:1.0" },
		{ "library/debian:bookworm-slim", 0, "debian:bookworm-slim" },
		{ "docker.io/library/busybox", 0, "busybox:latest" },
		{ "docker.io/user/app", 0, "user/app:latest" },
		{ "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", -EINVAL, NULL },
		{ "localhost:5000/x", 0, "localhost:5000/x:latest" },
		{ "localhost:5000/x:v2", 0, "localhost:5000/x:v2" },
		{ "my_app-2", 0, "my_app-2:latest" },
		{ "BusyBox", -EINVAL, NULL },
		{ "busybox:Latest", 0, "busybox:Latest" },
		{ "a:", -EINVAL, NULL },
		{ ":t", -EINVAL, NULL },
		{ "", -EINVAL, NULL },
		{ "x/", -EINVAL, NULL },
		{ "-x", -EINVAL, NULL },
		{ "a b", -EINVAL, NULL },
		{ "x:t/y", -EINVAL, NULL }, /* "x:t" is a registry host with a bad port */
		{ "x:-t", -EINVAL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[300];
		int r = image_path_ref_normalize(cases[i].in, buf, sizeof(buf));

		if (r != cases[i].ret)
			fail_msg("'%s': got %d, want %d", cases[i].in, r, cases[i].ret);
		if (r == 0)
			assert_string_equal(buf, cases[i].out);
	}
}

static void
test_ref_legacy(void **state)
{
	char buf[300];

	(void)state;
	assert_int_equal(image_path_ref_legacy("a..b", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a..b:latest");
	assert_int_equal(image_path_ref_legacy("docker.io/library/x", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker.io/library/x:latest");
	assert_int_equal(image_path_ref_legacy("x:t/y", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "x:t/y:latest");
	assert_int_equal(image_path_ref_legacy("A", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(image_path_ref_legacy("a/", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(image_path_ref_normalize("a..b", buf, sizeof(buf)), -EINVAL);
}

static void
test_ref_normalize_bounds(void **state)
{
	char buf[300], longref[300];

	assert_int_equal(image_path_ref_normalize(NULL, buf, sizeof(buf)), -EINVAL);
	/* "busybox:latest" needs 15 bytes. */
	assert_int_equal(image_path_ref_normalize("busybox", buf, 15), 0);
	assert_int_equal(image_path_ref_normalize("busybox", buf, 14), -ENAMETOOLONG);
	memset(longref, 'a', 256);
	longref[256] = '\0';
	assert_int_equal(image_path_ref_normalize(longref, buf, sizeof(buf)), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tar_path_table),
		cmocka_unit_test(test_tar_path_null),
		cmocka_unit_test(test_tar_path_long),
		cmocka_unit_test(test_ref_normalize_table),
		cmocka_unit_test(test_ref_normalize_bounds),
		cmocka_unit_test(test_ref_legacy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
