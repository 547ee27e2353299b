/* Unit tests of daemon/docker/docker-image-filter.c: the filters query of
 * GET /images/json and POST /images/prune (both JSON shapes, unknown keys
 * refused), Docker's reference patterns, and matching over lite's image
 * list (dangling, label, label!, reference, before, since, until). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemon/docker/docker-image-filter.h"

static const char *const keys[] = { "dangling", "label", "label!", "reference", "before", "since", "until", NULL };

static json_t *
parse(const char *text)
{
	json_t *f = NULL;
	char err[256];

	assert_int_equal(docker_image_filter_parse(text, keys, &f, err, sizeof(err)), 0);
	return f;
}

static void
test_parse(void **state)
{
	json_t *f = parse("{\"label\":[\"a=b\",\"c\"]}"), *g;
	char err[256];

	(void)state;
	assert_int_equal(json_array_size(json_object_get(f, "label")), 2);
	json_decref(f);
	f = parse("{\"dangling\":{\"true\":true,\"x\":false}}");
	assert_int_equal(json_array_size(json_object_get(f, "dangling")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(f, "dangling"), 0)), "true");
	json_decref(f);
	f = parse(NULL);
	assert_int_equal(json_object_size(f), 0);
	json_decref(f);
	assert_int_equal(docker_image_filter_parse("{\"colour\":[\"red\"]}", keys, &g, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid filter 'colour'");
	assert_int_equal(docker_image_filter_parse("[1]", keys, &g, err, sizeof(err)), -1);
	assert_int_equal(docker_image_filter_parse("{\"label\":3}", keys, &g, err, sizeof(err)), -1);
}

static void
test_reference(void **state)
{
	(void)state;
	assert_true(docker_image_filter_reference("busy*", "busybox:latest"));
	assert_true(docker_image_filter_reference("busybox:1.*", "busybox:1.36"));
	assert_false(docker_image_filter_reference("busybox:1.*", "busybox:latest"));
	assert_true(docker_image_filter_reference("dkimg/*", "dkimg/one:v1"));
	/* '*' does not cross a '/' */
	assert_false(docker_image_filter_reference("*", "dkimg/one:v1"));
	assert_true(docker_image_filter_reference("127.0.0.1:5000/app", "127.0.0.1:5000/app:1"));
}

static json_t *
list(void)
{
	return json_loads("[{\"id\":\"sha256:aaaa1111\",\"repo_tags\":[\"new:1\"],\"created\":300,\"labels\":{\"k\":\"v\"}},"
			  "{\"id\":\"sha256:bbbb2222\",\"repo_tags\":[],\"created\":200},"
			  "{\"id\":\"sha256:cccc3333\",\"repo_tags\":[\"old:1\",\"other/x:2\"],\"created\":100}]",
			  0, NULL);
}

static int
count(const char *filters)
{
	json_t *l = list(), *f = parse(filters), *img;
	size_t i;
	int n = 0;

	json_array_foreach(l, i, img)
		n += docker_image_filter_match(f, img, l, 400);
	json_decref(l);
	json_decref(f);
	return n;
}

static void
test_match(void **state)
{
	(void)state;
	assert_int_equal(count("{}"), 3);
	assert_int_equal(count("{\"dangling\":[\"true\"]}"), 1);
	assert_int_equal(count("{\"dangling\":[\"false\"]}"), 2);
	assert_int_equal(count("{\"label\":[\"k\"]}"), 1);
	assert_int_equal(count("{\"label\":[\"k=v\"]}"), 1);
	assert_int_equal(count("{\"label\":[\"k=w\"]}"), 0);
	/* labels are ANDed */
	assert_int_equal(count("{\"label\":[\"k\",\"z\"]}"), 0);
	assert_int_equal(count("{\"label!\":[\"k\"]}"), 2);
	/* other values of one key are ORed */
	assert_int_equal(count("{\"reference\":[\"old\",\"new\"]}"), 2);
	assert_int_equal(count("{\"reference\":[\"other/*\"]}"), 1);
	assert_int_equal(count("{\"before\":[\"new:1\"]}"), 2);
	assert_int_equal(count("{\"since\":[\"cccc3333\"]}"), 2);
	assert_int_equal(count("{\"since\":[\"old:1\"]}"), 2);
	/* a name without a tag is NAME:latest */
	assert_int_equal(count("{\"since\":[\"old\"]}"), 0);
	assert_int_equal(count("{\"before\":[\"nosuch\"]}"), 0);
	assert_int_equal(count("{\"until\":[\"250\"]}"), 2);
	assert_int_equal(count("{\"until\":[\"150\"],\"dangling\":[\"false\"]}"), 1);
}

static void
test_created(void **state)
{
	json_t *l = list();

	(void)state;
	assert_int_equal(docker_image_filter_created(l, "old:1"), 100);
	assert_int_equal(docker_image_filter_created(l, "new"), -1);  /* new:latest */
	assert_int_equal(docker_image_filter_created(l, "bbbb"), 200);
	assert_int_equal(docker_image_filter_created(l, "sha256:bbbb2222"), 200);
	assert_int_equal(docker_image_filter_created(l, "bb"), -1);
	assert_int_equal(docker_image_filter_created(l, "nosuch"), -1);
	json_decref(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_created),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
