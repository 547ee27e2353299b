/* The Docker Engine API's sockets (docker-api.c): listen, and run
 * lite-docker-api as the caller for each connection. */
#pragma once

#include "daemon.h"

/* A socket systemd passed (FileDescriptorName=docker). */
void docker_api_add_fd(struct daemon *d, int fd);
/* Listen on the configured sockets (or systemd's). */
int docker_api_listen(struct daemon *d);
void docker_api_shutdown(struct daemon *d);
