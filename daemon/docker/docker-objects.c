/* lite-docker-api: volumes and networks. Shapes as `docker volume
 * inspect` / `docker network inspect` show them (proto/docker-shape.c). */
#include "docker-api.h"

#include <string.h>

#include "docker-shape.h"

static json_t *
volumes_shape(json_t *res)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(res, i, v)
		json_array_append_new(out, docker_shape_volume(v));
	return json_pack("{s:o,s:[]}", "Volumes", out, "Warnings");
}

int
api_volumes_list(struct api *a)
{
	return api_call_reply(a, "volume_ls", NULL, 200, volumes_shape);
}

static json_t *
volume_shape(json_t *res)
{
	return docker_shape_volume(res);
}

int
api_volume_create(struct api *a)
{
	json_t *body = NULL, *p = json_object(), *labels, *v;
	const char *k, *name;

	if (http_read_json(a->c, a->r, 1 << 16, &body) < 0) {
		json_decref(p);
		return 1;
	}
	name = json_string_value(json_object_get(body, "Name"));
	if (name && *name)
		json_object_set_new(p, "name", json_string(name));
	labels = json_object_get(body, "Labels");
	json_object_foreach(labels, k, v) {
		json_t *a_ = json_object_get(p, "labels");
		char kv[1024];

		if (!a_)
			json_object_set_new(p, "labels", a_ = json_array());
		snprintf(kv, sizeof(kv), "%s=%s", k, json_string_value(v) ?: "");
		json_array_append_new(a_, json_string(kv));
	}
	json_decref(body);
	return api_call_reply(a, "volume_create", p, 201, volume_shape);
}

int
api_volume_inspect(struct api *a)
{
	return api_call_reply(a, "volume_inspect", json_pack("{s:s}", "name", a->arg), 200, volume_shape);
}

int
api_volume_delete(struct api *a)
{
	return api_call_reply(a, "volume_rm",
			      json_pack("{s:s,s:b}", "name", a->arg, "force", http_query_bool(a->r, "force", false)), 204, NULL);
}

static json_t *
networks_shape(json_t *res)
{
	json_t *out = json_array(), *n;
	size_t i;

	json_array_foreach(res, i, n)
		json_array_append_new(out, docker_shape_network(n));
	return out;
}

int
api_networks_list(struct api *a)
{
	return api_call_reply(a, "network_ls", NULL, 200, networks_shape);
}
