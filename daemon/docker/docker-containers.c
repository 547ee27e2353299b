/* lite-docker-api: containers — inspect, start, stop, restart,
 * kill, remove, pause, unpause, rename (the list: docker-ctr-list.c; wait:
 * docker-ctr-wait.c). Docker's status codes: 204
 * done, 304 for a start of a running container or a stop of a stopped
 * one, 404 "No such container: X", 409 conflicts. */
#include "docker-ctr.h"
#include "docker-shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* lite's start answers was_running for a running container: Docker's 304.
 * A paused one is lite's conflict, Docker's 409. An attach never starts a
 * container (docker-stream.c): this start is the one that runs it. */
int
api_container_start(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;
	bool was_running;

	if (docker_lite_call("start", json_pack("{s:s}", "id", a->arg), &res, &err) < 0)
		return docker_ctr_fail(a, &err);
	was_running = json_is_true(json_object_get(res, "was_running"));
	json_decref(res);
	return http_send(a->c, was_running ? 304 : 204, NULL, NULL, 0), 0;
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
