/* daemon.json's limit keys: defaults, accepted forms, refused values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "daemon-limits.h"

static int
load(struct daemon_limits *l, const char *json)
{
	struct lite_err err = { 0 };
	json_t *o = json_loads(json, 0, NULL);
	int r;

	assert_non_null(o);
	r = daemon_limits_load(l, o, &err);
	if (r < 0)
		assert_non_null(err.msg);
	lite_err_clear(&err);
	json_decref(o);
	return r;
}

static void
test_defaults(void **state)
{
	struct daemon_limits l;

	(void)state;
	daemon_limits_init(&l);
	assert_int_equal(load(&l, "{}"), 0);
	assert_int_equal(l.max_conns_per_user, 64);
	assert_int_equal(l.max_conns, 1024);
	assert_int_equal(l.request_timeout_ms, 30000);
	assert_int_equal(l.max_ctrs_per_user, 256);
	assert_true(l.max_upload_size == 32ULL << 30);
	assert_true(l.allow_nonroot_pull);
	assert_false(daemon_limits_insecure_ok(&l, "127.0.0.1:5000"));
	daemon_limits_free(&l);
}

static void
test_values(void **state)
{
	struct daemon_limits l;

	(void)state;
	daemon_limits_init(&l);
	assert_int_equal(load(&l, "{\"max-connections-per-user\":8,\"request-timeout\":\"2s\","
				  "\"max-containers-per-user\":3,\"max-upload-size\":\"8m\",\"max-layer-size\":4096,"
				  "\"max-layer-entries\":5,\"insecure-registries\":[\"127.0.0.1:5000\",\"reg.lan\"],"
				  "\"allow-nonroot-pull\":false}"),
			 0);
	assert_int_equal(l.max_conns_per_user, 8);
	assert_int_equal(l.request_timeout_ms, 2000);
	assert_int_equal(l.max_ctrs_per_user, 3);
	assert_true(l.max_upload_size == 8ULL << 20);
	assert_true(l.max_layer_size == 4096);
	assert_true(l.max_layer_entries == 5);
	assert_false(l.allow_nonroot_pull);
	assert_true(daemon_limits_insecure_ok(&l, "127.0.0.1:5000"));
	assert_true(daemon_limits_insecure_ok(&l, "reg.lan"));
	assert_false(daemon_limits_insecure_ok(&l, "127.0.0.1"));
	assert_int_equal(load(&l, "{\"request-timeout\":0}"), 0);
	assert_int_equal(l.request_timeout_ms, 0);
	assert_int_equal(load(&l, "{\"request-timeout\":\"500ms\"}"), 0);
	assert_int_equal(l.request_timeout_ms, 500);
	daemon_limits_free(&l);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"{\"max-connections-per-user\":0}", "{\"max-connections\":\"many\"}",
		"{\"max-containers-per-user\":-1}", "{\"max-upload-size\":\"huge\"}", "{\"max-upload-size\":0}",
		"{\"request-timeout\":\"soon\"}", "{\"request-timeout\":-1}", "{\"request-timeout\":\"48h\"}",
		"{\"insecure-registries\":\"reg\"}", "{\"insecure-registries\":[\"http://reg/\"]}",
		"{\"insecure-registries\":[1]}", "{\"allow-nonroot-pull\":\"yes\"}",
	};
	struct daemon_limits l;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		daemon_limits_init(&l);
		if (load(&l, bad[i]) != -EINVAL)
			fail_msg("accepted %s", bad[i]);
		daemon_limits_free(&l);
	}
}

static void
test_mirrors(void **state)
{
	static const char *const bad[] = {
		"{\"registry-mirrors\":\"https://m\"}", "{\"registry-mirrors\":[\"m.example.com\"]}",
		"{\"registry-mirrors\":[\"ftp://m\"]}", "{\"registry-mirrors\":[\"https://\"]}",
		"{\"registry-mirrors\":[\"https://a,b\"]}", "{\"registry-mirrors\":[\"https://a b\"]}",
		"{\"registry-mirrors\":[3]}",
	};
	struct daemon_limits l;
	struct lite_err err = { 0 };
	json_t *o;

	(void)state;
	daemon_limits_init(&l);
	assert_null(l.registry_mirrors);
	assert_int_equal(load(&l, "{\"registry-mirrors\":[\"https://m1.example.com/\",\"http://10.0.0.5:5000\"]}"), 0);
	assert_string_equal(l.registry_mirrors[0], "https://m1.example.com");
	assert_string_equal(l.registry_mirrors[1], "http://10.0.0.5:5000");
	assert_null(l.registry_mirrors[2]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = json_loads(bad[i], 0, NULL);
		assert_non_null(o);
		if (daemon_limits_load(&l, o, &err) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(err.msg, "registry-mirrors"));
		lite_err_clear(&err);
		json_decref(o);
	}
	daemon_limits_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_mirrors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
