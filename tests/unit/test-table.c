/* Unit tests for client/table.c: column layout, and a borrowed table
 * (ps's rows) printing the same as a copying one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "table.h"

/* t printed to a temp file, returned as a heap string. */
static char *
printed(struct table *t)
{
	FILE *f = tmpfile();
	int saved = dup(STDOUT_FILENO);
	char *buf = calloc(1, 16384);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	fflush(stdout);
	dup2(fileno(f), STDOUT_FILENO);
	table_print(t);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	n = fread(buf, 1, 16383, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* each column as wide as its widest cell plus three spaces; nothing
 * after a row's last non-empty cell */
static const char *expect = "ID    NAME    X\n"
			    "a     web_1\n"
			    "bcd   db      long cell\n";

static void
fill(struct table *t)
{
	table_add(t, (const char *[]){ "ID", "NAME", "X" });
	table_add(t, (const char *[]){ "a", "web_1", NULL });
	table_add(t, (const char *[]){ "bcd", "db", "long cell" });
}

static void
test_layout(void **state)
{
	struct table *t = table_new(3);
	char *out;

	fill(t);
	out = printed(t);
	assert_string_equal(out, expect);
	free(out);
	table_free(t);
}

static void
test_borrowed(void **state)
{
	struct table *t = table_new_borrowed(3);
	char cell[] = "bcd", *out;

	table_add(t, (const char *[]){ "ID", "NAME", "X" });
	table_add(t, (const char *[]){ "a", "web_1", NULL });
	table_add(t, (const char *[]){ cell, "db", "long cell" });
	out = printed(t);
	assert_string_equal(out, expect);
	free(out);
	cell[0] = 'x'; /* borrowed: the table shows the caller's string as it is now */
	out = printed(t);
	assert_non_null(strstr(out, "xcd   db"));
	free(out);
	table_free(t); /* frees none of the cells */
}

static void
test_many_rows(void **state)
{
	struct table *t = table_new_borrowed(2);
	char *out;
	size_t lines = 0;

	for (int i = 0; i < 1000; i++)
		table_add(t, (const char *[]){ i % 2 ? "odd" : "even", "x" });
	out = printed(t);
	for (char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 1000);
	assert_memory_equal(out, "even   x\nodd    x\n", 18);
	free(out);
	table_free(t);
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
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_borrowed),
		cmocka_unit_test(test_empty_cell_keeps_its_column),
		cmocka_unit_test(test_short_line_pads_with_empty_cells),
		cmocka_unit_test(test_many_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
