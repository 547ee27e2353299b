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

/* Render a Go-template-like string: "{{.A.B}}" looks up A then B in obj,
 * keys matched case-insensitively ignoring '_' (so .State.ExitCode finds
 * state.exit_code), strings as they are, other values as JSON, a missing
 * one as "<no value>"; "\t" and "\n" become a tab and a newline. Returns a
 * heap string, or NULL with an error message in err for a bad template. */
char *ps_format_render(const char *tmpl, json_t *obj, char *err, size_t errlen);
/* The header a "table" template gets: each {{.Field}} as Docker's column
 * title ("CONTAINER ID", "NAMES", ...). */
char *ps_format_header(const char *tmpl);
