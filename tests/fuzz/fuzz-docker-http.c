/* Harness: lite-docker-api's HTTP/1.1 layer (daemon/docker/docker-http.c),
 * what any member of group lite sends to the Docker socket: request lines,
 * headers, Content-Length and chunked bodies, pipelined requests, parsed
 * by libmicrohttpd and handed to a route the way lite-docker-api's are.
 * The input is what the client sent (then EOF); replies go back on the
 * same socket and are thrown away. Each POST's body is read as JSON
 * (bounded), as /containers/create does; other bodies are left to the
 * layer to drop. */
#include "fuzz.h"

#include <sys/socket.h>
#include <unistd.h>

#include "docker-http.h"

static int
route(struct http_conn *c, struct http_req *r)
{
	json_t *body = NULL;

	FUZZ_ASSERT(r->path[0] == '/');
	FUZZ_ASSERT(r->n_headers <= HTTP_MAX_HEADERS);
	if (!strcmp(r->method, "POST") && http_read_json(c, r, 4096, &body) == 0)
		FUZZ_ASSERT(body != NULL);
	json_decref(body);
	http_send_error(c, 404, "page not found");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2], buf = 1 << 20;

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
	/* MHD owns sv[1] from here and closes it */
	http_serve(sv[1], 1000, route);
	close(sv[0]);
	return 0;
}
