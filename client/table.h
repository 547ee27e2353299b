/* Column-aligned tables like docker's: cells are collected, then printed
 * with each column as wide as its widest cell plus three spaces. */
#pragma once

#include <stddef.h>

struct table;

struct table *table_new(size_t ncols);
/* The same, but table_add keeps the pointers: the strings must outlive
 * the table (ps's rows, split in place in the reply). */
struct table *table_new_borrowed(size_t ncols);
/* Append a row of ncols strings (copied, unless borrowed). */
void table_add(struct table *t, const char **cells);
/* Append a row from a rendered template line: its cells are split at tabs
 * (line is modified); an empty cell stays a cell. */
void table_add_line(struct table *t, char *line);
void table_print(struct table *t);
void table_free(struct table *t);
