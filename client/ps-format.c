/* ps filters and Go-template-like formats. Only the subset people type:
 * {{.Field}} and dotted paths, with Docker's field names matched against
 * our snake_case keys; no pipelines, functions or conditionals. */
#include "ps-format.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const filter_keys[PS_F_MAX] = {
	[PS_F_STATUS] = "status", [PS_F_NAME] = "name", [PS_F_LABEL] = "label",
	[PS_F_ANCESTOR] = "ancestor", [PS_F_ID] = "id",
};

static const char *const statuses[] = { "created", "running", "paused", "exited", "restarting", "removing", "dead" };

int
ps_format_filter_parse(const char *spec, struct ps_filter *ret)
{
	const char *eq = strchr(spec, '=');

	if (!eq || eq == spec)
		return -EINVAL;
	for (int k = 0; k < PS_F_MAX; k++) {
		if (strlen(filter_keys[k]) != (size_t)(eq - spec) || strncmp(spec, filter_keys[k], (size_t)(eq - spec)))
			continue;
		ret->key = (enum ps_filter_key)k;
		ret->value = eq + 1;
		if (k != PS_F_STATUS)
			return 0;
		for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (strcmp(ret->value, statuses[i]) == 0)
				return 0;
		return -EINVAL;
	}
	return -EINVAL;
}

static const char *
str(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key)) ?: "";
}

/* label=KEY or label=KEY=VALUE against row.labels (absent: no match). */
static bool
label_match(json_t *labels, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char key[256];
	json_t *v;

	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - spec) : (int)strlen(spec), spec);
	v = json_object_get(labels, key);
	return v && (!eq || strcmp(json_string_value(v) ?: "", eq + 1) == 0);
}

static bool
ancestor_match(json_t *row, const char *v)
{
	const char *image = str(row, "image"), *id = str(row, "image_id");
	size_t n = strlen(v);

	if (strncmp(id, "sha256:", 7) == 0 && strncmp(v, "sha256:", 7) != 0)
		id += 7;
	if (strcmp(image, v) == 0 || (n >= 4 && strncmp(id, v, n) == 0))
		return true;
	/* "busybox" matches "busybox:latest" and the other way round */
	return (strchr(v, ':') == NULL && strncmp(image, v, n) == 0 && strcmp(image + n, ":latest") == 0) ||
	       (strchr(image, ':') == NULL && strncmp(v, image, strlen(image)) == 0 &&
		strcmp(v + strlen(image), ":latest") == 0);
}

static bool
one_match(const struct ps_filter *f, json_t *row)
{
	switch (f->key) {
	case PS_F_STATUS: return strcmp(str(row, "state"), f->value) == 0;
	case PS_F_NAME: return strstr(str(row, "name"), f->value) != NULL;
	case PS_F_ID: return strncmp(str(row, "id"), f->value, strlen(f->value)) == 0;
	case PS_F_LABEL: return label_match(json_object_get(row, "labels"), f->value);
	case PS_F_ANCESTOR: return ancestor_match(row, f->value);
	default: return false;
	}
}

bool
ps_format_filter_match(const struct ps_filter *f, size_t n, json_t *row)
{
	for (int k = 0; k < PS_F_MAX; k++) {
		bool seen = false, any = false;

		for (size_t i = 0; i < n; i++) {
			if (f[i].key != (enum ps_filter_key)k)
				continue;
			seen = true;
			any = any || one_match(&f[i], row);
		}
		if (seen && !any)
			return false;
	}
	return true;
}

/* a and b equal ignoring case and '_' (ExitCode == exit_code). */
static bool
key_eq(const char *a, size_t alen, const char *b)
{
	size_t i = 0;

	for (;; b++) {
		while (i < alen && a[i] == '_')
			i++;
		while (*b == '_')
			b++;
		if (i == alen || !*b)
			return i == alen && !*b;
		if (tolower((unsigned char)a[i++]) != tolower((unsigned char)*b))
			return false;
	}
}

/* Follow ".A.B" (path points after "{{", up to "}}"). */
static json_t *
lookup(json_t *obj, const char *path, size_t len)
{
	size_t i = 0;

	while (i < len && path[i] == ' ')
		i++;
	while (len > i && path[len - 1] == ' ')
		len--;
	if (i < len && path[i] == '.' && len - i == 1)
		return obj;
	while (i < len && path[i] == '.') {
		size_t start = ++i;
		const char *key;
		json_t *v, *next = NULL;

		while (i < len && path[i] != '.')
			i++;
		json_object_foreach(obj, key, v)
			if (key_eq(path + start, i - start, key))
				next = v;
		if (!next)
			return NULL;
		obj = next;
	}
	return i == len ? obj : NULL;
}

static void
append(char **buf, size_t *len, const char *s, size_t n)
{
	char *nb = realloc(*buf, *len + n + 1);

	if (!nb)
		abort();
	memcpy(nb + *len, s, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
}

static void
append_value(char **buf, size_t *len, json_t *v)
{
	char *dump;

	if (!v) {
		append(buf, len, "<no value>", 10);
	} else if (json_is_string(v)) {
		append(buf, len, json_string_value(v), strlen(json_string_value(v)));
	} else {
		dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		append(buf, len, dump ? dump : "", dump ? strlen(dump) : 0);
		free(dump);
	}
}

char *
ps_format_render(const char *t, json_t *obj, char *err, size_t errlen)
{
	char *out = calloc(1, 1);
	size_t len = 0;

	while (out && *t) {
		const char *end;

		if (t[0] == '\\' && (t[1] == 't' || t[1] == 'n')) {
			append(&out, &len, t[1] == 't' ? "\t" : "\n", 1);
			t += 2;
		} else if (strncmp(t, "{{", 2) == 0) {
			end = strstr(t + 2, "}}");
			if (!end || !strchr(" .", t[2 + strspn(t + 2, " ")])) {
				snprintf(err, errlen, "template: unsupported or unclosed action near \"%.20s\"", t);
				free(out);
				return NULL;
			}
			append_value(&out, &len, lookup(obj, t + 2, (size_t)(end - t - 2)));
			t = end + 2;
		} else {
			append(&out, &len, t++, 1);
		}
	}
	return out;
}

static const struct { const char *field, *title; } titles[] = {
	{ "ID", "CONTAINER ID" }, { "Names", "NAMES" }, { "Image", "IMAGE" }, { "Status", "STATUS" },
	{ "State", "STATE" }, { "Command", "COMMAND" }, { "CreatedAt", "CREATED AT" },
	{ "RunningFor", "CREATED" }, { "Size", "SIZE" }, { "Labels", "LABELS" },
	{ "Ports", "PORTS" },
};

char *
ps_format_header(const char *tmpl)
{
	json_t *o = json_object();
	char err[128], *s;

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		json_object_set_new(o, titles[i].field, json_string(titles[i].title));
	s = ps_format_render(tmpl, o, err, sizeof(err));
	json_decref(o);
	return s;
}
