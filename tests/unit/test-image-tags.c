/* Unit tests for daemon/lib/image-tags.c: both forms of a repositories.json
 * value, who may move a tag, and the caller's uid from the environment. */
#include "image-tags.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ID "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_old_string_form_is_roots(void **state)
{
	json_t *v = json_string(ID);

	assert_string_equal(image_tags_id(v), ID);
	assert_int_equal(image_tags_owner(v), 0);
	json_decref(v);
}

static void
test_value_forms(void **state)
{
	json_t *root = image_tags_value(ID, 0), *user = image_tags_value(ID, 1000);

	assert_true(json_is_string(root)); /* root's tags stay in the old form */
	assert_true(json_is_object(user));
	assert_string_equal(image_tags_id(user), ID);
	assert_int_equal(image_tags_owner(user), 1000);
	json_decref(root);
	json_decref(user);
}

static void
test_malformed(void **state)
{
	json_t *a = json_pack("{s:s}", "id", ID), *b = json_pack("{s:s, s:s}", "id", ID, "owner", "1000");
	json_t *c = json_integer(3);

	/* an object without a readable owner belongs to nobody: root only */
	assert_int_equal(image_tags_owner(a), (uid_t)-1);
	assert_int_equal(image_tags_owner(b), (uid_t)-1);
	assert_null(image_tags_id(c));
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void
test_check(void **state)
{
	json_t *repos = json_object();
	struct lite_err err = { 0 };

	json_object_set_new(repos, "busybox:latest", image_tags_value(ID, 0));
	json_object_set_new(repos, "mine:1", image_tags_value(ID, 1000));
	assert_int_equal(image_tags_check(repos, "busybox:latest", 0, &err), 0);
	assert_int_equal(image_tags_check(repos, "mine:1", 1000, &err), 0);
	assert_int_equal(image_tags_check(repos, "mine:1", 0, &err), 0);
	assert_int_equal(image_tags_check(repos, "new:1", 1001, &err), 0);
	assert_int_equal(image_tags_check(repos, "busybox:latest", 1000, &err), -EPERM);
	assert_non_null(strstr(err.msg, "busybox:latest"));
	assert_int_equal(image_tags_check(repos, "mine:1", 1001, &err), -EPERM);
	assert_int_equal(image_tags_check(repos, "mine:1", 1001, NULL), -EPERM);
	lite_err_clear(&err);
	json_decref(repos);
}

static void
test_caller(void **state)
{
	unsetenv("LITE_CALLER_UID");
	assert_int_equal(image_tags_caller(), 0);
	setenv("LITE_CALLER_UID", "1000", 1);
	assert_int_equal(image_tags_caller(), 1000);
	setenv("LITE_CALLER_UID", "0", 1);
	assert_int_equal(image_tags_caller(), 0);
	setenv("LITE_CALLER_UID", "12x", 1); /* never root by accident */
	assert_int_equal(image_tags_caller(), (uid_t)-1);
	setenv("LITE_CALLER_UID", "-5", 1);
	assert_true(image_tags_caller() != 0);
	unsetenv("LITE_CALLER_UID");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_string_form_is_roots),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
