/* lite-docker-api: the Docker Engine API (v1.41) on one connection.
 * containerd-lite accepts on its Docker socket and runs this program for
 * each connection, with the connection as fd 3, as the caller (the
 * caller's uid, gid and groups, and the lite group so it can reach the
 * lite socket), argv[1] the lite socket's path, argv[2] the daemon's
 * request-timeout in ms (docker-http.c bounds idle and slow requests).
 * Every API request becomes requests on that socket, so a Docker client gets exactly the caller's
 * authorization, user namespace and limits: a second front end onto the
 * same engine, not a second container model. One connection, requests
 * one after another (through libmicrohttpd, docker-http.c), until the
 * client closes it. */
#include "docker-api.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: lite-docker-api LITE_SOCKET [TIMEOUT_MS] (run by containerd-lite, the connection as fd 3)\n");
		return 2;
	}
	/* the caller owns this process: no ptrace or /proc/PID/fd for them
	 * (installed mode 0711 closes the window before this line too: exec
	 * of a file its user cannot read leaves a process undumpable) */
	prctl(PR_SET_DUMPABLE, 0);
	signal(SIGPIPE, SIG_IGN);
	docker_lite_set_socket(argv[1]);
	/* the daemon's request-timeout: idle time allowed before a full request */
	return http_serve(3, argc == 3 ? (int)strtol(argv[2], NULL, 10) : 0, docker_route) < 0 ? 1 : 0;
}
