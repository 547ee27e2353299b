/* Values of the template engine (template.c): Go's print forms (%v) of
 * JSON data, which fields are maps, nil slices or omitted, truth, order
 * and the output buffer. Pure. */
#include "template-internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Docker's fields (by name) that hold maps, and those that hold slices. */
static const char *const map_fields[] = {
	"Labels", "Networks", "Ports", "PortBindings", "ExposedPorts", "Volumes", "Data", "Options", "Attributes",
	"Containers", "DriverOpts", "Sysctls", "StorageOpt", "Annotations", "Tmpfs",
};
static const char *const slice_fields[] = {
	"Cmd", "Entrypoint", "Env", "Args", "Binds", "CapAdd", "CapDrop", "Aliases", "Links", "Dns",
	"DnsOptions", "DnsSearch", "ExtraHosts", "Devices", "Mounts", "RepoTags", "RepoDigests", "Layers",
	"Ulimits", "SecurityOpt", "OnBuild", "Shell", "Log", "DNSNames", "Test",
};

enum hint
template_value_hint(const char *name)
{
	if (!name)
		return H_NONE;
	for (size_t i = 0; i < sizeof(map_fields) / sizeof(map_fields[0]); i++)
		if (strcmp(name, map_fields[i]) == 0)
			return H_MAP;
	for (size_t i = 0; i < sizeof(slice_fields) / sizeof(slice_fields[0]); i++)
		if (strcmp(name, slice_fields[i]) == 0)
			return H_SLICE;
	return H_NONE;
}

/* Fields Docker leaves out of its JSON when empty (omitempty) but that a
 * template still finds: pointers (nil) and strings (""). */
static const char *const nil_fields[] = { "Health", "Healthcheck", "SizeRw", "SizeRootFs", "StopTimeout", "Init" };
static const char *const empty_fields[] = { "StopSignal", "Domainname", "MacAddress" };

json_t *
template_value_omitted(const char *name)
{
	for (size_t i = 0; i < sizeof(nil_fields) / sizeof(nil_fields[0]); i++)
		if (strcmp(name, nil_fields[i]) == 0)
			return json_null();
	for (size_t i = 0; i < sizeof(empty_fields) / sizeof(empty_fields[0]); i++)
		if (strcmp(name, empty_fields[i]) == 0)
			return json_string("");
	return NULL;
}

/* The values of these maps are slices ([]PortBinding). */
enum hint
template_value_elem_hint(const char *map_name)
{
	return map_name && (strcmp(map_name, "Ports") == 0 || strcmp(map_name, "PortBindings") == 0) ? H_SLICE
												   : H_NONE;
}



void
template_value_buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (!b->s)
			abort();
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
template_value_buf_str(struct buf *b, const char *s)
{
	template_value_buf_add(b, s, strlen(s));
}

char *
template_value_buf_take(struct buf *b)
{
	if (!b->s)
		template_value_buf_add(b, "", 0);
	return b->s;
}

/* float64 as Go's %v: shortest digits, exponent form below 1e-4 or from 1e21. */
static void
fmt_real(struct buf *b, double d)
{
	char e[40], out[64];
	int prec, exp;

	if (isnan(d) || isinf(d)) {
		template_value_buf_str(b, isnan(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, d);
		if (strtod(e, NULL) == d)
			break;
	}
	exp = atoi(strchr(e, 'e') + 1);
	if (exp < -4 || exp >= 21) {
		char *ep = strchr(e, 'e');

		snprintf(out, sizeof(out), "%.*se%c%02d", (int)(ep - e), e, exp < 0 ? '-' : '+', abs(exp));
	} else {
		snprintf(out, sizeof(out), "%.*f", prec - exp > 0 ? prec - exp : 0, d);
	}
	template_value_buf_str(b, out);
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted (Go prints and ranges maps in key order). */
const char **
template_value_sorted_keys(json_t *o, size_t *ret_n)
{
	const char **keys = calloc(json_object_size(o) + 1, sizeof(*keys)), *k;
	size_t n = 0;
	json_t *v;

	if (!keys)
		abort();
	json_object_foreach(o, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_keys);
	*ret_n = n;
	return keys;
}

void
template_value_fmt(struct buf *b, json_t *v, enum hint h, const char *name)
{
	char num[32];
	size_t i, n;
	json_t *e;
	const char *k;

	switch (json_typeof(v)) {
	case JSON_STRING: template_value_buf_add(b, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		template_value_buf_str(b, num);
		break;
	case JSON_REAL: fmt_real(b, json_real_value(v)); break;
	case JSON_TRUE: template_value_buf_str(b, "true"); break;
	case JSON_FALSE: template_value_buf_str(b, "false"); break;
	case JSON_NULL: template_value_buf_str(b, h == H_SLICE ? "[]" : h == H_MAP ? "map[]" : "<nil>"); break;
	case JSON_ARRAY:
		template_value_buf_str(b, "[");
		json_array_foreach(v, i, e) {
			if (i)
				template_value_buf_str(b, " ");
			template_value_fmt(b, e, H_NONE, NULL);
		}
		template_value_buf_str(b, "]");
		break;
	case JSON_OBJECT:
		if (h == H_MAP) {
			const char **keys = template_value_sorted_keys(v, &n);

			template_value_buf_str(b, "map[");
			for (i = 0; i < n; i++) {
				template_value_buf_str(b, i ? " " : "");
				template_value_buf_str(b, keys[i]);
				template_value_buf_str(b, ":");
				template_value_fmt(b, json_object_get(v, keys[i]), template_value_elem_hint(name), NULL);
			}
			free(keys);
			template_value_buf_str(b, "]");
			break;
		}
		template_value_buf_str(b, "{");
		i = 0;
		json_object_foreach(v, k, e) {
			template_value_buf_str(b, i++ ? " " : "");
			template_value_fmt(b, e, template_value_hint(k), k);
		}
		template_value_buf_str(b, "}");
		break;
	}
}


bool
template_value_truth(struct val v)
{
	if (!v.j)
		return false;
	switch (json_typeof(v.j)) {
	case JSON_STRING: return json_string_length(v.j) > 0;
	case JSON_INTEGER: return json_integer_value(v.j) != 0;
	case JSON_REAL: return json_real_value(v.j) != 0;
	case JSON_TRUE: return true;
	case JSON_ARRAY: return json_array_size(v.j) > 0;
	case JSON_OBJECT: return val_hint(v) != H_MAP || json_object_size(v.j) > 0; /* a struct is always true */
	default: return false;
	}
}

/* obj.name: Go's exact field name; lite's lower-case keys also match
 * (ExitCode finds exit_code) so templates over lite's own objects work. */
json_t *
template_value_field(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name), *e;
	const char *k;

	if (v)
		return v;
	json_object_foreach(obj, k, e) {
		const char *a = name, *b = k;

		for (;; a++, b++) {
			while (*a == '_')
				a++;
			while (*b == '_')
				b++;
			if (!*a || !*b || tolower((unsigned char)*a) != tolower((unsigned char)*b))
				break;
		}
		if (!*a && !*b)
			return e;
	}
	return NULL;
}

char *
template_value_upper_words(const char *name)
{
	struct buf b = { 0 };

	for (const char *s = name; *s; s++) {
		char c = (char)toupper((unsigned char)*s);

		if (s > name && isupper((unsigned char)*s) && islower((unsigned char)s[-1]))
			template_value_buf_str(&b, " ");
		template_value_buf_add(&b, &c, 1);
	}
	return template_value_buf_take(&b);
}

char *
template_value_text(struct val v)
{
	struct buf b = { 0 };

	if (!v.j)
		template_value_buf_str(&b, "<no value>");
	else
		template_value_fmt(&b, v.j, val_hint(v), v.name);
	return template_value_buf_take(&b);
}

struct val
template_value_take_string(char *s)
{
	struct val v = mk(json_string(s), NULL);

	if (!v.j) /* not UTF-8: keep the bytes */
		v.j = json_stringn_nocheck(s, strlen(s));
	free(s);
	return v;
}

int
template_value_compare(struct val a, struct val b, bool *ret_eq, int *ret_order)
{
	json_t *x = a.j, *y = b.j;

	*ret_order = 0;
	if (x && y && json_is_number(x) && json_is_number(y)) {
		double dx = json_number_value(x), dy = json_number_value(y);

		if (json_is_integer(x) && json_is_integer(y)) {
			json_int_t ix = json_integer_value(x), iy = json_integer_value(y);

			*ret_order = ix < iy ? -1 : ix > iy;
		} else {
			*ret_order = dx < dy ? -1 : dx > dy;
		}
		*ret_eq = *ret_order == 0;
		return 0;
	}
	if (x && y && json_is_string(x) && json_is_string(y)) {
		*ret_order = strcmp(json_string_value(x), json_string_value(y));
		*ret_order = *ret_order < 0 ? -1 : *ret_order > 0;
		*ret_eq = *ret_order == 0;
		return 0;
	}
	if (x && y && json_is_boolean(x) && json_is_boolean(y)) {
		*ret_eq = json_boolean_value(x) == json_boolean_value(y);
		return 1; /* no order */
	}
	if ((!x || json_is_null(x)) && (!y || json_is_null(y))) {
		*ret_eq = true;
		return 1;
	}
	if ((x && (json_is_array(x) || json_is_object(x))) || (y && (json_is_array(y) || json_is_object(y))))
		return -1;
	*ret_eq = false;
	return -2; /* different kinds */
}
