/* Go text/template, the subset Docker users type in --format (template.c):
 * {{.A.B}}, variables, pipelines, if/else/range/with, and Docker's and Go's
 * functions (json index len join split lower upper title println printf
 * print eq ne lt le gt ge and or not pad truncate). The data is JSON: an
 * object is printed as a Go struct ({a b}) unless its field name says it
 * is a map (Labels, Networks, Ports, ...: map[k:v], missing keys
 * "<no value>"); a missing struct field is an error, as Go's. Pure;
 * unit-tested in tests/unit/test-template.c. */
#pragma once

#include <jansson.h>
#include <stddef.h>

enum template_flags {
	/* "\t" and "\n" in the text become a tab and a newline (docker ps's
	 * formatter does it; templates passed as shell words rarely hold
	 * real tabs) */
	TEMPLATE_ESCAPES = 1 << 0,
	/* a table header: a missing field prints its name in capitals
	 * instead of failing (the caller supplies the known titles) */
	TEMPLATE_HEADER = 1 << 1,
};

struct template;

/* Parse text; NULL with Go's message ("template: :1: unclosed action")
 * in err on a syntax error. */
struct template *template_parse(const char *text, unsigned flags, char *err, size_t errlen);
/* Execute against dot; a heap string, or NULL with Go's message
 * ("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope")
 * in err. */
char *template_exec(const struct template *t, json_t *dot, char *err, size_t errlen);
void template_free(struct template *t);
/* Parse and execute once. */
char *template_render(const char *text, json_t *dot, unsigned flags, char *err, size_t errlen);
/* v printed as Go's fmt %v prints it (strings raw, [a b], map[k:v],
 * {a b}); name is the field it came from (for the map/slice rules). */
char *template_format_value(json_t *v, const char *name);
