/* HTTP/1.1 for the Docker Engine API front end (lite-docker-api), through
 * libmicrohttpd: MHD parses requests (keep-alive, pipelining, chunked
 * bodies, Expect: 100-continue, HEAD) and frames replies (Content-Length,
 * chunked streams, the 101 upgrade of attach and exec). Each request's
 * handler runs in a worker thread with this blocking API: its body comes
 * through a pipe fed by MHD, its reply goes to MHD. One connection per
 * process. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTP_MAX_HEADERS 64

enum http_fail {
	HTTP_FAIL_NONE,
	HTTP_FAIL_EOF,       /* the client closed */
	HTTP_FAIL_IO,        /* a read error */
	HTTP_FAIL_TIMEOUT,   /* nothing came for timeout_ms */
	HTTP_FAIL_TOO_LONG,  /* a line longer than the buffer */
	HTTP_FAIL_MAX,
};

struct http_exchange;

struct http_conn {
	int fd;              /* the client's socket: poll it for a hang-up; raw I/O only after http_hijack */
	char buf[65536];     /* after http_hijack: bytes the client sent with the upgrade request (MHD's
			      * extra_in), not yet used: buf[off, len) */
	size_t off, len;
	int timeout_ms;      /* the daemon's request-timeout; 0: none */
	enum http_fail fail; /* why the last body read gave nothing */
	bool broken;         /* the request was cut off: no further request */
	bool head;           /* the current request is a HEAD: no body sent */
	struct http_exchange *x;  /* the request being served (docker-http.c) */
};

struct http_req {
	char method[16];
	char path[4096];     /* decoded, without the query and the /v1.NN prefix */
	char api_version[16];/* "1.41" from a /v1.41/ prefix, or "" */
	json_t *query;       /* {"name": "value"}, decoded */
	char *names[HTTP_MAX_HEADERS], *values[HTTP_MAX_HEADERS];  /* names lower case */
	size_t n_headers;
	bool chunked;        /* the body is chunked */
	int64_t length;      /* Content-Length, or -1 */
	bool body_done;
	bool close;          /* Connection: close, or HTTP/1.0 */
	bool expect_continue;/* "Expect: 100-continue", not yet answered */
	json_t *query_all;   /* {"name": ["value", ...]}: every value of a repeated key (t=, names=) */
};

/* Serve the connection fd until it ends: MHD reads each request and
 * runs route(c, r) for it in a worker thread (one request at a time);
 * route returns non-zero when the connection must end after it.
 * timeout_ms: the daemon's request-timeout (idle connections, slow
 * requests). 0, or -1 when MHD cannot start. */
int http_serve(int fd, int timeout_ms, int (*route)(struct http_conn *c, struct http_req *r));
void http_req_free(struct http_req *r);
const char *http_header(const struct http_req *r, const char *name);
const char *http_query(const struct http_req *r, const char *name);
/* Every value of a repeated query key (/build?t=a&t=b), in order: an
 * array (borrowed), or NULL when absent. */
json_t *http_query_all(const struct http_req *r, const char *name);
/* Docker's booleans in a query: 1/true/True; absent: def. */
bool http_query_bool(const struct http_req *r, const char *name, bool def);
/* Read up to len body bytes: >0, 0 at the body's end, -1 on error. */
ssize_t http_read_body(struct http_conn *c, struct http_req *r, void *buf, size_t len);
/* The whole body (at most max bytes) as JSON; NULL body: an empty object.
 * -1 when it is not JSON or too large (a 400 was sent). */
int http_read_json(struct http_conn *c, struct http_req *r, size_t max, json_t **ret);
/* Skip what is left of the body (before the next request). */
void http_drain_body(struct http_conn *c, struct http_req *r);

/* Replies. Each writes Docker's headers (Api-Version, Docker-Experimental,
 * Ostype, Server). */
int http_send(struct http_conn *c, int status, const char *content_type, const void *body, size_t len);
/* The same with more header lines ("Name: value\r\n" each). */
int http_send_extra(struct http_conn *c, int status, const char *content_type, const char *headers, const void *body,
		    size_t len);
int http_send_json(struct http_conn *c, int status, json_t *body);   /* steals body */
int http_send_error(struct http_conn *c, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A chunked stream: begin, write pieces, end. */
int http_stream_begin(struct http_conn *c, int status, const char *content_type);
/* The same with more header lines ("Name: value\r\n" each). */
int http_stream_begin_extra(struct http_conn *c, int status, const char *content_type, const char *headers);
int http_stream_write(struct http_conn *c, const void *data, size_t len);
int http_stream_end(struct http_conn *c);
/* Hand the connection over to a raw stream: 101 Switching Protocols when
 * the client asked to upgrade (c->fd is then the raw socket), else a 200
 * whose body is the stream until the connection closes (c->fd is then a
 * socket whose reads end at once: such a client sends no input). */
int http_hijack(struct http_conn *c, const struct http_req *r);
int http_write_all(int fd, const void *data, size_t len);
