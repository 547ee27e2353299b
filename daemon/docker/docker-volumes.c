/* lite-docker-api: volumes, each endpoint one lite request; the shapes
 * are `docker volume inspect`'s (proto/docker-shape.c). lite has the
 * local driver only, without mount options: another driver or DriverOpts
 * get a 400 naming them. */
#include "docker-api.h"

#include <stdio.h>
#include <string.h>

#include "docker-filter.h"
#include "filter.h"
#include "docker-shape.h"

static const char *const list_keys[] = { "name", "label", "dangling", "driver", NULL };

struct vol_ctx {
	json_t *v;        /* lite's */
	json_t *links;    /* {volume name: containers mounting it}, for dangling */
};

static bool
vol_match(const char *key, const char *value, void *arg)
{
	struct vol_ctx *x = arg;
	const char *name = json_string_value(json_object_get(x->v, "name")) ?: "";
	bool b = false;

	if (!strcmp(key, "name"))
		return strstr(name, value) != NULL;
	if (!strcmp(key, "driver"))
		return !strcmp(value, "local");
	if (!strcmp(key, "label"))
		return filter_label(json_object_get(x->v, "labels"), value);
	if (!strcmp(key, "dangling"))
		return docker_filter_bool(value, &b) == 0 && b == !json_object_get(x->links, name);
	return false;
}

/* The volumes the caller's containers mount, running or not. */
static json_t *
volume_links(void)
{
	json_t *list = NULL, *c, *m, *links = json_object();
	struct docker_err err;
	size_t i, j;

	if (docker_lite_call("ps", json_pack("{s:b,s:b}", "all", 1, "details", 1), &list, &err) < 0)
		return links;
	json_array_foreach(list, i, c)
		json_array_foreach(json_object_get(c, "mounts"), j, m) {
			const char *name = json_string_value(json_object_get(m, "volume"));

			if (name && *name)
				json_object_set_new(links, name, json_true());
		}
	json_decref(list);
	return links;
}

int
api_volumes_list(struct api *a)
{
	json_t *filters = NULL, *res = NULL, *out, *v;
	struct vol_ctx x = { 0 };
	struct docker_err err;
	size_t i;

	if (docker_filter_parse(a->c, a->r, list_keys, &filters) < 0)
		return 0;
	if (docker_lite_call("volume_ls", NULL, &res, &err) < 0) {
		json_decref(filters);
		return api_fail(a, &err);
	}
	if (json_object_get(filters, "dangling"))
		x.links = volume_links();
	out = json_array();
	json_array_foreach(res, i, v) {
		x.v = v;
		if (docker_filter_match(filters, vol_match, &x))
			json_array_append_new(out, docker_shape_volume(v));
	}
	json_decref(x.links);
	json_decref(filters);
	json_decref(res);
	http_send_json(a->c, 200, json_pack("{s:o,s:[]}", "Volumes", out, "Warnings"));
	return 0;
}

static json_t *
volume_shape(json_t *res)
{
	return docker_shape_volume(res);
}

int
api_volume_create(struct api *a)
{
	json_t *body = NULL, *p, *labels, *v;
	const char *k, *name, *driver;

	if (http_read_json(a->c, a->r, 1 << 16, &body) < 0)
		return 1;
	driver = json_string_value(json_object_get(body, "Driver"));
	if ((driver && *driver && strcmp(driver, "local")) || json_object_size(json_object_get(body, "DriverOpts"))) {
		http_send_error(a->c, 400, "%s is not supported: lite's volumes are local directories",
				json_object_size(json_object_get(body, "DriverOpts")) ? "DriverOpts" : "a volume driver other than local");
		json_decref(body);
		return 0;
	}
	p = json_object();
	name = json_string_value(json_object_get(body, "Name"));
	if (name && *name)
		json_object_set_new(p, "name", json_string(name));
	labels = json_object_get(body, "Labels");
	if (json_object_size(labels)) {
		json_t *l = json_array();
		char kv[1024];

		json_object_foreach(labels, k, v) {
			snprintf(kv, sizeof(kv), "%s=%s", k, json_string_value(v) ?: "");
			json_array_append_new(l, json_string(kv));
		}
		json_object_set_new(p, "labels", l);
	}
	json_decref(body);
	return api_call_reply(a, "volume_create", p, 201, volume_shape);
}

/* Docker's words for a missing volume. */
static int
fail_volume(struct api *a, struct docker_err *err, const char *verb)
{
	if (err->status == 404)
		snprintf(err->msg, sizeof(err->msg), "%s %s: no such volume", verb, a->arg);
	return api_fail(a, err);
}

int
api_volume_inspect(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call("volume_inspect", json_pack("{s:s}", "name", a->arg), &res, &err) < 0)
		return fail_volume(a, &err, "get");
	http_send_json(a->c, 200, docker_shape_volume(res));
	json_decref(res);
	return 0;
}

int
api_volume_delete(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call("volume_rm", json_pack("{s:s,s:b}", "name", a->arg, "force", http_query_bool(a->r, "force", false)),
			     &res, &err) < 0) {
		/* Docker: force removes a volume that does not exist quietly */
		if (err.status == 404 && http_query_bool(a->r, "force", false)) {
			http_send(a->c, 204, NULL, NULL, 0);
			return 0;
		}
		return fail_volume(a, &err, "remove");
	}
	json_decref(res);
	http_send(a->c, 204, NULL, NULL, 0);
	return 0;
}

static json_t *
prune_shape(json_t *res)
{
	return json_pack("{s:O,s:O}", "VolumesDeleted", json_object_get(res, "removed"), "SpaceReclaimed",
			 json_object_get(res, "space_reclaimed") ?: json_integer(0));
}

int
api_volumes_prune(struct api *a)
{
	static const char *const keys[] = { "label", "label!", "all", NULL };
	json_t *filters = NULL, *p = json_object(), *f = json_array(), *v;
	const char *k;
	bool all = false;
	size_t i;

	if (docker_filter_parse(a->c, a->r, keys, &filters) < 0) {
		json_decref(p);
		json_decref(f);
		return 0;
	}
	json_object_foreach(filters, k, v) {
		json_t *x;

		json_array_foreach(v, i, x) {
			char kv[1024];

			if (!strcmp(k, "all")) {
				docker_filter_bool(json_string_value(x), &all);
				continue;
			}
			snprintf(kv, sizeof(kv), "%s=%s", k, json_string_value(x));
			json_array_append_new(f, json_string(kv));
		}
	}
	json_decref(filters);
	/* API 1.41 (docker 20.10) prunes every unused volume; "all" came in 1.42 */
	if (all || !a->r->api_version[0] || strcmp(a->r->api_version, "1.42") < 0)
		json_object_set_new(p, "all", json_true());
	if (json_array_size(f))
		json_object_set_new(p, "filters", f);
	else
		json_decref(f);
	return api_call_reply(a, "volume_prune", p, 200, prune_shape);
}
