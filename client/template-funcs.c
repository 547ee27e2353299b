/* The functions of the template engine (template.c): Docker's (json,
 * join, split, lower, upper, title, pad, truncate) and Go's builtins that
 * --format users reach for (index, len, print*, eq ne lt le gt ge, and, or,
 * not). Errors carry Go's wording ("error calling index: ..."). Pure. */
#include "template-internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ferr {
	char *msg;
	size_t len;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void
ferr(struct ferr *e, const char *fmt, ...)
{
	va_list ap;

	if (e->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, e->len, fmt, ap);
	va_end(ap);
	e->failed = true;
}

static const char *const names[] = {
	"json", "index", "len", "join", "split", "lower", "upper", "title", "println", "print", "printf",
	"eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "pad", "truncate",
};





static struct val
fn_compare(struct ferr *fe, const char *name, struct val *av, size_t n)
{
	bool eq = false;
	int order, r;

	if (n < 2) {
		ferr(fe, "wrong number of args for %s: want at least 2 got %zu", name, n);
		return mk(NULL, NULL);
	}
	if (strcmp(name, "eq") == 0) {
		for (size_t i = 1; i < n && !eq; i++) {
			bool e;

			if (template_value_compare(av[0], av[i], &e, &order) == -1) {
				ferr(fe, "error calling eq: non-comparable type");
				return mk(NULL, NULL);
			}
			eq = e;
		}
		return mk(json_boolean(eq), NULL);
	}
	if (n != 2) {
		ferr(fe, "wrong number of args for %s: want 2 got %zu", name, n);
		return mk(NULL, NULL);
	}
	r = template_value_compare(av[0], av[1], &eq, &order);
	if (strcmp(name, "ne") == 0 && r != -1)
		return mk(json_boolean(!eq), NULL);
	if (r != 0) {
		ferr(fe, "error calling %s: %s", name,
		     r == -2 ? "incompatible types for comparison" : "invalid type for comparison");
		return mk(NULL, NULL);
	}
	if (strcmp(name, "lt") == 0)
		return mk(json_boolean(order < 0), NULL);
	if (strcmp(name, "le") == 0)
		return mk(json_boolean(order <= 0), NULL);
	if (strcmp(name, "gt") == 0)
		return mk(json_boolean(order > 0), NULL);
	return mk(json_boolean(order >= 0), NULL);
}

static struct val
fn_index(struct ferr *fe, struct val *av, size_t n)
{
	struct val v = ref(av[0]);

	for (size_t i = 1; i < n && !fe->failed; i++) {
		json_t *k = av[i].j, *e = NULL;

		if (v.j && json_is_array(v.j) && k && json_is_integer(k)) {
			if (json_integer_value(k) < 0 || (size_t)json_integer_value(k) >= json_array_size(v.j)) {
				ferr(fe, "error calling index: index out of range: %" JSON_INTEGER_FORMAT,
				     json_integer_value(k));
				break;
			}
			e = json_array_get(v.j, (size_t)json_integer_value(k));
			drop(&v);
			v = mk(json_incref(e), NULL);
		} else if (v.j && json_is_object(v.j) && k && json_is_string(k)) {
			const char *name = v.name;
			json_t *first = json_object_iter_value(json_object_iter(v.j));

			e = json_object_get(v.j, json_string_value(k));
			/* a missing key gives the zero value of the map's elements */
			if (!e)
				e = !first || json_is_string(first) ? json_string("") : json_null();
			else
				json_incref(e);
			drop(&v);
			v = mk(e, template_value_elem_hint(name) == H_SLICE ? "Binds" : NULL); /* a nil []PortBinding prints [] */
		} else if (v.j && json_is_null(v.j)) {
			ferr(fe, "error calling index: index of untyped nil");
			break;
		} else {
			ferr(fe, "error calling index: cannot index %s with %s",
			     v.j && json_is_array(v.j) ? "slice" : v.j && json_is_object(v.j) ? "map" : "value",
			     k && json_is_string(k) ? "string" : "this type");
			break;
		}
	}
	if (fe->failed)
		drop(&v);
	return v;
}

static struct val
fn_len(struct ferr *fe, struct val v)
{
	json_t *j = v.j;

	if (j && json_is_string(j))
		return mk(json_integer((json_int_t)json_string_length(j)), NULL);
	if (j && json_is_array(j))
		return mk(json_integer((json_int_t)json_array_size(j)), NULL);
	if (j && json_is_object(j))
		return mk(json_integer((json_int_t)json_object_size(j)), NULL);
	if (j && json_is_null(j) && val_hint(v) != H_NONE)
		return mk(json_integer(0), NULL);
	ferr(fe, "error calling len: len of %s", j && json_is_null(j) ? "nil pointer" : "type");
	return mk(NULL, NULL);
}

static struct val
fn_join(struct ferr *fe, struct val a, struct val sep)
{
	struct buf b = { 0 };
	size_t i;
	json_t *e;

	if (!sep.j || !json_is_string(sep.j) || (a.j && !json_is_array(a.j) && !json_is_null(a.j)) || !a.j) {
		ferr(fe, "wrong type for value; expected []string");
		return mk(NULL, NULL);
	}
	json_array_foreach(a.j, i, e) {
		if (i)
			template_value_buf_str(&b, json_string_value(sep.j));
		template_value_fmt(&b, e, H_NONE, NULL);
	}
	return template_value_take_string(template_value_buf_take(&b));
}

static struct val
fn_split(struct val s, struct val sep)
{
	const char *str = json_string_value(s.j), *d = json_string_value(sep.j), *p;
	json_t *a = json_array();

	if (!*d) { /* Go splits into UTF-8 characters; bytes are close enough here */
		for (p = str; *p; p++)
			json_array_append_new(a, json_stringn_nocheck(p, 1));
		return mk(a, NULL);
	}
	while ((p = strstr(str, d))) {
		json_array_append_new(a, json_stringn_nocheck(str, (size_t)(p - str)));
		str = p + strlen(d);
	}
	json_array_append_new(a, json_string_nocheck(str));
	return mk(a, NULL);
}

static struct val
fn_case(const char *name, struct val s)
{
	char *t = strdup(json_string_value(s.j));
	bool word_start = true;

	if (!t)
		abort();
	for (char *p = t; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (name[0] == 'l')
			*p = (char)tolower(ch);
		else if (name[0] == 'u' || (word_start && isalpha(ch)))
			*p = (char)toupper(ch);
		word_start = !isalnum(ch) && ch != '_' && ch != '\'' && ch < 0x80;
	}
	return template_value_take_string(t);
}

/* Sprint: a space between operands when neither is a string. */
static struct val
fn_print(struct val *av, size_t n, bool ln)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		bool str = av[i].j && json_is_string(av[i].j), prev = i && av[i - 1].j && json_is_string(av[i - 1].j);
		char *t = template_value_text(av[i]);

		if (i && (ln || (!str && !prev)))
			template_value_buf_str(&b, " ");
		template_value_buf_str(&b, t);
		free(t);
	}
	if (ln)
		template_value_buf_str(&b, "\n");
	return template_value_take_string(template_value_buf_take(&b));
}

static void
pad_to(struct buf *b, const char *s, int width, bool left)
{
	int len = (int)strlen(s);

	if (left)
		template_value_buf_str(b, s);
	for (int i = len; i < width; i++)
		template_value_buf_str(b, " ");
	if (!left)
		template_value_buf_str(b, s);
}

/* printf with %v %s %d %t %q %x %% and a width ("%-10s"). */
static struct val
fn_printf(struct ferr *fe, struct val *av, size_t n)
{
	const char *f;
	struct buf b = { 0 };
	size_t ai = 1;

	if (n < 1 || !av[0].j || !json_is_string(av[0].j)) {
		ferr(fe, "wrong type for value; expected string");
		return mk(NULL, NULL);
	}
	for (f = json_string_value(av[0].j); *f; f++) {
		bool left = false;
		int width = 0;
		char verb, *t;

		if (*f != '%') {
			template_value_buf_add(&b, f, 1);
			continue;
		}
		for (f++; *f == '-' || *f == '+' || *f == ' ' || *f == '0'; f++)
			left = left || *f == '-';
		for (; isdigit((unsigned char)*f); f++)
			width = width * 10 + (*f - '0');
		verb = *f;
		if (!verb)
			break;
		if (verb == '%') {
			template_value_buf_str(&b, "%");
			continue;
		}
		if (ai >= n) {
			template_value_buf_str(&b, "%!");
			template_value_buf_add(&b, &verb, 1);
			template_value_buf_str(&b, "(MISSING)");
			continue;
		}
		if (verb == 'q' && av[ai].j && json_is_string(av[ai].j)) {
			t = json_dumps(av[ai].j, JSON_ENCODE_ANY);
		} else if (verb == 'x' && av[ai].j && json_is_integer(av[ai].j)) {
			if (asprintf(&t, "%" JSON_INTEGER_FORMAT "x", json_integer_value(av[ai].j)) < 0)
				abort();
		} else {
			t = template_value_text(av[ai]);
		}
		pad_to(&b, t, width, left);
		free(t);
		ai++;
	}
	if (ai < n)
		template_value_buf_str(&b, "%!(EXTRA)");
	return template_value_take_string(template_value_buf_take(&b));
}

static bool
want_args(struct ferr *fe, const char *name, size_t n, size_t want)
{
	if (n == want)
		return true;
	ferr(fe, "wrong number of args for %s: want %zu got %zu", name, want, n);
	return false;
}

static bool
want_strings(struct ferr *fe, struct val *av, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!av[i].j || !json_is_string(av[i].j)) {
			ferr(fe, "wrong type for value; expected string; got %s",
			     !av[i].j ? "<no value>" : json_is_array(av[i].j) ? "[]string" : "other");
			return false;
		}
	return true;
}

static struct val
dispatch(struct ferr *fe, const char *f, struct val *av, size_t n)
{
	if (strcmp(f, "json") == 0) {
		if (!want_args(fe, f, n, 1))
			return mk(NULL, NULL);
		return template_value_take_string(av[0].j ? json_dumps(av[0].j, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("null"));
	}
	if (strcmp(f, "index") == 0)
		return n ? fn_index(fe, av, n) : (want_args(fe, f, n, 1), mk(NULL, NULL));
	if (strcmp(f, "len") == 0)
		return want_args(fe, f, n, 1) ? fn_len(fe, av[0]) : mk(NULL, NULL);
	if (strcmp(f, "join") == 0)
		return want_args(fe, f, n, 2) ? fn_join(fe, av[0], av[1]) : mk(NULL, NULL);
	if (strcmp(f, "split") == 0)
		return want_args(fe, f, n, 2) && want_strings(fe, av, 2) ? fn_split(av[0], av[1]) : mk(NULL, NULL);
	if (strcmp(f, "lower") == 0 || strcmp(f, "upper") == 0 || strcmp(f, "title") == 0)
		return want_args(fe, f, n, 1) && want_strings(fe, av, 1) ? fn_case(f, av[0]) : mk(NULL, NULL);
	if (strcmp(f, "print") == 0 || strcmp(f, "println") == 0)
		return fn_print(av, n, f[5] == 'l');
	if (strcmp(f, "printf") == 0)
		return fn_printf(fe, av, n);
	if (strcmp(f, "not") == 0)
		return want_args(fe, f, n, 1) ? mk(json_boolean(!template_value_truth(av[0])), NULL) : mk(NULL, NULL);
	if (strcmp(f, "and") == 0 || strcmp(f, "or") == 0) {
		size_t i = 0;

		if (n == 0)
			return want_args(fe, f, n, 1), mk(NULL, NULL);
		for (; i + 1 < n; i++)
			if (template_value_truth(av[i]) != (f[0] == 'a'))
				break;
		return ref(av[i]);
	}
	if (strcmp(f, "pad") == 0) {
		struct buf b = { 0 };

		if (!want_args(fe, f, n, 3) || !want_strings(fe, av, 1))
			return mk(NULL, NULL);
		pad_to(&b, "", (int)json_integer_value(av[1].j), false);
		template_value_buf_str(&b, json_string_value(av[0].j));
		pad_to(&b, "", (int)json_integer_value(av[2].j), false);
		return template_value_take_string(template_value_buf_take(&b));
	}
	if (strcmp(f, "truncate") == 0) {
		json_int_t len;
		const char *s;

		if (!want_args(fe, f, n, 2) || !want_strings(fe, av, 1))
			return mk(NULL, NULL);
		len = json_integer_value(av[1].j);
		s = json_string_value(av[0].j);
		return mk(json_stringn_nocheck(s, len >= 0 && (size_t)len < strlen(s) ? (size_t)len : strlen(s)), NULL);
	}
	return fn_compare(fe, f, av, n);
}

bool
template_funcs_exists(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

struct val
template_funcs_call(const char *name, struct val *av, size_t n, char *msg, size_t msglen, bool *ret_failed)
{
	struct ferr e = { .msg = msg, .len = msglen };
	struct val r = dispatch(&e, name, av, n);

	if (e.failed)
		drop(&r);
	*ret_failed = e.failed;
	return r;
}
