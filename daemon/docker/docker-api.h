/* lite-docker-api's endpoints: each handler answers one request on the
 * connection (docker-route.c picks it). */
#pragma once

#include <jansson.h>

#include "docker-http.h"
#include "docker-lite.h"

/* The API version served, and the oldest a client may ask for. */
#define DOCKER_API_VERSION "1.41"
#define DOCKER_API_MAJOR 1
#define DOCKER_API_MINOR 41
#define DOCKER_API_MIN_VERSION "1.24"
#define DOCKER_API_MIN_MINOR 24

struct api {
	struct http_conn *c;
	struct http_req *r;
	const char *arg;      /* the {} of the path: a container, image, ... */
	const char *arg2;     /* a second one: /images/{name}/tag has one; /exec/{id}/start too */
};

/* Reply with lite's error, mapped to Docker's status and message. */
int api_fail(struct api *a, const struct docker_err *err);
/* One lite request whose result is the reply body (status 200 unless
 * given), or the mapped error. */
int api_call_reply(struct api *a, const char *method, json_t *params, int status, json_t *(*shape)(json_t *result));

/* docker-route.c: dispatch one request; 1 when the connection must end
 * (hijacked, or a stream that closed it). */
int docker_route(struct http_conn *c, struct http_req *r);

/* docker-system.c */
int api_ping(struct api *a);
int api_version(struct api *a);
int api_info(struct api *a);

/* docker-containers.c */
int api_containers_list(struct api *a);
int api_container_inspect(struct api *a);
int api_container_start(struct api *a);
int api_container_stop(struct api *a);
int api_container_restart(struct api *a);
int api_container_kill(struct api *a);
int api_container_wait(struct api *a);
int api_container_delete(struct api *a);
int api_container_pause(struct api *a);
int api_container_unpause(struct api *a);
int api_container_rename(struct api *a);

/* docker-create.c */
int api_container_create(struct api *a);

/* docker-stream.c: logs, attach */
int api_container_logs(struct api *a);
int api_container_attach(struct api *a);
int api_container_resize(struct api *a);

/* docker-ctr-wait.c, -list.c, -ops.c, -top.c, -stats.c, -prune.c, -archive.c */
int api_container_top(struct api *a);
int api_container_stats(struct api *a);
int api_container_update(struct api *a);
int api_container_changes(struct api *a);
int api_container_export(struct api *a);
int api_containers_prune(struct api *a);
int api_container_archive_get(struct api *a);
int api_container_archive_put(struct api *a);

/* docker-images.c */
int api_images_list(struct api *a);
int api_image_inspect(struct api *a);
int api_image_create(struct api *a);
int api_image_tag(struct api *a);
int api_image_delete(struct api *a);
int api_image_history(struct api *a);
int api_images_prune(struct api *a);
int api_build_prune(struct api *a);
int api_image_commit(struct api *a);
int api_images_search(struct api *a);
/* lite's "no such image: x" in Docker's words ("No such image: x"). */
void docker_images_words(struct docker_err *err);

/* docker-image-archive.c: save, load; the body onto a lite connection
 * (arg: the struct api *), for docker_lite_upload. */
int api_images_get(struct api *a);
int api_image_get(struct api *a);
int api_images_load(struct api *a);
int docker_image_archive_body(int fd, void *arg);

/* docker-image-pull.c: pull and import (POST /images/create), push */
int api_image_push(struct api *a);

/* docker-build.c */
int api_build(struct api *a);

/* docker-volumes.c (was docker-objects.c) */
int api_volumes_list(struct api *a);
int api_volume_create(struct api *a);
int api_volume_inspect(struct api *a);
int api_volume_delete(struct api *a);
int api_volumes_prune(struct api *a);
/* docker-networks.c (was docker-objects.c) */
int api_networks_list(struct api *a);
int api_network_inspect(struct api *a);
int api_network_create(struct api *a);
int api_network_connect(struct api *a);
int api_network_disconnect(struct api *a);
int api_network_delete(struct api *a);
int api_networks_prune(struct api *a);

/* docker-exec.c */
int api_exec_create(struct api *a);
int api_exec_start(struct api *a);
int api_exec_resize(struct api *a);
int api_exec_inspect(struct api *a);
/* docker-events.c */
int api_events(struct api *a);
/* docker-df.c */
int api_system_df(struct api *a);
