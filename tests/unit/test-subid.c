/* Unit tests of daemon/lib/subid.c: /etc/subuid lines, the automatic
 * pool's allocation and id shifting (issue 11 A1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <cmocka.h>

#include "subid.h"

static const char subuid[] =
	"# comment\n"
	"alice:100000:65536\n"
	"broken line\n"
	"bob:165536:1000\n"
	"bob:200000:65536\n"
	"1005:300000:65536\n"
	"carol:x:65536\n"
	"dave:4294967295:2\n"
	"erin:400000:65536";

static void
test_find(void **state)
{
	struct subid_range r;

	(void)state;
	assert_int_equal(subid_find(subuid, "alice", 1001, SUBID_SIZE, &r), 1);
	assert_int_equal(r.start, 100000);
	assert_int_equal(r.count, 65536);
	/* bob's first range is too small: the second one */
	assert_int_equal(subid_find(subuid, "bob", 1002, SUBID_SIZE, &r), 1);
	assert_int_equal(r.start, 200000);
	/* by number */
	assert_int_equal(subid_find(subuid, "frank", 1005, SUBID_SIZE, &r), 1);
	assert_int_equal(r.start, 300000);
	assert_int_equal(subid_find(subuid, NULL, 1005, SUBID_SIZE, &r), 1);
	/* malformed and overflowing lines are skipped; a last line without \n reads */
	assert_int_equal(subid_find(subuid, "carol", 1003, 1, &r), 0);
	assert_int_equal(subid_find(subuid, "dave", 1004, 1, &r), 0);
	assert_int_equal(subid_find(subuid, "erin", 1006, SUBID_SIZE, &r), 1);
	assert_int_equal(subid_find(subuid, "nobody", 9999, 1, &r), 0);
	assert_int_equal(subid_find("", "alice", 1, 1, &r), 0);
	/* a prefix of a name is not the name */
	assert_int_equal(subid_find("alicex:1:65536\n", "alice", 1, 1, &r), 0);
}

static void
test_parse_all(void **state)
{
	struct subid_range *all = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(subid_parse_all(subuid, &all, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(all[4].start, 400000);
	free(all);
}

static void
test_alloc(void **state)
{
	struct subid_range pool = { 0x70000000u, 4 * SUBID_SIZE }, taken[2];
	uint32_t s;

	(void)state;
	assert_int_equal(subid_alloc(&pool, SUBID_SIZE, NULL, 0, &s), 0);
	assert_int_equal(s, 0x70000000u);
	/* a clash in the middle of block 0 and the start of block 1 */
	taken[0] = (struct subid_range){ 0x70000000u + 10, 5 };
	taken[1] = (struct subid_range){ 0x70000000u + SUBID_SIZE, 1 };
	assert_int_equal(subid_alloc(&pool, SUBID_SIZE, taken, 2, &s), 0);
	assert_int_equal(s, 0x70000000u + 2 * SUBID_SIZE);
	/* everything taken */
	taken[0] = (struct subid_range){ 0x6fffffffu, 4 * SUBID_SIZE + 2 };
	assert_int_equal(subid_alloc(&pool, SUBID_SIZE, taken, 1, &s), -ENOSPC);
	/* a pool at the top of the id space does not wrap */
	pool = (struct subid_range){ UINT32_MAX - SUBID_SIZE, SUBID_SIZE };
	assert_int_equal(subid_alloc(&pool, SUBID_SIZE, NULL, 0, &s), 0);
	assert_int_equal(s, UINT32_MAX - SUBID_SIZE);
}

static void
test_overlap_pool(void **state)
{
	struct subid_range a = { 100, 10 }, b = { 110, 5 }, c = { 109, 1 }, p;

	(void)state;
	assert_false(subid_overlap(&a, &b));
	assert_true(subid_overlap(&a, &c));
	assert_int_equal(subid_parse_pool("1879048192:268304384", &p), 0);
	assert_int_equal(p.start, 1879048192u);
	assert_int_equal(p.count, 268304384u);
	assert_int_equal(subid_parse_pool("12", &p), -EINVAL);
	assert_int_equal(subid_parse_pool(":1:2", &p), -EINVAL);
	assert_int_equal(subid_parse_pool("1:0", &p), -EINVAL);
	assert_int_equal(subid_parse_pool(NULL, &p), -EINVAL);
}

static void
test_shift(void **state)
{
	(void)state;
	assert_int_equal(subid_to_ctr(100000, 100000, 65536), 0);
	assert_int_equal(subid_to_ctr(165535, 100000, 65536), 65535);
	assert_int_equal(subid_to_ctr(165536, 100000, 65536), SUBID_OVERFLOW);
	assert_int_equal(subid_to_ctr(0, 100000, 65536), SUBID_OVERFLOW);
	assert_int_equal(subid_to_host(0, 100000, 65536), 100000);
	assert_int_equal(subid_to_host(1000, 100000, 65536), 101000);
	assert_int_equal(subid_to_host(65536, 100000, 65536), UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find), cmocka_unit_test(test_parse_all), cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_overlap_pool), cmocka_unit_test(test_shift),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
