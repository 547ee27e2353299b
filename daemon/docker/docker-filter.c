/* Docker's filters query parameter (see docker-filter.h). */
#include "docker-filter.h"

#include <stdio.h>
#include <string.h>

static json_t *
normalise(json_t *in)
{
	json_t *out = json_object(), *v, *x;
	const char *k, *s;
	size_t i;

	json_object_foreach(in, k, v) {
		json_t *a = json_array();

		if (json_is_array(v)) {
			json_array_foreach(v, i, x)
				if (json_is_string(x))
					json_array_append(a, x);
		} else if (json_is_object(v)) {
			json_object_foreach(v, s, x)
				if (json_is_true(x))
					json_array_append_new(a, json_string(s));
		}
		json_object_set_new(out, k, a);
	}
	return out;
}

int
docker_filter_parse(struct http_conn *c, const struct http_req *r, const char *const *keys, json_t **ret)
{
	const char *q = http_query(r, "filters");
	json_t *in, *v;
	const char *k;

	*ret = NULL;
	if (!q || !*q)
		return 0;
	in = json_loads(q, 0, NULL);
	if (!json_is_object(in)) {
		json_decref(in);
		http_send_error(c, 400, "invalid filter: not a JSON object: %s", q);
		return -1;
	}
	json_object_foreach(in, k, v) {
		size_t i;

		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i]) {
			json_decref(in);
			http_send_error(c, 400, "invalid filter '%s'", k);
			return -1;
		}
	}
	*ret = normalise(in);
	json_decref(in);
	return 0;
}

bool
docker_filter_match(json_t *filters, bool (*match)(const char *key, const char *value, void *ctx), void *ctx)
{
	const char *k;
	json_t *vals, *v;
	size_t i;

	json_object_foreach(filters, k, vals) {
		bool any = !json_array_size(vals);

		json_array_foreach(vals, i, v)
			if (match(k, json_string_value(v), ctx)) {
				any = true;
				break;
			}
		if (!any)
			return false;
	}
	return true;
}

int
docker_filter_bool(const char *value, bool *ret)
{
	if (!strcmp(value, "true") || !strcmp(value, "1"))
		return *ret = true, 0;
	if (!strcmp(value, "false") || !strcmp(value, "0"))
		return *ret = false, 0;
	return -1;
}
