/* lite-docker-api: POST /containers/prune — exited and created
 * containers, filters until and label / label! (lite's filter code). */
#include "docker-ctr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"

struct prune_ctx {
	json_t *c;
	int64_t now;
};

static bool
prune_match(const char *key, const char *value, void *arg)
{
	struct prune_ctx *p = arg;
	int64_t t;

	if (!strcmp(key, "until"))
		return filter_time(value, p->now, &t) == 0 && json_integer_value(json_object_get(p->c, "created")) < t;
	return filter_label(json_object_get(p->c, "labels"), value);
}

int
api_containers_prune(struct api *a)
{
	static const char *const keys[] = { "until", "label!", NULL };
	const char *ftext = http_query(a->r, "filters");
	json_t *f = ftext && *ftext ? json_loads(ftext, 0, NULL) : json_object(), *list = NULL, *deleted, *vals, *v, *c;
	struct filter_set fs = { 0 };
	char *specs[FILTER_MAX] = { 0 }, msg[512];
	struct docker_err err;
	json_int_t reclaimed = 0;
	size_t n = 0, i;
	const char *key;
	int64_t t;

	if (!json_is_object(f)) {
		json_decref(f);
		return http_send_error(a->c, 400, "invalid filters: not a JSON object"), 0;
	}
	json_object_foreach(f, key, vals) {
		json_t *l = json_array();

		if (json_is_array(vals))
			json_array_extend(l, vals);
		else
			json_object_foreach(vals, ftext, v)
				if (json_is_true(v))
					json_array_append_new(l, json_string(ftext));
		json_array_foreach(l, i, v) {
			if (n == FILTER_MAX || asprintf(&specs[n], "%s=%s", key, json_string_value(v) ?: "") < 0 ||
			    filter_add(&fs, specs[n++], keys, msg, sizeof(msg)) < 0 ||
			    (!strcmp(key, "until") && filter_time(json_string_value(v) ?: "", time(NULL), &t) < 0)) {
				if (n == FILTER_MAX)
					snprintf(msg, sizeof(msg), "too many filters");
				else if (!strcmp(key, "until"))
					snprintf(msg, sizeof(msg), "invalid filter 'until=%s'", json_string_value(v) ?: "");
				json_decref(l);
				json_decref(f);
				for (size_t k = 0; k < n; k++)
					free(specs[k]);
				return http_send_error(a->c, 400, "%s", msg), 0;
			}
		}
		json_decref(l);
	}
	json_decref(f);
	if (docker_lite_call("ps", json_pack("{s:b,s:b,s:b}", "all", 1, "details", 1, "size", 1), &list, &err) < 0) {
		for (size_t k = 0; k < n; k++)
			free(specs[k]);
		return docker_ctr_fail(a, &err);
	}
	deleted = json_array();
	json_array_foreach(list, i, c) {
		const char *st = json_string_value(json_object_get(c, "state")) ?: "";
		struct prune_ctx ctx = { c, time(NULL) };
		json_t *res = NULL;

		if ((strcmp(st, "exited") && strcmp(st, "created") && strcmp(st, "dead")) || !filter_match(&fs, prune_match, &ctx))
			continue;
		if (docker_lite_call("rm", json_pack("{s:O}", "id", json_object_get(c, "id")), &res, &err) == 0) {
			json_array_append(deleted, json_object_get(c, "id"));
			reclaimed += json_integer_value(json_object_get(c, "size_rw"));
		}
		json_decref(res);
	}
	json_decref(list);
	for (size_t k = 0; k < n; k++)
		free(specs[k]);
	return http_send_json(a->c, 200,
			      json_pack("{s:o,s:I}", "ContainersDeleted", json_array_size(deleted) ? deleted : (json_decref(deleted), json_null()),
					"SpaceReclaimed", reclaimed)), 0;
}
