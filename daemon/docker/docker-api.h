/* lite-docker-api's endpoints: each handler answers one request on the
 * connection (docker-route.c picks it). */
#pragma once

#include <jansson.h>

#include "docker-http.h"
#include "docker-lite.h"

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

/* docker-images.c */
int api_images_list(struct api *a);
int api_image_inspect(struct api *a);
int api_image_create(struct api *a);
int api_image_tag(struct api *a);
int api_image_delete(struct api *a);
int api_image_history(struct api *a);
int api_images_prune(struct api *a);
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

/* docker-objects.c: volumes and networks */
int api_volumes_list(struct api *a);
int api_volume_create(struct api *a);
int api_volume_inspect(struct api *a);
int api_volume_delete(struct api *a);
int api_networks_list(struct api *a);
