/* lite-docker-api: helpers shared by the container endpoints
 * (docker-containers.c, docker-ctr-*.c, docker-stream.c). */
#pragma once

#include "docker-api.h"

#include <stdbool.h>

/* Docker's words for lite's errors: "No such container: x". */
void docker_ctr_words(struct docker_err *err);
/* Reply with err in Docker's words; 0 (the connection goes on). */
int docker_ctr_fail(struct api *a, struct docker_err *err);
/* lite's inspect of a container: 0 and *ret (owned), or -1 and err. */
int docker_ctr_inspect(const char *id, json_t **ret, struct docker_err *err);
/* The container's lite state ("created", "running", "paused", "exited"...,
 * heap), or NULL and err. */
char *docker_ctr_state(const char *id, struct docker_err *err);
/* Has the client closed its side (a hang-up seen without reading)? */
bool docker_ctr_client_gone(struct http_conn *c);
