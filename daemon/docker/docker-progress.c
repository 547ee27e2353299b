/* Docker's JSON message streams (see docker-progress.h). */
#include "docker-progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
docker_progress_line(struct docker_progress *p, json_t *line)
{
	char *s = line ? json_dumps(line, JSON_COMPACT) : NULL, *msg = NULL;

	if (!p->begun) {
		http_stream_begin(p->c, 200, "application/json");
		p->begun = true;
	}
	/* the object and its CRLF in one chunk: docker-py decodes chunk by
	 * chunk, and a chunk of only "\r\n" is not JSON to it */
	if (s && asprintf(&msg, "%s\r\n", s) >= 0 && http_stream_write(p->c, msg, strlen(msg)) < 0)
		p->gone = true;
	free(msg);
	free(s);
	json_decref(line);
}

void
docker_progress_status(struct docker_progress *p, const char *id, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text)
		docker_progress_line(p, id ? json_pack("{s:s,s:s}", "status", text, "id", id)
					   : json_pack("{s:s}", "status", text));
	free(text);
}

void
docker_progress_stream(struct docker_progress *p, const char *text)
{
	docker_progress_line(p, json_pack("{s:s}", "stream", text));
}

void
docker_progress_error(struct docker_progress *p, int status, int code, const char *msg)
{
	json_t *detail;

	if (!p->begun) {
		http_send_error(p->c, status, "%s", msg);
		return;
	}
	detail = code ? json_pack("{s:i,s:s}", "code", code, "message", msg) : json_pack("{s:s}", "message", msg);
	docker_progress_line(p, json_pack("{s:o,s:s}", "errorDetail", detail, "error", msg));
}

void
docker_progress_end(struct docker_progress *p)
{
	if (p->begun)
		http_stream_end(p->c);
	p->begun = false;
}
