/* Aligned text tables for ps and images. */
#include "table.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
	size_t ncols, nrows, cap;
	char **cells;
	bool borrowed;  /* cells are the caller's (table_new_borrowed) */
};

struct table *
table_new(size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t)
		t->ncols = ncols;
	return t;
}

struct table *
table_new_borrowed(size_t ncols)
{
	struct table *t = table_new(ncols);

	if (t)
		t->borrowed = true;
	return t;
}

void
table_add(struct table *t, const char **cells)
{
	if (t->nrows == t->cap) { /* doubling: a realloc per row was quadratic copying at 1,000 rows */
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **nc = realloc(t->cells, cap * t->ncols * sizeof(char *));

		if (!nc)
			return;
		t->cells = nc;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		const char *v = cells[i] ? cells[i] : "";
		t->cells[t->nrows * t->ncols + i] = t->borrowed ? (char *)v : strdup(v);
	}
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

/* Each row is laid out in one buffer and written with one fwrite (a ps
 * of 1,000 rows made 13,000 fwrite calls, cell and padding each). */
static void
print_row(char *const *cells, const size_t *len, const size_t *w, size_t ncols, char **buf, size_t *cap)
{
	size_t need = 1, n = 0;

	while (ncols > 1 && !len[ncols - 1]) /* no padding after the last non-empty cell */
		ncols--;
	for (size_t c = 0; c < ncols; c++)
		need += c + 1 == ncols ? len[c] : w[c] + 3;
	if (need > *cap) {
		char *nb = realloc(*buf, need);

		if (!nb)
			return;
		*buf = nb;
		*cap = need;
	}
	for (size_t c = 0; c < ncols; c++) {
		memcpy(*buf + n, cells[c], len[c]);
		n += len[c];
		if (c + 1 < ncols) {
			memset(*buf + n, ' ', w[c] - len[c] + 3);
			n += w[c] - len[c] + 3;
		}
	}
	(*buf)[n++] = '\n';
	fwrite(*buf, 1, n, stdout);
}

void
table_print(struct table *t)
{
	size_t *w = calloc(t->ncols, sizeof(size_t)), *len = calloc(t->nrows * t->ncols + 1, sizeof(size_t)), cap = 0;
	char *line = NULL;

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
	for (size_t r = 0; r < t->nrows; r++)
		print_row(t->cells + r * t->ncols, len + r * t->ncols, w, t->ncols, &line, &cap);
	free(line);
	free(w);
	free(len);
}

void
table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; !t->borrowed && i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
