/* Unit tests of common/fs-walk.c: sizes of a small tree (hard links counted
 * at each name, as nftw did; symlinks reported, never followed), a tree
 * 3,000 levels deep walked and removed on a 64 KiB stack with 16 file
 * descriptors, and a budgeted removal that resumes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fs-util.h"
#include "fs-walk.h"

#define DEEP 3000

static char dir[64], outside[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-fs-walk.XXXXXX");
	snprintf(outside, sizeof(outside), "/tmp/test-fs-walk-out.XXXXXX");
	return mkdtemp(dir) && mkdtemp(outside) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	(void)fs_rm_rf(outside);
	return fs_rm_rf(dir);
}

static void
write_bytes(const char *path, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputc('x', f);
	fclose(f);
}

struct sizes {
	uint64_t reg_bytes, files, dirs, links;
};

static int
count(const struct stat *st, void *arg)
{
	struct sizes *s = arg;

	if (S_ISREG(st->st_mode)) {
		s->reg_bytes += (uint64_t)st->st_size;
		s->files++;
	} else if (S_ISDIR(st->st_mode)) {
		s->dirs++;
	} else if (S_ISLNK(st->st_mode)) {
		s->links++;
	}
	return 0;
}

static void
test_small_tree(void **state)
{
	char p[256], q[256];
	struct sizes s = { 0 };

	(void)state;
	snprintf(p, sizeof(p), "%s/a", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/a/f", dir);
	write_bytes(p, 100);
	snprintf(q, sizeof(q), "%s/a/hard", dir);
	assert_int_equal(link(p, q), 0); /* counted at each name, as nftw did */
	snprintf(p, sizeof(p), "%s/big", outside);
	write_bytes(p, 5000);
	snprintf(q, sizeof(q), "%s/a/to-outside", dir);
	assert_int_equal(symlink(outside, q), 0); /* never followed */
	snprintf(q, sizeof(q), "%s/a/to-file", dir);
	assert_int_equal(symlink(p, q), 0);
	snprintf(p, sizeof(p), "%s/g", dir);
	write_bytes(p, 7);

	assert_int_equal(fs_walk(dir, count, &s), 0);
	assert_int_equal(s.reg_bytes, 207);
	assert_int_equal(s.files, 3);
	assert_int_equal(s.dirs, 2); /* the top and a */
	assert_int_equal(s.links, 2);

	/* removing does not follow the symlinks either */
	assert_int_equal(fs_rm_rf(dir), 0);
	assert_int_equal(access(dir, F_OK), -1);
	snprintf(p, sizeof(p), "%s/big", outside);
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static void
test_missing(void **state)
{
	struct sizes s = { 0 };

	(void)state;
	assert_int_equal(fs_walk("/nonexistent/fs-walk", count, &s), 0);
	assert_int_equal(s.dirs, 0);
	assert_int_equal(fs_walk_rm("/nonexistent/fs-walk", 0), 0);
}

/* DEEP levels of "d", each with a 1-byte file, built with two fds. */
static void
make_deep(void)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	for (int i = 0; i < DEEP; i++) {
		int f = openat(fd, "f", O_WRONLY | O_CREAT, 0644), n;

		assert_true(f >= 0);
		assert_int_equal(write(f, "x", 1), 1);
		close(f);
		assert_int_equal(mkdirat(fd, "d", 0755), 0);
		n = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		assert_true(n >= 0);
		close(fd);
		fd = n;
	}
	close(fd);
}

struct deep_result {
	struct sizes s;
	int walk, rm;
};

static void *
deep_thread(void *arg)
{
	struct deep_result *res = arg;

	res->walk = fs_walk(dir, count, &res->s);
	res->rm = fs_walk_rm(dir, 0);
	return NULL;
}

static void
test_deep_tree(void **state)
{
	struct deep_result res = { 0 };
	struct rlimit old, few = { 16, 16 };
	pthread_attr_t attr;
	pthread_t t;

	(void)state;
	make_deep();
	/* recursion per level would need megabytes of stack, an fd per level
	 * thousands of fds */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	few.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &few), 0);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	assert_int_equal(pthread_create(&t, &attr, deep_thread, &res), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(res.walk, 0);
	assert_int_equal(res.s.dirs, DEEP + 1);
	assert_int_equal(res.s.reg_bytes, DEEP);
	assert_int_equal(res.rm, 0);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static void
test_budget(void **state)
{
	char p[256];
	int r, rounds = 0;

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(p, sizeof(p), "%s/sub%d", dir, i % 5);
		(void)mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/sub%d/f%d", dir, i % 5, i);
		write_bytes(p, 1);
	}
	while ((r = fs_walk_rm(dir, 10)) == -EAGAIN)
		rounds++;
	assert_int_equal(r, 0);
	assert_true(rounds >= 4);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(mkdir(dir, 0700), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
