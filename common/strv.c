/* String vectors: freeing, counting, JSON conversion both ways. */
#include "strv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void
strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

size_t
strv_length(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

char **
strv_copy(char **v)
{
	size_t n = strv_length(v);
	char **c = calloc(n + 1, sizeof(char *));

	for (size_t i = 0; c && i < n; i++) {
		if (!(c[i] = strdup(v[i]))) {
			strv_free(c);
			return NULL;
		}
	}
	return c;
}

char **
strv_new(const char *first, ...)
{
	va_list ap;
	size_t n = 0;
	char **v;

	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		n++;
	va_end(ap);
	if (!(v = calloc(n + 1, sizeof(char *))))
		return NULL;
	va_start(ap, first);
	n = 0;
	for (const char *s = first; s; s = va_arg(ap, const char *)) {
		if (!(v[n++] = strdup(s))) {
			va_end(ap);
			strv_free(v);
			return NULL;
		}
	}
	va_end(ap);
	return v;
}

json_t *
strv_to_json(char **v)
{
	json_t *a = json_array();

	for (char **p = v; p && *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}

char **
strv_from_json(json_t *a)
{
	size_t i;
	json_t *e;
	char **v;

	if (!json_is_array(a))
		return NULL;
	v = calloc(json_array_size(a) + 1, sizeof(char *));
	if (!v)
		return NULL;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e) || !(v[i] = strdup(json_string_value(e)))) {
			strv_free(v);
			return NULL;
		}
	}
	return v;
}

static bool
env_sets_key(json_t *env, const char *kv)
{
	size_t klen = strcspn(kv, "="), i;
	json_t *e;

	json_array_foreach(env, i, e) {
		const char *s = json_string_value(e);
		if (s && strncmp(s, kv, klen) == 0 && s[klen] == '=')
			return true;
	}
	return false;
}

json_t *
strv_env_overlay(char **base, json_t *overrides)
{
	json_t *all = json_array(), *e;
	size_t i;

	for (char **p = base; p && *p; p++)
		if (!json_is_array(overrides) || !env_sets_key(overrides, *p))
			json_array_append_new(all, json_string(*p));
	/* a later KEY= wins over an earlier one, as in docker run -e */
	json_array_foreach(overrides, i, e) {
		const char *kv = json_string_value(e);
		size_t klen = strcspn(kv, "="), j;
		json_t *old;

		json_array_foreach(all, j, old)
			if (strncmp(json_string_value(old), kv, klen) == 0 && json_string_value(old)[klen] == '=') {
				json_array_remove(all, j);
				break;
			}
		json_array_append(all, e);
	}
	return all;
}
