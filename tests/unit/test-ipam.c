/* Unit tests of daemon/engine/ipam.c: allocation, release, exhaustion, the lease
 * file's format, reconciliation, and concurrent allocation by processes
 * (flock) that must never hand out one address twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fs-util.h"
#include "net.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-ipam.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return fs_rm_rf(dir);
}

static uint32_t
alloc(const char *subnet, const char *owner, uint32_t want, int expect)
{
	struct lite_err err = { 0 };
	struct net_cidr c;
	uint32_t ip = 0;

	net_cidr_parse(subnet, false, &c, NULL);
	assert_int_equal(ipam_alloc(dir, &c, c.addr + 1, owner, want, &ip, &err), expect);
	if (expect < 0) {
		assert_non_null(err.msg);
		assert_null(strchr(err.msg, '\n'));
	}
	lite_err_clear(&err);
	return ip;
}

static void
test_alloc_release(void **state)
{
	struct ipam_lease *l;
	size_t n;

	(void)state;
	/* gateway .1 is skipped; lowest free first; one lease per owner */
	assert_int_equal(alloc("10.1.0.0/24", "a", 0, 0), 0x0a010002);
	assert_int_equal(alloc("10.1.0.0/24", "b", 0, 0), 0x0a010003);
	assert_int_equal(alloc("10.1.0.0/24", "a", 0, 0), 0x0a010002);
	assert_int_equal(ipam_release(dir, "a"), 0);
	assert_int_equal(alloc("10.1.0.0/24", "c", 0, 0), 0x0a010002);
	assert_int_equal(ipam_release(dir, "nobody"), 0);
	assert_int_equal(ipam_list(dir, &l, &n), 0);
	assert_int_equal(n, 2);
	free(l);
}

static void
test_want(void **state)
{
	(void)state;
	assert_int_equal(alloc("10.1.0.0/24", "a", 0x0a010032, 0), 0x0a010032);
	alloc("10.1.0.0/24", "b", 0x0a010032, -EADDRINUSE);
	alloc("10.1.0.0/24", "b", 0x0a010001, -EINVAL);   /* the gateway */
	alloc("10.1.0.0/24", "b", 0x0a0100ff, -EINVAL);   /* broadcast */
	alloc("10.1.0.0/24", "b", 0x0a020005, -EINVAL);   /* another subnet */
}

static void
test_exhaustion(void **state)
{
	char owner[16];

	(void)state;
	/* a /29 has 6 host addresses, one of them the gateway */
	for (int i = 0; i < 5; i++) {
		snprintf(owner, sizeof(owner), "o%d", i);
		alloc("10.2.0.0/29", owner, 0, 0);
	}
	alloc("10.2.0.0/29", "late", 0, -ENOSPC);
	ipam_release(dir, "o3");
	assert_int_equal(alloc("10.2.0.0/29", "late", 0, 0), 0x0a020005);
}

static void
test_format(void **state)
{
	struct ipam_lease *l;
	size_t n;
	char *text;

	(void)state;
	assert_int_equal(ipam_parse("10.0.0.3 bbb\n10.0.0.2 aaa\ngarbage\n\n10.0.0.999 x\n", &l, &n), 0);
	assert_int_equal(n, 2);
	text = ipam_format(l, n);
	assert_string_equal(text, "10.0.0.2 aaa\n10.0.0.3 bbb\n"); /* sorted */
	free(text);
	free(l);
}

static bool
keep_a(const char *owner, void *arg)
{
	(void)arg;
	return strcmp(owner, "a") == 0;
}

static void
test_reconcile(void **state)
{
	char path[128], *text;
	size_t len;

	(void)state;
	alloc("10.1.0.0/24", "a", 0, 0);
	alloc("10.1.0.0/24", "gone1", 0, 0);
	alloc("10.1.0.0/24", "gone2", 0, 0);
	assert_int_equal(ipam_reconcile(dir, keep_a, NULL), 2);
	snprintf(path, sizeof(path), "%s/leases", dir);
	assert_int_equal(fs_read_file(path, &text, &len), 0);
	assert_string_equal(text, "10.1.0.2 a\n");
	free(text);
}

static void
test_concurrent(void **state)
{
	enum { PROCS = 8, EACH = 20 };
	struct ipam_lease *l;
	size_t n;

	(void)state;
	for (int p = 0; p < PROCS; p++) {
		if (fork() == 0) {
			struct net_cidr c;
			char owner[32];
			uint32_t ip;

			net_cidr_parse("10.3.0.0/16", false, &c, NULL);
			for (int i = 0; i < EACH; i++) {
				snprintf(owner, sizeof(owner), "p%d-%d", p, i);
				if (ipam_alloc(dir, &c, c.addr + 1, owner, 0, &ip, NULL) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int st;
		wait(&st);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(ipam_list(dir, &l, &n), 0);
	assert_int_equal(n, PROCS * EACH);
	for (size_t i = 1; i < n; i++)
		assert_true(l[i].ip > l[i - 1].ip); /* sorted and distinct */
	free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_want, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
