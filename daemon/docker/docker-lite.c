/* lite-docker-api's lite client (see docker-lite.h): newline-delimited
 * JSON-RPC on /run/lite.sock, one connection per request. */
#include "docker-lite.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "docker-http.h"

static char socket_path[108] = "/run/lite.sock";

void
docker_lite_set_socket(const char *path)
{
	snprintf(socket_path, sizeof(socket_path), "%s", path);
}

const char *
docker_lite_socket(void)
{
	return socket_path;
}

int
docker_lite_status(const char *kind)
{
	static const struct { const char *kind; int status; } map[] = {
		{ "not_found", 404 }, { "conflict", 409 }, { "invalid", 400 }, { "parse_error", 400 },
		{ "permission", 403 }, { "too_large", 413 }, { "limit", 409 }, { "unknown_method", 501 },
	};

	for (size_t i = 0; kind && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(kind, map[i].kind))
			return map[i].status;
	return 500;
}

static int
fail(struct docker_err *err, int status, const char *msg)
{
	err->status = status;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

static int
connect_lite(struct lite_conn *c, struct docker_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return fail(err, 500, "cannot reach the engine");
	}
	return 0;
}

/* watch_fd (>= 0): a client socket whose hang-up ends a read that waits;
 * *gone is set then. */
static bool
watched_hung_up(struct lite_conn *c, int watch_fd, bool *gone)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = c->fd, .events = POLLIN }, { .fd = watch_fd, .events = 0 } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (p[0].revents)
			return false;
		if (p[1].revents & (POLLHUP | POLLERR)) {
			*gone = true;
			return true;
		}
	}
}

/* The next line from the daemon (NUL-terminated in buf), or NULL. */
static char *
read_line_watched(struct lite_conn *c, int watch_fd, bool *gone)
{
	for (;;) {
		char *nl = memchr(c->buf + c->off, '\n', c->len - c->off), *line;
		ssize_t n;

		if (nl) {
			line = c->buf + c->off;
			*nl = '\0';
			c->off = (size_t)(nl - c->buf) + 1;
			return line;
		}
		if (c->off) {
			memmove(c->buf, c->buf + c->off, c->len - c->off);
			c->len -= c->off;
			c->off = 0;
		}
		if (c->len == sizeof(c->buf))
			return NULL;
		if (watch_fd >= 0 && watched_hung_up(c, watch_fd, gone))
			return NULL;
		do
			n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return NULL;
		c->len += (size_t)n;
	}
}

int
docker_lite_send(const char *method, json_t *params, struct lite_conn *c, struct docker_err *err)
{
	json_t *req = json_pack("{s:i,s:s,s:o}", "id", 1, "method", method, "params", params ? params : json_object());
	char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;

	json_decref(req);
	if (!s || connect_lite(c, err) < 0) {
		free(s);
		return s ? -1 : fail(err, 500, "out of memory");
	}
	if (http_write_all(c->fd, s, strlen(s)) < 0 || http_write_all(c->fd, "\n", 1) < 0) {
		free(s);
		docker_lite_close(c);
		return fail(err, 500, "the engine closed the connection");
	}
	free(s);
	return 0;
}

int
docker_lite_reply_watched(struct lite_conn *c, int watch_fd, json_t **ret, struct docker_err *err,
			  void (*on_note)(json_t *note, void *arg), void *arg)
{
	bool gone = false;
	char *line;
	int r = -1;

	while ((line = read_line_watched(c, watch_fd, &gone))) {
		json_t *msg = json_loads(line, 0, NULL), *e = json_object_get(msg, "error");

		if (json_is_string(json_object_get(msg, "method")) && !json_object_get(msg, "id")) {
			if (on_note)
				on_note(msg, arg);
			json_decref(msg);
			continue;
		}
		if (e) {
			const char *kind = json_string_value(json_object_get(json_object_get(e, "data"), "kind"));

			fail(err, docker_lite_status(kind), json_string_value(json_object_get(e, "message")) ?: "failed");
		} else if (msg) {
			*ret = json_incref(json_object_get(msg, "result"));
			r = 0;
		} else {
			fail(err, 500, "bad reply from the engine");
		}
		json_decref(msg);
		break;
	}
	if (!line && gone)
		fail(err, 0, "");
	else if (!line)
		fail(err, 500, "the engine closed the connection without a reply");
	if (r < 0)
		docker_lite_close(c);
	return r;
}

int
docker_lite_reply(struct lite_conn *c, json_t **ret, struct docker_err *err, void (*on_note)(json_t *note, void *arg),
		  void *arg)
{
	return docker_lite_reply_watched(c, -1, ret, err, on_note, arg);
}

int
docker_lite_open(const char *method, json_t *params, struct lite_conn *c, json_t **ret, struct docker_err *err,
		 void (*on_note)(json_t *note, void *arg), void *arg)
{
	if (docker_lite_send(method, params, c, err) < 0)
		return -1;
	return docker_lite_reply(c, ret, err, on_note, arg);
}

int
docker_lite_call(const char *method, json_t *params, json_t **ret, struct docker_err *err)
{
	struct lite_conn c;
	int r = docker_lite_open(method, params, &c, ret, err, NULL, NULL);

	if (r == 0)
		docker_lite_close(&c);
	return r;
}

ssize_t
docker_lite_read(struct lite_conn *c, void *buf, size_t len)
{
	ssize_t n;

	if (c->off < c->len) {
		n = (ssize_t)(c->len - c->off < len ? c->len - c->off : len);
		memcpy(buf, c->buf + c->off, (size_t)n);
		c->off += (size_t)n;
		return n;
	}
	do
		n = read(c->fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

void
docker_lite_close(struct lite_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int
docker_lite_upload(const char *method, json_t *params, int (*body)(int fd, void *arg), void *arg, struct lite_conn *c,
		   json_t **ret, struct docker_err *err)
{
	if (docker_lite_send(method, params, c, err) < 0)
		return -1;
	int b = body(c->fd, arg);

	shutdown(c->fd, SHUT_WR);
	/* a refused upload: the engine's reply says why, if it sent one */
	if (docker_lite_reply(c, ret, err, NULL, NULL) < 0)
		return -1;
	if (b < 0) {
		json_decref(*ret);
		*ret = NULL;
		docker_lite_close(c);
		return fail(err, 400, "the request body ended early");
	}
	return 0;
}
