/* lite-docker-api: POST /containers/{id}/wait. Docker sends the 200
 * headers at once and the body {"StatusCode":N,"Error":null} at the exit:
 * the Go client (docker run) reads those headers before it sends the
 * start, on another connection, so a wait that answered nothing until
 * the exit deadlocked `docker run` (issue 16).
 *
 * The condition is the engine's (lite's wait `condition`, Docker's rules):
 * not-running (the default) answers at once for a container that does
 * not run (a created one: 0; an exited one: its code), next-exit waits for
 * the first exit after the wait was registered (on an exited container:
 * the exit of its next run), removed for the removal. The engine sends a
 * "waiting" notification once its waiter is registered, and only then do
 * the 200 headers go out: the start the client sends after them cannot
 * come before the wait, so a short container's exit is never missed. */
#include "docker-ctr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct wait_ctx {
	struct api *a;
	bool begun;     /* the 200 headers went out: the rest is the body */
	bool failed;    /* they could not */
};

/* The engine registered the wait: now the client may send its start. */
static void
on_note(json_t *note, void *arg)
{
	struct wait_ctx *w = arg;

	if (w->begun || strcmp(json_string_value(json_object_get(note, "method")) ?: "", "waiting"))
		return;
	w->begun = true;
	w->failed = http_stream_begin(w->a->c, 200, "application/json") < 0;
}

int
api_container_wait(struct api *a)
{
	const char *cond = http_query(a->r, "condition");
	struct wait_ctx w = { .a = a };
	struct docker_err err = { 0 };
	struct lite_conn lc;
	json_t *res = NULL, *code;
	int r;

	if (!cond || !*cond)
		cond = "not-running";
	if (strcmp(cond, "not-running") && strcmp(cond, "next-exit") && strcmp(cond, "removed"))
		return http_send_error(a->c, 400, "invalid condition: \"%s\" (not-running, next-exit or removed)", cond), 0;
	if (docker_lite_send("wait", json_pack("{s:s,s:s}", "id", a->arg, "condition", cond), &lc, &err) < 0)
		return docker_ctr_fail(a, &err);
	r = docker_lite_reply_watched(&lc, a->c->fd, &res, &err, on_note, &w);
	if (r == 0)
		docker_lite_close(&lc);
	if (w.failed) {
		json_decref(res);
		return 1;
	}
	if (r < 0 && !err.status)
		return 1; /* the client left */
	if (r < 0 && !w.begun)
		return docker_ctr_fail(a, &err);
	if (r < 0) {
		docker_ctr_words(&err);
		send_body(a, -1, err.msg);
		return 0;
	}
	code = json_object_get(res, "exit_code");
	if (!w.begun) /* answered at once: not-running on a container that does not run */
		http_send_json(a->c, 200, json_pack("{s:I,s:n}", "StatusCode",
						    json_is_integer(code) ? json_integer_value(code) : 0, "Error"));
	else
		send_body(a, json_is_integer(code) ? json_integer_value(code) : 0, NULL);
	json_decref(res);
	return 0;
}
