/* Aligned text tables for ps and images. */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
	size_t ncols, nrows;
	char **cells;
};

struct table *
table_new(size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t)
		t->ncols = ncols;
	return t;
}

void
table_add(struct table *t, const char **cells)
{
	char **nc = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));

	if (!nc)
		return;
	t->cells = nc;
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = strdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

void
table_add_line(struct table *t, char *line)
{
	const char *cells[16] = { 0 };

	/* strsep, not strtok: strtok merges "a\t\tb" into two cells and shifts
	 * every later column left (an empty PORTS or NAMES cell) */
	for (size_t i = 0; i < 16 && i < t->ncols; i++) {
		char *cell = line ? strsep(&line, "\t") : NULL;

		cells[i] = cell ? cell : "";
	}
	table_add(t, cells);
}

/* n spaces (fwrite of a static run, not printf's padding: a ps of 1,000
 * rows made 7,000 printf calls) */
static void
pad(size_t n)
{
	static const char spaces[] = "                                                                ";

	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		fwrite(spaces, 1, sizeof(spaces) - 1, stdout);
	fwrite(spaces, 1, n, stdout);
}

void
table_print(struct table *t)
{
	size_t *w = calloc(t->ncols, sizeof(size_t)), *len = calloc(t->nrows * t->ncols + 1, sizeof(size_t));

	if (!w || !len) {
		free(w);
		free(len);
		return;
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t i = r * t->ncols + c;

			len[i] = strlen(t->cells[i]);
			if (len[i] > w[c])
				w[c] = len[i];
		}
	for (size_t r = 0; r < t->nrows; r++) {
		size_t last = t->ncols; /* no padding after the last non-empty cell */

		while (last > 1 && !len[r * t->ncols + last - 1])
			last--;
		for (size_t c = 0; c < last; c++) {
			size_t i = r * t->ncols + c;

			fwrite(t->cells[i], 1, len[i], stdout);
			if (c + 1 < last)
				pad(w[c] - len[i] + 3);
		}
		putchar('\n');
	}
	free(w);
	free(len);
}

void
table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
