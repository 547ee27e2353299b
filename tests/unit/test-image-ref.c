/* Unit tests of common/image-ref.c: Docker's reference grammar and its
 * normalisation to the familiar store key and the fully qualified name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "image-ref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct ref_case {
	const char *in;
	const char *key;  /* NULL: invalid */
	const char *full;
};

static void
test_ref_table(void **state)
{
	static const struct ref_case cases[] = {
		{ "busybox", "busybox:latest", "docker.io/library/busybox:latest" },
		{ "busybox:1.36", "busybox:1.36", "docker.io/library/busybox:1.36" },
		{ "library/busybox", "busybox:latest", "docker.io/library/busybox:latest" },
		{ "docker.io/library/busybox:latest", "busybox:latest", "docker.io/library/busybox:latest" },
		{ "docker.io/busybox", "busybox:latest", "docker.io/library/busybox:latest" },
		{ "index.docker.io/library/busybox", "busybox:latest", "docker.io/library/busybox:latest" },
		{ "user/app", "user/app:latest", "docker.io/user/app:latest" },
		{ "docker.io/user/app:2", "user/app:2", "docker.io/user/app:2" },
		{ "library/a/b", "library/a/b:latest", "docker.io/library/a/b:latest" },
		{ "host:5000/app", "host:5000/app:latest", "host:5000/app:latest" },
		{ "127.0.0.1:5000/lite/big:1", "127.0.0.1:5000/lite/big:1", "127.0.0.1:5000/lite/big:1" },
		{ "localhost/app", "localhost/app:latest", "localhost/app:latest" },
		{ "localhost:5000/a/b:v2", "localhost:5000/a/b:v2", "localhost:5000/a/b:v2" },
		{ "ghcr.io/o/r:T_1", "ghcr.io/o/r:T_1", "ghcr.io/o/r:T_1" },
		{ "Registry.Example.com/app", "Registry.Example.com/app:latest", "Registry.Example.com/app:latest" },
		{ "[::1]:5000/app", "[::1]:5000/app:latest", "[::1]:5000/app:latest" },
		{ "a__b/c.d-e--f", "a__b/c.d-e--f:latest", "docker.io/a__b/c.d-e--f:latest" },
		{ "busybox@sha256:" D64, "busybox@sha256:" D64, "docker.io/library/busybox@sha256:" D64 },
		{ "busybox:1@sha256:" D64, "busybox@sha256:" D64, "docker.io/library/busybox@sha256:" D64 },
		{ "h:1/x@sha256:" D64, "h:1/x@sha256:" D64, "h:1/x@sha256:" D64 },
		/* a docker.io path that reads as a host keeps its domain */
		{ "docker.io/a.b/c", "docker.io/a.b/c:latest", "docker.io/a.b/c:latest" },
		{ "docker.io/localhost/c", "docker.io/localhost/c:latest", "docker.io/localhost/c:latest" },
		{ "localhost", "localhost:latest", "docker.io/library/localhost:latest" },
		{ "a.b", "a.b:latest", "docker.io/library/a.b:latest" },
		/* invalid */
		{ "", NULL, NULL },
		{ "BusyBox", NULL, NULL },
		{ "user/App", NULL, NULL },
		{ "a:", NULL, NULL },
		{ ":t", NULL, NULL },
		{ "a/", NULL, NULL },
		{ "/a", NULL, NULL },
		{ "-a", NULL, NULL },
		{ "a-", NULL, NULL },
		{ ".a", NULL, NULL },
		{ "a..b", NULL, NULL },
		{ "a___b", NULL, NULL },
		{ "a b", NULL, NULL },
		{ "a:b c", NULL, NULL },
		{ "a:-t", NULL, NULL },
		{ "a:.t", NULL, NULL },
		{ "a//b", NULL, NULL },
		{ "host:po/app", NULL, NULL },
		{ "-host.io/app", NULL, NULL },
		{ "a@sha256:00", NULL, NULL },
		{ "a@sha256:" D64 "0", NULL, NULL },
		{ "a@SHA256:" D64, NULL, NULL },
		{ "a@" D64, NULL, NULL },
		{ "a@sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", NULL, NULL },
	};
	char key[600], full[600];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct image_ref r;
		const char *why = NULL;
		int e = image_ref_parse(cases[i].in, &r, &why);

		if (!cases[i].key) {
			if (e != -EINVAL)
				fail_msg("'%s': accepted, want invalid", cases[i].in);
			assert_non_null(why);
			continue;
		}
		if (e != 0)
			fail_msg("'%s': refused (%s)", cases[i].in, why ? why : "?");
		assert_int_equal(image_ref_key(&r, key, sizeof(key)), 0);
		assert_int_equal(image_ref_full(&r, full, sizeof(full)), 0);
		if (strcmp(key, cases[i].key) || strcmp(full, cases[i].full))
			fail_msg("'%s': key '%s' full '%s', want '%s' '%s'", cases[i].in, key, full, cases[i].key,
				 cases[i].full);
		assert_int_equal(image_ref_normalize(cases[i].in, key, sizeof(key)), 0);
		assert_string_equal(key, cases[i].key);
	}
}

static void
test_ref_messages(void **state)
{
	struct image_ref r;
	const char *why = NULL;

	(void)state;
	assert_int_equal(image_ref_parse("Busybox", &r, &why), -EINVAL);
	assert_string_equal(why, "repository name must be lowercase");
	assert_int_equal(image_ref_parse("a@sha256:1", &r, &why), -EINVAL);
	assert_non_null(strstr(why, "digest"));
	assert_int_equal(image_ref_parse("a:b/c", &r, &why), -EINVAL);
	assert_non_null(strstr(why, "registry"));
	assert_int_equal(image_ref_parse(NULL, &r, NULL), -EINVAL);
}

static void
test_ref_lengths(void **state)
{
	char s[400], buf[600];
	struct image_ref r;

	(void)state;
	/* tags: at most 128 */
	memset(s, 't', sizeof(s));
	memcpy(s, "a:", 2);
	s[2 + 128] = '\0';
	assert_int_equal(image_ref_parse(s, &r, NULL), 0);
	s[2 + 128] = 't';
	s[2 + 129] = '\0';
	assert_int_equal(image_ref_parse(s, &r, NULL), -EINVAL);
	/* names: at most 255 */
	memset(s, 'a', sizeof(s));
	s[255] = '\0';
	assert_int_equal(image_ref_parse(s, &r, NULL), -EINVAL); /* library/ + 255 > 255 */
	s[237] = '\0';	/* docker.io/library/ + 237 = 255: Docker counts the normalised name */
	assert_int_equal(image_ref_parse(s, &r, NULL), 0);
	s[237] = 'a';
	s[238] = '\0';
	assert_int_equal(image_ref_parse(s, &r, NULL), -EINVAL);
	s[238] = 'a';
	s[256] = '\0';
	assert_int_equal(image_ref_parse(s, &r, NULL), -EINVAL);
	/* buffers */
	assert_int_equal(image_ref_normalize("busybox", buf, 15), 0);
	assert_int_equal(image_ref_normalize("busybox", buf, 14), -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_table),
		cmocka_unit_test(test_ref_messages),
		cmocka_unit_test(test_ref_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
