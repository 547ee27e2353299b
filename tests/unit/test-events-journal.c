/* Unit tests of the events journal (daemon/engine/events-journal.c): the
 * ring's bound, rotation, order, reopening and torn lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "events-journal.h"
#include "fs-util.h"

struct seen {
	int n;
	int first, last;
	int bad;
};

static void
count(const char *line, size_t len, void *arg)
{
	struct seen *s = arg;
	int v;

	if (sscanf(line, "{\"n\":%d}", &v) != 1 || line[len - 1] != '}') {
		s->bad++;
		return;
	}
	if (s->n == 0)
		s->first = v;
	else
		assert_int_equal(v, s->last + 1); /* oldest first, no gap */
	s->last = v;
	s->n++;
}

static void
append_n(struct events_journal *j, int from, int to)
{
	char line[64];

	for (int i = from; i < to; i++) {
		int len = snprintf(line, sizeof(line), "{\"n\":%d}", i);
		assert_int_equal(events_journal_append(j, line, (size_t)len), 0);
	}
}

static void
test_ring_events(void **state)
{
	char dir[] = "/tmp/test-events-journal.XXXXXX";
	struct events_journal j;
	struct seen s = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(events_journal_open(&j, dir, 100, 1 << 20), 0);
	append_n(&j, 0, 1234);
	events_journal_close(&j);
	events_journal_read(dir, count, &s);
	assert_int_equal(s.bad, 0);
	assert_true(s.n >= 50 && s.n <= 100); /* at least half the bound, never more */
	assert_int_equal(s.last, 1233);
	/* reopened: counting goes on in the current segment */
	assert_int_equal(events_journal_open(&j, dir, 100, 1 << 20), 0);
	append_n(&j, 1234, 1300);
	events_journal_close(&j);
	memset(&s, 0, sizeof(s));
	events_journal_read(dir, count, &s);
	assert_true(s.n >= 50 && s.n <= 100);
	assert_int_equal(s.last, 1299);
	fs_rm_rf(dir);
}

static void
test_ring_bytes(void **state)
{
	char dir[] = "/tmp/test-events-journal.XXXXXX", path[64];
	struct events_journal j;
	struct seen s = { 0 };
	char *buf = NULL;
	size_t len = 0, total = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(events_journal_open(&j, dir, 1000000, 4096), 0);
	append_n(&j, 0, 5000);
	events_journal_close(&j);
	snprintf(path, sizeof(path), "%s/events.log", dir);
	assert_int_equal(fs_read_file(path, &buf, &len), 0);
	total += len;
	free(buf);
	snprintf(path, sizeof(path), "%s/events.log.1", dir);
	assert_int_equal(fs_read_file(path, &buf, &len), 0);
	total += len;
	free(buf);
	assert_true(total <= 4096);
	events_journal_read(dir, count, &s);
	assert_int_equal(s.last, 4999);
	fs_rm_rf(dir);
}

static void
test_torn_line(void **state)
{
	char dir[] = "/tmp/test-events-journal.XXXXXX", path[64];
	struct events_journal j;
	struct seen s = { 0 };
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(events_journal_open(&j, dir, 100, 1 << 20), 0);
	append_n(&j, 0, 3);
	events_journal_close(&j);
	snprintf(path, sizeof(path), "%s/events.log", dir);
	f = fopen(path, "a");
	fputs("{\"n\":3", f); /* a crash mid-write */
	fclose(f);
	events_journal_read(dir, count, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.bad, 0); /* the torn last line is not handed out */
	/* reopened: the next line starts clean; the torn one is skipped */
	assert_int_equal(events_journal_open(&j, dir, 100, 1 << 20), 0);
	assert_int_equal(events_journal_append(&j, "{\"n\":3}", 7), 0);
	events_journal_close(&j);
	memset(&s, 0, sizeof(s));
	events_journal_read(dir, count, &s);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.bad, 1);
	assert_int_equal(s.last, 3);
	fs_rm_rf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_events),
		cmocka_unit_test(test_ring_bytes),
		cmocka_unit_test(test_torn_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
