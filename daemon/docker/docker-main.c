/* lite-docker-api: the Docker Engine API (v1.41) on one connection.
 * containerd-lite accepts on its Docker socket and runs this program for
 * each connection, with the connection as fd 3, as the caller (the
 * caller's uid and gid, and the lite group so it can reach the lite
 * socket), argv[1] the lite socket's path. Every API request becomes
 * requests on that socket, so a Docker client gets exactly the caller's
 * authorization, user namespace and limits: a second front end onto the
 * same engine, not a second container model. One connection, requests
 * one after another, until the client closes it. */
#include "docker-api.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	struct http_conn c = { .fd = 3 };
	struct http_req r;
	int end = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: lite-docker-api LITE_SOCKET (run by containerd-lite, the connection as fd 3)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	docker_lite_set_socket(argv[1]);
	while (!end && http_read_request(&c, &r) == 1) {
		end = docker_route(&c, &r);
		if (!end)
			http_drain_body(&c, &r);
		end = end || r.close;
		http_req_free(&r);
	}
	return 0;
}
