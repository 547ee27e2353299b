/* Docker's create body as lite's create params (docker-create-map.c). */
#pragma once

#include <jansson.h>

/* Config + HostConfig + NetworkingConfig (body) and the name= query ->
 * lite's create params (owned), or NULL and *why: the field lite cannot
 * honour ("HostConfig.Sysctls"), or Docker's "Conflicting options: ..."
 * message. */
json_t *docker_create_map_params(json_t *body, const char *name, const char **why);
