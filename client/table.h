/* Column-aligned tables like docker's: cells are collected, then printed
 * with each column as wide as its widest cell plus three spaces. */
#pragma once

#include <stddef.h>

struct table;

struct table *table_new(size_t ncols);
/* Append a row of ncols strings (copied). */
void table_add(struct table *t, const char **cells);
void table_print(struct table *t);
void table_free(struct table *t);
