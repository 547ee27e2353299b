/* lite-docker-api: containers — list, inspect, start, stop, restart,
 * kill, wait, remove, pause, unpause, rename. Docker's status codes: 204
 * done, 304 for a start of a running container or a stop of a stopped
 * one, 404 "No such container: X", 409 conflicts. */
#include "docker-ctr.h"
#include "docker-shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static json_t *
command_string(json_t *cmd)
{
	char buf[4096] = "";
	size_t i;
	json_t *v;

	if (json_is_string(cmd))
		return json_copy(cmd);
	json_array_foreach(cmd, i, v)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " " : "", json_string_value(v) ?: "");
	return json_string(buf);
}

/* lite's "created" (RFC 3339 or seconds) as unix seconds. */
static json_int_t
unix_time(json_t *t)
{
	struct tm tm = { 0 };

	if (json_is_integer(t))
		return json_integer_value(t);
	if (json_is_string(t) && strptime(json_string_value(t), "%Y-%m-%dT%H:%M:%S", &tm))
		return (json_int_t)timegm(&tm);
	return 0;
}

static json_t *
list_entry(json_t *c)
{
	char name[300];

	snprintf(name, sizeof(name), "/%s", json_string_value(json_object_get(c, "name")) ?: "");
	return json_pack("{s:O,s:[s],s:O,s:O,s:o,s:I,s:O,s:O,s:[],s:{},s:{s:s},s:{s:{}},s:[]}", "Id",
			 json_object_get(c, "id"), "Names", name, "Image", json_object_get(c, "image"), "ImageID",
			 json_object_get(c, "image_id"), "Command", command_string(json_object_get(c, "command")),
			 "Created", unix_time(json_object_get(c, "created")), "State", json_object_get(c, "state"),
			 "Status", json_object_get(c, "status"), "Ports", "Labels", "HostConfig", "NetworkMode", "default",
			 "NetworkSettings", "Networks", "Mounts");
}

/* filters={"status":["running"],"name":["web"],"id":["abc"]} */
static bool
wanted(json_t *filters, json_t *c)
{
	static const char *const keys[][2] = { { "status", "state" }, { "name", "name" }, { "id", "id" } };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *want = json_object_get(filters, keys[k][0]), *w;
		const char *have = json_string_value(json_object_get(c, keys[k][1])) ?: "";
		bool any = false;
		size_t i;

		if (!json_array_size(want))
			continue;
		json_array_foreach(want, i, w) {
			const char *s = json_string_value(w) ?: "";

			any = any || (k == 0 ? !strcmp(have, s) : k == 2 ? !strncmp(have, s, strlen(s)) : strstr(have, s) != NULL);
		}
		if (!any)
			return false;
	}
	return true;
}

int
api_containers_list(struct api *a)
{
	const char *f = http_query(a->r, "filters");
	json_t *res = NULL, *out = json_array(), *c, *filters = f ? json_loads(f, 0, NULL) : NULL;
	struct docker_err err;
	size_t i;

	if (docker_lite_call("ps", json_pack("{s:b}", "all", http_query_bool(a->r, "all", false)), &res, &err) < 0) {
		json_decref(out);
		json_decref(filters);
		return docker_ctr_fail(a, &err);
	}
	json_array_foreach(res, i, c)
		if (wanted(filters, c))
			json_array_append_new(out, list_entry(c));
	json_decref(res);
	json_decref(filters);
	http_send_json(a->c, 200, out);
	return 0;
}

int
api_container_inspect(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call("inspect", json_pack("{s:s}", "id", a->arg), &res, &err) < 0)
		return docker_ctr_fail(a, &err);
	http_send_json(a->c, 200, docker_shape_container(res));
	json_decref(res);
	return 0;
}

/* A lite method on the container, 204; 304 when it is already in the
 * state the request wants (skip_state). */
static int
simple(struct api *a, const char *method, json_t *params, const char *skip_state)
{
	struct docker_err err;
	char *st = skip_state ? docker_ctr_state(a->arg, &err) : NULL;
	json_t *res = NULL;

	if (skip_state && !st) {
		json_decref(params);
		return docker_ctr_fail(a, &err);
	}
	if (st && !strcmp(st, skip_state)) {
		free(st);
		json_decref(params);
		return http_send(a->c, 304, NULL, NULL, 0), 0;
	}
	free(st);
	if (docker_lite_call(method, params, &res, &err) < 0)
		return docker_ctr_fail(a, &err);
	json_decref(res);
	http_send(a->c, 204, NULL, NULL, 0);
	return 0;
}

/* Gone, but its exit is known (an --rm container that already ran: an
 * attach started it, and it was removed before this start arrived). */
static bool
already_finished(const char *id)
{
	struct docker_err err;
	json_t *res = NULL;
	bool known = strlen(id) == 64 && docker_lite_call("wait", json_pack("{s:s}", "id", id), &res, &err) == 0;

	json_decref(res);
	return known;
}

int
api_container_start(struct api *a)
{
	struct docker_err err;
	char *st = docker_ctr_state(a->arg, &err);

	if (!st && err.status == 404 && already_finished(a->arg))
		return http_send(a->c, 304, NULL, NULL, 0), 0;
	free(st);
	return simple(a, "start", json_pack("{s:s}", "id", a->arg), "running");
}

static json_t *
stop_params(struct api *a)
{
	const char *t = http_query(a->r, "t");
	json_t *p = json_pack("{s:s}", "id", a->arg);

	if (t)
		json_object_set_new(p, "timeout", json_integer(atoi(t)));
	return p;
}

int
api_container_stop(struct api *a)
{
	struct docker_err err;
	char *st = docker_ctr_state(a->arg, &err);
	bool stopped = st && strcmp(st, "running") && strcmp(st, "paused");

	free(st);
	if (stopped)
		return http_send(a->c, 304, NULL, NULL, 0), 0;
	return simple(a, "stop", stop_params(a), NULL);
}

int
api_container_restart(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;
	char *st = docker_ctr_state(a->arg, &err);

	if (!st)
		return docker_ctr_fail(a, &err);
	if ((!strcmp(st, "running") || !strcmp(st, "paused")) && docker_lite_call("stop", stop_params(a), &res, &err) < 0) {
		free(st);
		return docker_ctr_fail(a, &err);
	}
	free(st);
	json_decref(res);
	return simple(a, "start", json_pack("{s:s}", "id", a->arg), NULL);
}

int
api_container_kill(struct api *a)
{
	const char *sig = http_query(a->r, "signal");
	json_t *p = json_pack("{s:s}", "id", a->arg);
	struct docker_err err;
	char *st = docker_ctr_state(a->arg, &err);

	if (!st) {
		json_decref(p);
		return docker_ctr_fail(a, &err);
	}
	if (strcmp(st, "running") && strcmp(st, "paused")) {
		free(st);
		json_decref(p);
		return http_send_error(a->c, 409, "Container %s is not running", a->arg), 0;
	}
	free(st);
	if (sig && *sig)
		json_object_set_new(p, "signal", json_string(sig));
	return simple(a, "kill", p, NULL);
}

int
api_container_delete(struct api *a)
{
	return simple(a, "rm",
		      json_pack("{s:s,s:b,s:b}", "id", a->arg, "force", http_query_bool(a->r, "force", false), "volumes",
				http_query_bool(a->r, "v", false)),
		      NULL);
}

int
api_container_pause(struct api *a)
{
	return simple(a, "pause", json_pack("{s:s}", "id", a->arg), NULL);
}

int
api_container_unpause(struct api *a)
{
	return simple(a, "unpause", json_pack("{s:s}", "id", a->arg), NULL);
}

int
api_container_rename(struct api *a)
{
	return simple(a, "rename", json_pack("{s:s,s:s}", "id", a->arg, "name", http_query(a->r, "name") ?: ""), NULL);
}
