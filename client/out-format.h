/* --format for the list and inspect commands beyond ps (out-format.c):
 * "json" (one compact object a line), "table TMPL" (a header from the
 * fields, columns aligned) or a template, through ps-format.c's engine. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

struct table;

struct out_format {
	const char *tmpl;   /* the template (after "table ") */
	bool json;          /* "json" or "{{json .}}" */
	struct table *t;    /* a table template's rows */
};

/* Start formatting with format. */
void out_format_init(struct out_format *o, const char *format);
/* One object: printed, or a table row. -1 after printing the template's error. */
int out_format_row(struct out_format *o, json_t *obj);
/* Print a table's rows; free. */
void out_format_end(struct out_format *o);
