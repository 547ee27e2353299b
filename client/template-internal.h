/* Private to the template engine: template.c (lexer, parser, executor)
 * over template-funcs.c (the functions) over template-value.c (values,
 * Go's print forms). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "template.h"

/* What a JSON object or null stands for in Docker's Go types, by the name
 * of the field that holds it: most objects are structs; some are maps
 * (printed map[k:v], missing keys give "<no value>") and some nulls nil
 * slices (printed []). */
enum hint { H_NONE, H_MAP, H_SLICE };

struct val {
	json_t *j;        /* owned; NULL: no value (a missing map key) */
	const char *name; /* the field it came from, for hints (static or in the tree) */
};

struct buf {
	char *s;
	size_t len, cap;
};

static inline struct val
mk(json_t *j, const char *name)
{
	return (struct val){ .j = j, .name = name };
}

static inline struct val
ref(struct val v)
{
	return mk(v.j ? json_incref(v.j) : NULL, v.name);
}

static inline void
drop(struct val *v)
{
	json_decref(v->j);
	v->j = NULL;
}

/* template-value.c */
enum hint template_value_hint(const char *name);

static inline enum hint
val_hint(struct val v)
{
	return template_value_hint(v.name);
}

/* The hint of a map's values (the Ports maps hold slices). */
enum hint template_value_elem_hint(const char *map_name);
/* A field Docker omits when empty: nil or "" (NULL: not one of them). */
json_t *template_value_omitted(const char *name);
void template_value_buf_add(struct buf *b, const char *s, size_t n);
void template_value_buf_str(struct buf *b, const char *s);
char *template_value_buf_take(struct buf *b);
/* An object's keys, sorted; free the array only. */
const char **template_value_sorted_keys(json_t *o, size_t *ret_n);
/* v as Go's %v, with hint h for an object or null that came from name. */
void template_value_fmt(struct buf *b, json_t *v, enum hint h, const char *name);
/* Go's truth: false, 0, "", empty slices and maps, nil; structs are true. */
bool template_value_truth(struct val v);
/* obj.name, Go's exact name first, then lite's snake_case keys. */
json_t *template_value_field(json_t *obj, const char *name);
/* "RunningFor" -> "RUNNING FOR" (table headers). */
char *template_value_upper_words(const char *name);
/* v printed (a heap string); "<no value>" for none. */
char *template_value_text(struct val v);
/* A string value taking s (freed). */
struct val template_value_take_string(char *s);
/* 0: ordered (*ret_order), 1: equal-comparable only, -1: not comparable,
 * -2: different kinds. */
int template_value_compare(struct val a, struct val b, bool *ret_eq, int *ret_order);

/* template-funcs.c */
bool template_funcs_exists(const char *name);
/* Call function name on n arguments: its value, or *ret_failed with Go's
 * message in msg. */
struct val template_funcs_call(const char *name, struct val *av, size_t n, char *msg, size_t msglen, bool *ret_failed);
