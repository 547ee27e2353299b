/* Unit tests of the pure cgroup helpers in daemon/lib/cgroup-values.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "cgroup.h"

static void
test_cpu_quota(void **state)
{
	(void)state;
	assert_int_equal(cgroup_values_cpu_quota_us(0, 100000), 0); /* not set */
	assert_int_equal(cgroup_values_cpu_quota_us(500, 100000), 50000);
	assert_int_equal(cgroup_values_cpu_quota_us(1000, 100000), 100000);
	assert_int_equal(cgroup_values_cpu_quota_us(2500, 100000), 250000);
	assert_int_equal(cgroup_values_cpu_quota_us(64000, 100000), 6400000);
	/* Period 0 means the default 100 ms. */
	assert_int_equal(cgroup_values_cpu_quota_us(500, 0), 50000);
}

static void
test_cpu_quota_rounding(void **state)
{
	(void)state;
	/* 333 millicpus of 10001 us = 3330.333 -> 3330; 0.5 rounds up. */
	assert_int_equal(cgroup_values_cpu_quota_us(333, 10001), 3330);
	assert_int_equal(cgroup_values_cpu_quota_us(335, 10001), 3350);   /* 3350.335 */
	assert_int_equal(cgroup_values_cpu_quota_us(1500, 3333), 5000);   /* 4999.5 */
	assert_int_equal(cgroup_values_cpu_quota_us(1, 1500500), 1501);   /* 1500.5 */
}

static void
test_cpu_quota_minimum(void **state)
{
	(void)state;
	assert_int_equal(cgroup_values_cpu_quota_us(1, 100000), 1000);   /* 100 us */
	assert_int_equal(cgroup_values_cpu_quota_us(9, 100000), 1000);   /* 900 us */
	assert_int_equal(cgroup_values_cpu_quota_us(10, 100000), 1000);  /* exactly */
	assert_int_equal(cgroup_values_cpu_quota_us(11, 100000), 1100);
	/* Huge values saturate instead of wrapping around. */
	assert_true(cgroup_values_cpu_quota_us(UINT64_MAX, 100000) > 1000);
}

static void
test_v2_cpu_max(void **state)
{
	char buf[64];

	(void)state;
	cgroup_values_v2_cpu_max(0, 100000, buf, sizeof(buf));
	assert_string_equal(buf, "max 100000");
	cgroup_values_v2_cpu_max(500, 100000, buf, sizeof(buf));
	assert_string_equal(buf, "50000 100000");
	cgroup_values_v2_cpu_max(2000, 100000, buf, sizeof(buf));
	assert_string_equal(buf, "200000 100000");
	cgroup_values_v2_cpu_max(1, 100000, buf, sizeof(buf));
	assert_string_equal(buf, "1000 100000");
	cgroup_values_v2_cpu_max(0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "max 100000");
	/* A short buffer is truncated, still terminated. */
	cgroup_values_v2_cpu_max(500, 100000, buf, 6);
	assert_string_equal(buf, "50000");
}

static void
test_shares_to_weight(void **state)
{
	(void)state;
	assert_int_equal(cgroup_values_shares_to_weight(0), 0); /* not set */
	assert_int_equal(cgroup_values_shares_to_weight(2), 1);
	assert_int_equal(cgroup_values_shares_to_weight(1024), 39);
	assert_int_equal(cgroup_values_shares_to_weight(512), 20);
	assert_int_equal(cgroup_values_shares_to_weight(262144), 10000);
	/* Out of range is clamped to 2..262144. */
	assert_int_equal(cgroup_values_shares_to_weight(1), 1);
	assert_int_equal(cgroup_values_shares_to_weight(1000000), 10000);
	/* Same as crun's 1 + ((shares - 2) * 9999) / 262142. */
	for (uint64_t s = 2; s <= 262144; s += 1021)
		assert_int_equal(cgroup_values_shares_to_weight(s), 1 + ((s - 2) * 9999) / 262142);
}

static void
test_parse_oom_kill_v1(void **state)
{
	uint64_t v = 99;

	(void)state;
	assert_int_equal(cgroup_values_parse_oom_kill("oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cgroup_values_parse_oom_kill("oom_kill_disable 1\nunder_oom 1\noom_kill 3\n", &v), 0);
	assert_int_equal(v, 3);
	/* Old kernels have no oom_kill line: oom_kill_disable is not it. */
	v = 99;
	assert_int_equal(cgroup_values_parse_oom_kill("oom_kill_disable 0\nunder_oom 0\n", &v), -ENOENT);
	assert_int_equal(v, 99);
}

static void
test_parse_oom_kill_v2(void **state)
{
	uint64_t v = 99;

	(void)state;
	assert_int_equal(cgroup_values_parse_oom_kill("low 0\nhigh 0\nmax 17\noom 2\noom_kill 2\noom_group_kill 0\n", &v), 0);
	assert_int_equal(v, 2);
	/* Last line without a newline, large counter. */
	assert_int_equal(cgroup_values_parse_oom_kill("low 0\noom_kill 18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cgroup_values_parse_oom_kill("low 0\nhigh 0\nmax 0\noom 0\n", &v), -ENOENT);
}

static void
test_parse_oom_kill_bad(void **state)
{
	uint64_t v = 99;

	(void)state;
	assert_int_equal(cgroup_values_parse_oom_kill("", &v), -ENOENT);
	assert_int_equal(cgroup_values_parse_oom_kill("oom_kill\n", &v), -ENOENT);
	assert_int_equal(cgroup_values_parse_oom_kill("oom_kill x\n", &v), -EINVAL);
	assert_int_equal(cgroup_values_parse_oom_kill("oom_kill 12abc\n", &v), -EINVAL);
	assert_int_equal(cgroup_values_parse_oom_kill("oom_kill 99999999999999999999\n", &v), -ERANGE);
	assert_int_equal(cgroup_values_parse_oom_kill(NULL, &v), -EINVAL);
	assert_int_equal(v, 99);
}

static void
host_init(struct cgroup_host *h, enum cgroup_mode mode, const char *parent)
{
	memset(h, 0, sizeof(*h));
	h->mode = mode;
	strcpy(h->root, "/sys/fs/cgroup");
	strcpy(h->parent, parent);
}

static void
test_dir_v1(void **state)
{
	struct cgroup_host h;
	char buf[256];

	(void)state;
	host_init(&h, CGROUP_MODE_V1, "lite");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/memory/lite/abc");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_CPU, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/cpu/lite/abc");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_CPUSET, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/cpuset/lite/abc");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_PIDS, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/pids/lite/abc");
	host_init(&h, CGROUP_MODE_V1, "lite/test-1234");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_PIDS, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/pids/lite/test-1234/abc");
	host_init(&h, CGROUP_MODE_V1, "");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/memory/abc");
}

static void
test_dir_v2(void **state)
{
	struct cgroup_host h;
	char buf[256];

	(void)state;
	host_init(&h, CGROUP_MODE_V2, "lite");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/lite/abc");
	/* One directory for every controller. */
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_PIDS, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/lite/abc");
	host_init(&h, CGROUP_MODE_V2, "lite/test-1234");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_CPU, "abc", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/lite/test-1234/abc");
}

static void
test_dir_small_buffer(void **state)
{
	struct cgroup_host h;
	const char *want = "/sys/fs/cgroup/memory/lite/abc";
	char buf[64];

	(void)state;
	host_init(&h, CGROUP_MODE_V1, "lite");
	strcpy(buf, "untouched");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "abc", buf, strlen(want)), -ENAMETOOLONG);
	assert_string_equal(buf, "untouched");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "abc", buf, 0), -ENAMETOOLONG);
	/* Exactly enough room for the terminating NUL. */
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "abc", buf, strlen(want) + 1), 0);
	assert_string_equal(buf, want);
}

static void
test_dir_invalid(void **state)
{
	struct cgroup_host h;
	char buf[256];

	(void)state;
	host_init(&h, CGROUP_MODE_V1, "lite");
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, ".", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "..", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, "a/b", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MAX, "abc", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_values_dir(&h, CGROUP_CTL_MEMORY, NULL, buf, sizeof(buf)), -EINVAL);
}

static void
test_ctl_name(void **state)
{
	(void)state;
	assert_string_equal(cgroup_values_ctl_name(CGROUP_CTL_MEMORY), "memory");
	assert_string_equal(cgroup_values_ctl_name(CGROUP_CTL_CPU), "cpu");
	assert_string_equal(cgroup_values_ctl_name(CGROUP_CTL_CPUSET), "cpuset");
	assert_string_equal(cgroup_values_ctl_name(CGROUP_CTL_PIDS), "pids");
	assert_null(cgroup_values_ctl_name(CGROUP_CTL_MAX));
}

/* DelegateSubgroup=supervisor: the service cgroup is the leaf's parent. */
static void
test_delegated_base(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(cgroup_values_v2_delegated_base("0::/system.slice/containerd-lite.service/supervisor\n", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "system.slice/containerd-lite.service");
	/* hybrid hosts list v1 lines first */
	assert_int_equal(cgroup_values_v2_delegated_base("4:memory:/x\n0::/a.slice/b.service/supervisor\n", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a.slice/b.service");
}

/* Anything else keeps the engine's root-level sub-tree. */
static void
test_delegated_base_none(void **state)
{
	char buf[256], small[8];

	(void)state;
	/* systemd < 254 leaves the daemon in the service root */
	assert_int_equal(cgroup_values_v2_delegated_base("0::/system.slice/containerd-lite.service\n", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cgroup_values_v2_delegated_base("0::/user.slice/session-1.scope/supervisor\n", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cgroup_values_v2_delegated_base("0::/supervisor\n", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cgroup_values_v2_delegated_base("0::/\n", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cgroup_values_v2_delegated_base("4:memory:/lite\n", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(cgroup_values_v2_delegated_base("0::/s.slice/x.service/supervisor\n", small, sizeof(small)), -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_quota),
		cmocka_unit_test(test_cpu_quota_rounding),
		cmocka_unit_test(test_cpu_quota_minimum),
		cmocka_unit_test(test_v2_cpu_max),
		cmocka_unit_test(test_shares_to_weight),
		cmocka_unit_test(test_parse_oom_kill_v1),
		cmocka_unit_test(test_parse_oom_kill_v2),
		cmocka_unit_test(test_parse_oom_kill_bad),
		cmocka_unit_test(test_dir_v1),
		cmocka_unit_test(test_dir_v2),
		cmocka_unit_test(test_dir_small_buffer),
		cmocka_unit_test(test_dir_invalid),
		cmocka_unit_test(test_ctl_name),
		cmocka_unit_test(test_delegated_base),
		cmocka_unit_test(test_delegated_base_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
