/* lite-docker-api: what the container endpoints share (docker-ctr.h). */
#include "docker-ctr.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* lite: "no such container: 'x'"; Docker: "No such container: x". */
void
docker_ctr_words(struct docker_err *err)
{
	char *q = strstr(err->msg, ": '");
	size_t len;

	if (strncmp(err->msg, "no such ", 8))
		return;
	err->msg[0] = 'N';
	len = strlen(err->msg);
	if (q && len > 4 && err->msg[len - 1] == '\'') {
		err->msg[len - 1] = '\0';
		memmove(q + 2, q + 3, strlen(q + 3) + 1);
	}
}

int
docker_ctr_fail(struct api *a, struct docker_err *err)
{
	/* not api_fail (docker-route.c): the endpoints would call back into
	 * the file that calls them */
	docker_ctr_words(err);
	http_send_error(a->c, err->status, "%s", err->msg);
	return 0;
}

int
docker_ctr_inspect(const char *id, json_t **ret, struct docker_err *err)
{
	*ret = NULL;
	return docker_lite_call("inspect", json_pack("{s:s}", "id", id), ret, err);
}

char *
docker_ctr_state(const char *id, struct docker_err *err)
{
	json_t *res = NULL;
	char *s = NULL;

	if (docker_ctr_inspect(id, &res, err) == 0)
		s = strdup(json_string_value(json_object_get(json_object_get(res, "state"), "status")) ?: "");
	json_decref(res);
	return s;
}

bool
docker_ctr_client_gone(struct http_conn *c)
{
	/* a hang-up, not a half-close (a client may shut down its write side
	 * after its request) */
	struct pollfd p = { .fd = c->fd, .events = 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}
