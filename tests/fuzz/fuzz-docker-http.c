/* Harness: lite-docker-api's HTTP/1.1 reader (daemon/docker/docker-http.c),
 * the parser of what any member of group lite sends to the Docker socket:
 * request lines, headers, Content-Length and chunked bodies, pipelined
 * requests. The input is what the client sent (then EOF); replies go back
 * on the same socket and are thrown away. Each request's body is read as
 * JSON (bounded), as /containers/create does, or drained. */
#include "fuzz.h"

#include <sys/socket.h>
#include <unistd.h>

#include "docker-http.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2], buf = 1 << 20, n = 0;
	struct http_conn *c;
	struct http_req r;

	if (size > 256 * 1024 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (http_write_all(sv[0], data, size) < 0) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);
	c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->fd = sv[1];
	c->timeout_ms = 1000;
	while (n++ < 64 && http_read_request(c, &r) == 1) {
		json_t *body = NULL;

		FUZZ_ASSERT(r.path[0] == '/');
		FUZZ_ASSERT(r.n_headers <= HTTP_MAX_HEADERS);
		if (!strcmp(r.method, "POST") && http_read_json(c, &r, 4096, &body) == 0)
			FUZZ_ASSERT(body != NULL);
		json_decref(body);
		if (!c->broken)
			http_drain_body(c, &r);
		FUZZ_ASSERT(c->off <= c->len && c->len <= sizeof(c->buf));
		http_send_error(c, 404, "page not found");
		http_req_free(&r);
		if (c->broken || r.close)
			break;
	}
	free(c);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
