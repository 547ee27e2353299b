/* lite-docker-api: image archives — GET /images/get and
 * /images/{name}/get (save: lite's `save`, Docker's archive format), POST
 * /images/load (lite's `load` of the body), and the copy of a request body
 * onto a lite connection that load, import and /build share. */
#include "docker-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-progress.h"

int
docker_image_archive_body(int fd, void *arg)
{
	struct api *a = arg;
	char buf[65536];
	ssize_t n;

	while ((n = http_read_body(a->c, a->r, buf, sizeof(buf))) > 0)
		if (http_write_all(fd, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

static int
save(struct api *a, json_t *names)
{
	struct docker_err err;
	struct lite_conn lc;
	json_t *res = NULL;
	char buf[65536];
	ssize_t n;

	if (!json_array_size(names)) {
		json_decref(names);
		return http_send_error(a->c, 400, "no images named: give names=IMAGE"), 0;
	}
	if (docker_lite_open("save", json_pack("{s:o}", "images", names), &lc, &res, &err, NULL, NULL) < 0) {
		docker_images_words(&err);
		return api_fail(a, &err);
	}
	json_decref(res);
	http_stream_begin(a->c, 200, "application/x-tar");
	while ((n = docker_lite_read(&lc, buf, sizeof(buf))) > 0)
		if (http_stream_write(a->c, buf, (size_t)n) < 0)
			break;
	docker_lite_close(&lc);
	/* a short archive must not look complete: end without the last chunk */
	if (n != 0)
		return 1;
	http_stream_end(a->c);
	return 0;
}

/* GET /images/get?names=a&names=b */
int
api_images_get(struct api *a)
{
	json_t *names = http_query_all(a->r, "names");

	return save(a, names ? json_deep_copy(names) : json_array());
}

/* GET /images/{name}/get */
int
api_image_get(struct api *a)
{
	return save(a, json_pack("[s]", a->arg));
}

/* POST /images/load?quiet: {"stream":"Loaded image: NAME\n"} per tag
 * ("Loaded image ID: sha256:..." for an untagged one). */
int
api_images_load(struct api *a)
{
	struct docker_progress p = { .c = a->c };
	struct docker_err err;
	struct lite_conn lc;
	json_t *res = NULL, *img, *t;
	size_t i, j;
	char line[1024];

	if (docker_lite_upload("load", NULL, docker_image_archive_body, a, &lc, &res, &err) < 0)
		return api_fail(a, &err);
	docker_lite_close(&lc);
	json_array_foreach(res, i, img) {
		json_array_foreach(json_object_get(img, "tags"), j, t) {
			snprintf(line, sizeof(line), "Loaded image: %s\n", json_string_value(t));
			docker_progress_stream(&p, line);
		}
		if (!json_array_size(json_object_get(img, "tags"))) {
			snprintf(line, sizeof(line), "Loaded image ID: %s\n", json_string_value(json_object_get(img, "id")));
			docker_progress_stream(&p, line);
		}
	}
	if (!p.begun)
		docker_progress_line(&p, NULL);
	docker_progress_end(&p);
	json_decref(res);
	return 0;
}
