/* lite-docker-api: POST /containers/{id}/wait. Docker sends the 200
 * headers at once and the body {"StatusCode":N,"Error":null} at the exit:
 * the Go client (docker run) reads those headers before it sends the
 * start, on another connection, so a wait that answered nothing until
 * the exit deadlocked `docker run` (issue 16).
 *
 * Conditions: not-running (the default) answers at once for a container
 * that does not run (a created one: 0; an exited one: its code);
 * next-exit waits for the next exit (docker run: the container is
 * created, lite's wait waits through its start); removed also waits until
 * the container is gone (an --rm container goes right after its exit;
 * lite has no removal waiter, so that last part polls inspect). */
#include "docker-ctr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
wait_removed(struct api *a)
{
	struct docker_err err;
	useconds_t delay = 2000;   /* an --rm container goes within ms: look soon, then less often */

	for (;;) {
		char *st = docker_ctr_state(a->arg, &err);
		bool gone = !st;

		free(st);
		if (gone || docker_ctr_client_gone(a->c))
			return;
		usleep(delay);
		if (delay < 100000)
			delay *= 2;
	}
}

static void
send_body(struct api *a, json_int_t code, const char *error)
{
	json_t *body = json_pack("{s:I,s:o}", "StatusCode", code, "Error",
				 error ? json_pack("{s:s}", "Message", error) : json_null());
	char *s = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	if (s) {
		http_stream_write(a->c, s, strlen(s));
		http_stream_write(a->c, "\n", 1);
	}
	free(s);
	http_stream_end(a->c);
}

int
api_container_wait(struct api *a)
{
	const char *cond = http_query(a->r, "condition");
	struct docker_err err;
	json_t *res = NULL, *code;
	char *st;

	if (!cond || !*cond)
		cond = "not-running";
	if (strcmp(cond, "not-running") && strcmp(cond, "next-exit") && strcmp(cond, "removed"))
		return http_send_error(a->c, 400, "invalid condition: \"%s\" (not-running, next-exit or removed)", cond), 0;
	st = docker_ctr_state(a->arg, &err);
	if (!st && err.status == 404 && strlen(a->arg) == 64 &&
	    docker_lite_call("wait", json_pack("{s:s}", "id", a->arg), &res, &err) == 0) {
		/* an --rm container already gone: an attach started it before
		 * this wait came (docker run attaches, waits, then starts);
		 * lite's wait still knows its exit by its full id */
		code = json_object_get(res, "exit_code");
		http_send_json(a->c, 200, json_pack("{s:I,s:n}", "StatusCode",
						    json_is_integer(code) ? json_integer_value(code) : 0, "Error"));
		json_decref(res);
		return 0;
	}
	if (!st)
		return docker_ctr_fail(a, &err);
	if (!strcmp(cond, "not-running") && !strcmp(st, "created")) {
		free(st);
		return http_send_json(a->c, 200, json_pack("{s:i,s:n}", "StatusCode", 0, "Error")), 0;
	}
	free(st);
	if (http_stream_begin(a->c, 200, "application/json") < 0)
		return 1;
	if (docker_ctr_call_watched(a, "wait", json_pack("{s:s}", "id", a->arg), &res, &err) < 0) {
		if (!err.status)
			return 1;   /* the client left */
		docker_ctr_words(&err);
		send_body(a, -1, err.msg);
		return 0;
	}
	if (!strcmp(cond, "removed"))
		wait_removed(a);
	code = json_object_get(res, "exit_code");
	send_body(a, json_is_integer(code) ? json_integer_value(code) : 0, NULL);
	json_decref(res);
	return 0;
}
