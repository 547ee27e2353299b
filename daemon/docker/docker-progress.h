/* Docker's JSON message streams (pull, push, load, import, build): one
 * JSON object a line in a chunked 200 reply, started at the first line so
 * that an error before any progress can still be an HTTP status (as
 * dockerd answers 404 to a pull of an unknown image), and an error after
 * it a {"errorDetail":{"message"},"error"} line inside the stream. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "docker-http.h"

struct docker_progress {
	struct http_conn *c;
	bool begun;
	bool gone;           /* a write failed: the client left */
};

/* One line (stolen); begins the stream. */
void docker_progress_line(struct docker_progress *p, json_t *line);
/* {"status": text} with "id" when id is not NULL. */
void docker_progress_status(struct docker_progress *p, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* {"stream": text} (build and load output). */
void docker_progress_stream(struct docker_progress *p, const char *text);
/* The error: an HTTP status before the stream began, else an error line
 * (code: errorDetail.code when not 0: a failed RUN's exit code). */
void docker_progress_error(struct docker_progress *p, int status, int code, const char *msg);
/* End the stream (if it began). */
void docker_progress_end(struct docker_progress *p);
