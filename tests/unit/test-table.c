/* Unit tests for client/table.c: rows from tab-separated template lines,
 * printed aligned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "table.h"

/* Print t and return what it wrote to stdout. */
static char *
printed(struct table *t)
{
	FILE *f = tmpfile();
	int saved = dup(STDOUT_FILENO);
	char *buf = calloc(1, 4096);

	assert_non_null(f);
	fflush(stdout);
	dup2(fileno(f), STDOUT_FILENO);
	table_print(t);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	assert_true(fread(buf, 1, 4095, f) > 0);
	fclose(f);
	return buf;
}

static void
test_empty_cell_keeps_its_column(void **state)
{
	struct table *t = table_new(3);
	char head[] = "NAME\tPORTS\tSTATUS", row[] = "web\t\tUp", *out;

	(void)state;
	table_add_line(t, head);
	table_add_line(t, row);
	out = printed(t);
	/* STATUS's "Up" under STATUS, not under PORTS */
	assert_string_equal(out, "NAME   PORTS   STATUS\n"
				 "web            Up\n");
	free(out);
	table_free(t);
}

static void
test_short_line_pads_with_empty_cells(void **state)
{
	struct table *t = table_new(2);
	char head[] = "A\tB", row[] = "x", *out;

	(void)state;
	table_add_line(t, head);
	table_add_line(t, row);
	out = printed(t);
	assert_string_equal(out, "A   B\nx\n");
	free(out);
	table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_cell_keeps_its_column),
		cmocka_unit_test(test_short_line_pads_with_empty_cells),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
