/* Unit tests of client/auth-config.c: Docker's config.json "auths"
 * entries (keys, lookup, store, remove) and base64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "auth-config.h"

static void
test_b64(void **state)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar", "user:p@ss:w0rd" };
	static const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy",
				     "dXNlcjpwQHNzOncwcmQ=" };
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		char *e = auth_config_b64_encode(plain[i], strlen(plain[i]));
		char *d = auth_config_b64_decode(enc[i], &len);

		assert_string_equal(e, enc[i]);
		assert_non_null(d);
		assert_int_equal(len, strlen(plain[i]));
		assert_string_equal(d, plain[i]);
		free(e);
		free(d);
	}
	assert_null(auth_config_b64_decode("Zm9", &len));
	assert_null(auth_config_b64_decode("Zm=v", &len));
	assert_null(auth_config_b64_decode("Zm9*", &len));
}

static void
test_find(void **state)
{
	json_t *cfg = json_loads("{\"auths\":{"
				 "\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnNlY3JldA==\"},"
				 "\"127.0.0.1:5000\":{\"auth\":\"dTE6cDE=\"},"
				 "\"https://ghcr.io\":{\"auth\":\"dTI6cDI=\"},"
				 "\"broken.io\":{\"auth\":\"!!\"},"
				 "\"nocolon.io\":{\"auth\":\"dXNlcg==\"},"
				 "\"helper.io\":{}}}",
				 0, NULL);
	char *s;

	(void)state;
	assert_non_null(cfg);
	s = auth_config_find(cfg, "docker.io");
	assert_string_equal(s, "hub:secret");
	free(s);
	s = auth_config_find(cfg, "127.0.0.1:5000");
	assert_string_equal(s, "u1:p1");
	free(s);
	s = auth_config_find(cfg, "ghcr.io");
	assert_string_equal(s, "u2:p2");
	free(s);
	assert_null(auth_config_find(cfg, "127.0.0.1"));
	assert_null(auth_config_find(cfg, "127.0.0.1:50"));
	assert_null(auth_config_find(cfg, "broken.io"));
	assert_null(auth_config_find(cfg, "nocolon.io"));
	assert_null(auth_config_find(cfg, "helper.io"));
	assert_null(auth_config_find(NULL, "x.io"));
	json_decref(cfg);
}

static void
test_set_remove(void **state)
{
	json_t *cfg = json_loads("{\"credsStore\":\"x\",\"auths\":{\"http://r.io:5000/\":{\"auth\":\"YTpi\"}}}", 0,
				 NULL);
	char *s;

	(void)state;
	assert_int_equal(auth_config_set(cfg, "r.io:5000", "alice", "pw:with:colons"), 0);
	/* the old spelling is replaced, other keys kept */
	assert_null(json_object_get(json_object_get(cfg, "auths"), "http://r.io:5000/"));
	assert_string_equal(json_string_value(json_object_get(cfg, "credsStore")), "x");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(cfg, "auths"), "r.io:5000"),
							      "auth")),
			    "YWxpY2U6cHc6d2l0aDpjb2xvbnM=");
	s = auth_config_find(cfg, "r.io:5000");
	assert_string_equal(s, "alice:pw:with:colons");
	free(s);
	assert_int_equal(auth_config_set(cfg, "docker.io", "bob", "x"), 0);
	assert_non_null(json_object_get(json_object_get(cfg, "auths"), AUTH_CONFIG_HUB_KEY));
	assert_int_equal(auth_config_set(cfg, "r.io", "a:b", "x"), -EINVAL);
	assert_int_equal(auth_config_remove(cfg, "r.io:5000"), 1);
	assert_int_equal(auth_config_remove(cfg, "r.io:5000"), 0);
	assert_int_equal(auth_config_remove(cfg, "index.docker.io"), 1);
	assert_int_equal(json_object_size(json_object_get(cfg, "auths")), 0);
	json_decref(cfg);
	cfg = json_object();
	assert_int_equal(auth_config_set(cfg, "h", "u", ""), 0);
	s = auth_config_find(cfg, "h");
	assert_string_equal(s, "u:");
	free(s);
	json_decref(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_set_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
