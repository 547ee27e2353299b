/* The pure parts of lite pull: references with Docker's defaults,
 * WWW-Authenticate challenges, platform selection from an index. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "image-manifest.h"
#include "image-pull.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void
ref_ok(const char *in, const char *reg, const char *repo, const char *tag, const char *digest, const char *local)
{
	struct lite_err err = { 0 };
	struct pull_ref r;

	assert_int_equal(image_pull_ref_parse(in, &r, &err), 0);
	assert_string_equal(r.registry, reg);
	assert_string_equal(r.repo, repo);
	assert_string_equal(r.tag, tag);
	assert_string_equal(r.digest, digest);
	assert_string_equal(r.local, local);
}

static void
test_ref_defaults(void **state)
{
	(void)state;
	ref_ok("busybox", "docker.io", "library/busybox", "latest", "", "busybox:latest");
	ref_ok("busybox:1.36", "docker.io", "library/busybox", "1.36", "", "busybox:1.36");
	ref_ok("user/app", "docker.io", "user/app", "latest", "", "user/app:latest");
	ref_ok("docker.io/library/alpine:3", "docker.io", "library/alpine", "3", "", "alpine:3");
	ref_ok("index.docker.io/x/y", "docker.io", "x/y", "latest", "", "x/y:latest");
	ref_ok("127.0.0.1:5000/a/b:v1", "127.0.0.1:5000", "a/b", "v1", "", "127.0.0.1:5000/a/b:v1");
	ref_ok("localhost/app", "localhost", "app", "latest", "", "localhost/app:latest");
	ref_ok("ghcr.io/o/r@sha256:" HEX_A, "ghcr.io", "o/r", "", "sha256:" HEX_A, "");
	ref_ok("ghcr.io/o/r:t@sha256:" HEX_A, "ghcr.io", "o/r", "t", "sha256:" HEX_A, "ghcr.io/o/r:t");
}

static void
test_ref_invalid(void **state)
{
	static const char *const bad[] = { "", "Busybox", "a//b", "a:", "a@sha256:123", ("a@md5:" HEX_A),
					   "reg.io/", "a/b:t/c", "-a" };
	struct lite_err err = { 0 };
	struct pull_ref r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(image_pull_ref_parse(bad[i], &r, &err), -EINVAL);
		lite_err_clear(&err);
	}
}

static void
test_ref_hosts(void **state)
{
	struct lite_err err = { 0 };
	struct pull_ref r;

	(void)state;
	assert_int_equal(image_pull_ref_parse("busybox", &r, &err), 0);
	assert_string_equal(image_pull_ref_api_host(&r), "registry-1.docker.io");
	assert_false(image_pull_ref_is_local(&r));
	assert_int_equal(image_pull_ref_parse("127.0.0.1:5000/x", &r, &err), 0);
	assert_true(image_pull_ref_is_local(&r));
	assert_int_equal(image_pull_ref_parse("localhost.example.com/x", &r, &err), 0);
	assert_false(image_pull_ref_is_local(&r));
}

static void
test_challenge(void **state)
{
	struct pull_challenge c;

	(void)state;
	assert_int_equal(image_pull_auth_parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
						    "scope=\"repository:library/busybox:pull\"", &c), 0);
	assert_string_equal(c.scheme, "Bearer");
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/busybox:pull");
	assert_string_equal(c.error, "");
	assert_int_equal(image_pull_auth_parse("Bearer realm=\"http://a/t\",service=\"s\",error=\"invalid_token\"", &c), 0);
	assert_string_equal(c.realm, "http://a/t");
	assert_string_equal(c.error, "invalid_token");
	assert_int_equal(image_pull_auth_parse("Basic realm=\"lite test\"", &c), 0);
	assert_string_equal(c.scheme, "Basic");
	assert_string_equal(c.realm, "lite test");
	assert_int_equal(image_pull_auth_parse("bearer realm=x, scope=\"a\\\"b\"", &c), 0);
	assert_string_equal(c.realm, "x");
	assert_string_equal(c.scope, "a\"b");
	assert_int_equal(image_pull_auth_parse("Negotiate abc", &c), -EINVAL);
	assert_int_equal(image_pull_auth_parse("", &c), -EINVAL);
}

static void
test_platform(void **state)
{
	json_t *idx = json_pack("{s:[{s:s,s:{s:s,s:s}},{s:s,s:{s:s,s:s}}]}", "manifests", "digest",
				"sha256:" HEX_A, "platform", "os", "linux", "architecture", "arm64", "digest",
				"sha256:" HEX_B, "platform", "os", "linux", "architecture", "amd64");
	struct lite_err err = { 0 };
	char hex[65];

	(void)state;
	assert_int_equal(image_manifest_index_pick(idx, "linux", "amd64", hex, &err), 0);
	assert_string_equal(hex, HEX_B);
	assert_int_equal(image_manifest_index_pick(idx, "linux", "arm64", hex, &err), 0);
	assert_string_equal(hex, HEX_A);
	assert_int_equal(image_manifest_index_pick(idx, "linux", "s390x", hex, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no image for platform linux/s390x"));
	lite_err_clear(&err);
	json_decref(idx);
}

/* The non-root pull policy: listed registries, internal addresses. */
static void
test_policy(void **state)
{
	(void)state;
	assert_true(image_pull_ref_listed("127.0.0.1:5000,reg.lan", "reg.lan"));
	assert_true(image_pull_ref_listed("127.0.0.1:5000,reg.lan", "127.0.0.1:5000"));
	assert_false(image_pull_ref_listed("127.0.0.1:5000,reg.lan", "127.0.0.1"));
	assert_false(image_pull_ref_listed("127.0.0.1:5000,reg.lan", "reg"));
	assert_false(image_pull_ref_listed("127.0.0.1:50000", "127.0.0.1:5000"));
	assert_false(image_pull_ref_listed("", "docker.io"));
	assert_false(image_pull_ref_listed(NULL, "docker.io"));
}

static bool
internal4(const char *ip)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return image_pull_ref_addr_internal((struct sockaddr *)&a);
}

static bool
internal6(const char *ip)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };

	assert_int_equal(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
	return image_pull_ref_addr_internal((struct sockaddr *)&a);
}

static void
test_internal_addr(void **state)
{
	(void)state;
	assert_true(internal4("127.0.0.1"));
	assert_true(internal4("127.1.2.3"));
	assert_true(internal4("0.0.0.0"));
	assert_true(internal4("169.254.169.254"));
	assert_true(internal4("224.0.0.1"));
	assert_false(internal4("10.0.0.1"));
	assert_false(internal4("93.184.216.34"));
	assert_true(internal6("::1"));
	assert_true(internal6("::"));
	assert_true(internal6("fe80::1"));
	assert_true(internal6("ff02::1"));
	assert_true(internal6("::ffff:127.0.0.1"));
	assert_true(internal6("::ffff:169.254.1.1"));
	assert_false(internal6("::ffff:93.184.216.34"));
	assert_false(internal6("2001:db8::1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_defaults), cmocka_unit_test(test_ref_invalid),
		cmocka_unit_test(test_ref_hosts), cmocka_unit_test(test_challenge), cmocka_unit_test(test_platform),
		cmocka_unit_test(test_policy), cmocka_unit_test(test_internal_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
