/* lite-docker-api's side of lite's own protocol: it connects to the lite
 * socket as the caller it runs as (the daemon started it with the caller's
 * uid), so every request is authorized exactly as if the caller had sent
 * it with `lite`. */
#pragma once

#include <jansson.h>
#include <stddef.h>

struct docker_err {
	int status;          /* the HTTP status for lite's error kind */
	char msg[1024];
};

struct lite_conn {
	int fd;
	char buf[65536];     /* bytes read past the reply line: buf[off, len) */
	size_t off, len;
};

/* The lite socket's path (from the daemon, argv). */
void docker_lite_set_socket(const char *path);
const char *docker_lite_socket(void);
/* One request on a connection of its own: 0 and *ret (owned), or -1 and err. */
int docker_lite_call(const char *method, json_t *params, json_t **ret, struct docker_err *err);
/* A streaming request: the reply, and the connection left open for what
 * follows it (frames, raw bytes). Progress notifications before the reply
 * go to on_note (may be NULL). params is stolen. */
int docker_lite_open(const char *method, json_t *params, struct lite_conn *c, json_t **ret, struct docker_err *err,
		     void (*on_note)(json_t *note, void *arg), void *arg);
/* The two halves of docker_lite_open: send the request (params stolen),
 * then read the reply (after a poll on c->fd, say). */
int docker_lite_send(const char *method, json_t *params, struct lite_conn *c, struct docker_err *err);
int docker_lite_reply(struct lite_conn *c, json_t **ret, struct docker_err *err, void (*on_note)(json_t *note, void *arg),
		      void *arg);
/* docker_lite_reply that also watches watch_fd (the HTTP client's
 * socket) while it waits: when the client hangs up, -1 with err->status 0
 * (a wait or an attach that waits for a start may wait long). */
int docker_lite_reply_watched(struct lite_conn *c, int watch_fd, json_t **ret, struct docker_err *err,
			      void (*on_note)(json_t *note, void *arg), void *arg);
/* A request whose bytes follow its line (import, load): body(fd, arg)
 * writes them, then the write side is shut down and the reply read. The
 * connection stays open for what follows the reply. params is stolen. */
int docker_lite_upload(const char *method, json_t *params, int (*body)(int fd, void *arg), void *arg, struct lite_conn *c,
		       json_t **ret, struct docker_err *err);
/* Read from the connection (buffered bytes first): >0, 0 at EOF, -1. */
ssize_t docker_lite_read(struct lite_conn *c, void *buf, size_t len);
void docker_lite_close(struct lite_conn *c);
/* HTTP status for a lite error kind. */
int docker_lite_status(const char *kind);
