/* lite-docker-api: POST /containers/create — the body mapped onto lite's
 * `create` (docker-create-map.c), Docker's replies: 201 {"Id","Warnings"},
 * 400 naming a field lite cannot honour, 404 "No such image" (on which the
 * docker CLI pulls). */
#include "docker-ctr.h"
#include "docker-create-map.h"

#include <string.h>

int
api_container_create(struct api *a)
{
	struct docker_err err;
	json_t *body = NULL, *res = NULL, *params;
	const char *why = NULL;

	if (http_read_json(a->c, a->r, 4 << 20, &body) < 0)
		return 1;
	if (!json_is_object(body) || !json_is_string(json_object_get(body, "Image")) ||
	    !*json_string_value(json_object_get(body, "Image"))) {
		json_decref(body);
		return http_send_error(a->c, 400, "Config.Image is required"), 0;
	}
	if (json_object_get(body, "HostConfig") && !json_is_object(json_object_get(body, "HostConfig"))) {
		json_decref(body);
		return http_send_error(a->c, 400, "HostConfig must be an object"), 0;
	}
	params = docker_create_map_params(body, http_query(a->r, "name"), &why);
	json_decref(body);
	if (!params) {
		if (!strncmp(why, "Conflicting", 11))
			return http_send_error(a->c, 400, "%s", why), 0;
		return http_send_error(a->c, 400, "%s is not supported by lite", why), 0;
	}
	if (docker_lite_call("create", params, &res, &err) < 0) {
		if (!strncmp(err.msg, "no such image", 13)) {
			/* Docker's words: the CLI pulls on a 404 "No such image" */
			err.msg[0] = 'N';
			err.status = 404;
		}
		return docker_ctr_fail(a, &err);
	}
	http_send_json(a->c, 201, json_pack("{s:O,s:[]}", "Id", json_object_get(res, "id"), "Warnings"));
	json_decref(res);
	return 0;
}
