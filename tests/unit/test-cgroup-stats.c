/* Unit tests of the parsers behind lite stats (daemon/lib/cgroup-stats.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "cgroup-stats.h"

static void
test_keyed_and_number(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cgroup_stats_keyed("cache 5\ninactive_file 42\ntotal_inactive_file 7\n", "inactive_file", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cgroup_stats_keyed("total_inactive_file 7\n", "total_inactive_file", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(cgroup_stats_keyed("total_inactive_file 7\n", "inactive_file", &v), -ENOENT);
	assert_int_equal(cgroup_stats_number("123\n", &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(cgroup_stats_number("max\n", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cgroup_stats_number("x", &v), -EINVAL);
}

static void
test_blkio(void **state)
{
	uint64_t r, w;

	(void)state;
	cgroup_stats_blkio("8:0 Read 4096\n8:0 Write 100\n8:0 Sync 1\n8:0 Total 4196\n8:16 Read 4\nTotal 4200\n", &r, &w);
	assert_int_equal(r, 4100);
	assert_int_equal(w, 100);
	cgroup_stats_blkio("8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n254:0 rbytes=1 wbytes=2\n", &r, &w);
	assert_int_equal(r, 11);
	assert_int_equal(w, 22);
}

static void
test_net_dev(void **state)
{
	static const char text[] =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
		"    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n"
		"  eth0:    2048       5    0    0    0     0          0         0      512       3    0    0    0     0       0          0\n";
	uint64_t rx, tx;

	(void)state;
	cgroup_stats_net_dev(text, &rx, &tx);
	assert_int_equal(rx, 2048);
	assert_int_equal(tx, 512);
}

static void
test_ticks(void **state)
{
	uint64_t t;

	(void)state;
	assert_int_equal(cgroup_stats_proc_stat_ticks("cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 1 1 1\n", &t), 0);
	assert_int_equal(t, 36);
	assert_int_equal(cgroup_stats_proc_stat_ticks("intr 1\n", &t), -EINVAL);
	assert_int_equal(cgroup_stats_pid_ticks("42 (a b) c) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 1 0", &t), 0);
	assert_int_equal(t, 13);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyed_and_number),
		cmocka_unit_test(test_blkio),
		cmocka_unit_test(test_net_dev),
		cmocka_unit_test(test_ticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
