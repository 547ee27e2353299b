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
table_print(struct table *t)
{
	size_t *w = calloc(t->ncols, sizeof(size_t));

	if (!w)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if (strlen(t->cells[r * t->ncols + c]) > w[c])
				w[c] = strlen(t->cells[r * t->ncols + c]);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (c + 1 == t->ncols)
				printf("%s\n", s);
			else
				printf("%-*s   ", (int)w[c], s);
		}
	}
	free(w);
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
