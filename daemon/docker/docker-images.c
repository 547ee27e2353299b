/* lite-docker-api: images — list, inspect, create (pull, with Docker's
 * progress stream), tag, remove. Inspect is proto/docker-shape.c's, the
 * same shape `lite image inspect` prints. */
#include "docker-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-shape.h"

static json_t *
list_entry(json_t *img)
{
	json_t *tags = json_object_get(img, "repo_tags");

	return json_pack("{s:O,s:s,s:O,s:O,s:O,s:O,s:i,s:{},s:[],s:i}", "Id", json_object_get(img, "id"), "ParentId", "",
			 "RepoTags", json_array_size(tags) ? tags : json_pack("[s]", "<none>:<none>"), "Created",
			 json_object_get(img, "created"), "Size", json_object_get(img, "size"), "VirtualSize",
			 json_object_get(img, "size"), "SharedSize", -1, "Labels", "RepoDigests", "Containers", -1);
}

static json_t *
list_shape(json_t *res)
{
	json_t *out = json_array(), *img;
	size_t i;

	json_array_foreach(res, i, img)
		json_array_append_new(out, list_entry(img));
	return out;
}

int
api_images_list(struct api *a)
{
	return api_call_reply(a, "images", NULL, 200, list_shape);
}

static void
docker_words(struct docker_err *err)
{
	if (!strncmp(err->msg, "no such image", 13))
		err->msg[0] = 'N';
}

int
api_image_inspect(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call("image_inspect", json_pack("{s:s}", "image", a->arg), &res, &err) < 0) {
		docker_words(&err);
		return api_fail(a, &err);
	}
	http_send_json(a->c, 200, docker_shape_image(res));
	json_decref(res);
	return 0;
}

/* lite's pull progress notification -> Docker's JSON progress line. */
static void
progress_note(json_t *note, void *arg)
{
	struct http_conn *c = arg;
	json_t *p = json_object_get(note, "params");
	json_t *line = json_pack("{s:O?,s:O?,s:{s:O?,s:O?}}", "id", json_object_get(p, "id"), "status",
				 json_object_get(p, "status"), "progressDetail", "current", json_object_get(p, "current"),
				 "total", json_object_get(p, "total"));
	char *s = line ? json_dumps(line, JSON_COMPACT) : NULL;

	if (s) {
		http_stream_write(c, s, strlen(s));
		http_stream_write(c, "\r\n", 2);
	}
	free(s);
	json_decref(line);
}

static void
stream_line(struct http_conn *c, json_t *line)
{
	char *s = json_dumps(line, JSON_COMPACT);

	if (s) {
		http_stream_write(c, s, strlen(s));
		http_stream_write(c, "\r\n", 2);
	}
	free(s);
	json_decref(line);
}

/* POST /images/create?fromImage=NAME&tag=TAG: a pull. (fromSrc, an
 * import, is not served yet.) */
int
api_image_create(struct api *a)
{
	const char *from = http_query(a->r, "fromImage"), *tag = http_query(a->r, "tag");
	struct docker_err err = { 0 };
	struct lite_conn lc;
	json_t *res = NULL;
	char ref[1024];

	if (!from || !*from)
		return http_send_error(a->c, 501, "only pulls (fromImage) are served: use lite import for fromSrc"), 0;
	if (tag && *tag && !strchr(from, '@'))
		snprintf(ref, sizeof(ref), "%s%s%s", from, tag[0] == '@' || !strncmp(tag, "sha256:", 7) ? "@" : ":", tag);
	else
		snprintf(ref, sizeof(ref), "%s", from);
	http_stream_begin(a->c, 200, "application/json");
	stream_line(a->c, json_pack("{s:s}", "status", "Pulling from lite"));
	if (docker_lite_open("pull", json_pack("{s:s,s:b}", "ref", ref, "progress", 1), &lc, &res, &err, progress_note,
			     a->c) < 0) {
		/* Docker reports a failed pull inside the 200 stream */
		stream_line(a->c, json_pack("{s:s,s:{s:s}}", "error", err.msg, "errorDetail", "message", err.msg));
	} else {
		docker_lite_close(&lc);
		stream_line(a->c, json_pack("{s:s}", "status", "Digest: ok"));
		stream_line(a->c, json_pack("{s:s+}", "status", "Status: Downloaded newer image for ", ref));
		json_decref(res);
	}
	http_stream_end(a->c);
	return 0;
}

int
api_image_tag(struct api *a)
{
	const char *repo = http_query(a->r, "repo"), *tag = http_query(a->r, "tag");
	char target[1024];

	if (!repo || !*repo)
		return http_send_error(a->c, 400, "repository name must have at least one component"), 0;
	snprintf(target, sizeof(target), "%s%s%s", repo, tag && *tag ? ":" : "", tag && *tag ? tag : "");
	return api_call_reply(a, "tag", json_pack("{s:s,s:s}", "source", a->arg, "target", target), 201, NULL);
}

int
api_image_delete(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call("rmi", json_pack("{s:[s],s:b}", "images", a->arg, "force", http_query_bool(a->r, "force", false)),
			     &res, &err) < 0) {
		docker_words(&err);
		return api_fail(a, &err);
	}
	http_send_json(a->c, 200, res);
	return 0;
}
