/* lite ps --filter / --format and lite inspect --format: pure helpers
 * (ps-format.c), unit-tested in tests/unit/test-ps-format.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum ps_filter_key { PS_F_STATUS, PS_F_NAME, PS_F_LABEL, PS_F_ANCESTOR, PS_F_ID, PS_F_MAX };

struct ps_filter {
	enum ps_filter_key key;
	const char *value;  /* points into the spec string */
};

/* "status=exited" -> filter; -EINVAL for an unknown key, a missing '=' or
 * an unknown status. */
int ps_format_filter_parse(const char *spec, struct ps_filter *ret);
/* A ps row (the daemon's snake_case object) against filters: filters with
 * the same key are ORed, different keys ANDed (Docker's rule). */
bool ps_format_filter_match(const struct ps_filter *f, size_t n, json_t *row);

/* Render a Go template (template.h) over obj, "\t" and "\n" in the text
 * as a tab and a newline (as docker's formatter). Returns a heap string,
 * or NULL with Go's message in err (a bad template, an unknown field). */
char *ps_format_render(const char *tmpl, json_t *obj, char *err, size_t errlen);
/* Parse a --format once before anything is asked of the daemon ("json",
 * "table T" and T are accepted): -EINVAL with Go's message in err. */
int ps_format_check(const char *tmpl, char *err, size_t errlen);
/* The header a "table" template gets: each {{.Field}} as Docker's column
 * title for kind "container", "image", "volume", "network", "history" or
 * "df" ("CONTAINER
 * ID", "IMAGE ID", "VOLUME NAME", ...; an unknown field in capitals). */
char *ps_format_table_header(const char *kind, const char *tmpl);
/* ps_format_table_header("container", tmpl) */
char *ps_format_header(const char *tmpl);
