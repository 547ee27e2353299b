/* lite-docker-api: POST /images/create (fromImage: a pull, with Docker's
 * progress stream; fromSrc=-: an import of the body) and POST
 * /images/{name}/push. Registry credentials come in the X-Registry-Auth
 * header (base64url JSON, as the docker CLI sends it) and go to lite's
 * pull/push as their `user` param. */
#include "docker-api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-progress.h"
#include "../image/image-change.h"

/* Base64, standard or URL alphabet, padding optional: bytes, or -1. */
static ssize_t
base64_decode(const char *in, char *out, size_t max)
{
	size_t n = 0;
	unsigned acc = 0, bits = 0;

	for (; *in && *in != '='; in++) {
		const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *p = strchr(tab, *in);
		int v = p ? (int)(p - tab) : *in == '-' ? 62 : *in == '_' ? 63 : -1;

		if (isspace((unsigned char)*in))
			continue;
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= max)
				return -1;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	return (ssize_t)n;
}

/* X-Registry-Auth -> "USER:PASSWORD" in buf, or "" when absent or empty.
 * -1 when it does not decode. */
static int
registry_user(const struct http_req *r, char *buf, size_t len)
{
	const char *h = http_header(r, "x-registry-auth");
	char dec[4096], auth[1024];
	json_t *j;
	const char *u, *pw, *enc;

	buf[0] = '\0';
	if (!h || !*h)
		return 0;
	if (base64_decode(h, dec, sizeof(dec)) < 0 || !(j = json_loads(dec, 0, NULL)))
		return -1;
	u = json_string_value(json_object_get(j, "username"));
	pw = json_string_value(json_object_get(j, "password"));
	enc = json_string_value(json_object_get(j, "auth"));
	if (u && *u && pw)
		snprintf(buf, len, "%s:%s", u, pw);
	else if (enc && *enc && base64_decode(enc, auth, sizeof(auth)) > 0 && strchr(auth, ':'))
		snprintf(buf, len, "%s", auth);
	json_decref(j);
	return 0;
}

/* The repository path a registry sees: "busybox" -> "library/busybox",
 * "127.0.0.1:5000/app" -> "app" (Docker's "Pulling from ..."). */
static void
remote_name(const char *name, char *buf, size_t len)
{
	const char *slash = strchr(name, '/');
	size_t first = slash ? (size_t)(slash - name) : 0;
	bool host = slash && (memchr(name, '.', first) || memchr(name, ':', first) || !strncmp(name, "localhost/", 10));
	const char *path = host ? slash + 1 : name;
	char *at, *colon;

	if (host && strncmp(name, "docker.io/", 10) && strncmp(name, "index.docker.io/", 16))
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "%s%s", strchr(path, '/') ? "" : "library/", path);
	if ((at = strchr(buf, '@')))
		*at = '\0';
	colon = strrchr(buf, ':');
	if (colon && !strchr(colon, '/'))
		*colon = '\0';
}

/* A pull's or push's stream: the line that opens it ("TAG: Pulling from
 * REPO") goes out with lite's first notification. */
struct note_ctx {
	struct docker_progress p;
	const char *first_id;
	char first[1100];
};

static void
open_stream(struct note_ctx *n)
{
	if (!n->p.begun && n->first[0])
		docker_progress_status(&n->p, n->first_id, "%s", n->first);
}

/* lite's progress notification -> Docker's progress line. */
static void
pull_note(json_t *note, void *arg)
{
	struct note_ctx *n = arg;
	struct docker_progress *p = &n->p;
	json_t *pa = json_object_get(note, "params"), *detail = json_object();
	const char *status = json_string_value(json_object_get(pa, "status"));

	if (!status) {
		json_decref(detail);
		return;
	}
	open_stream(n);
	if (json_integer_value(json_object_get(pa, "total")) > 0 &&
	    (!strcmp(status, "Downloading") || !strcmp(status, "Extracting") || !strcmp(status, "Pushing"))) {
		json_object_set(detail, "current", json_object_get(pa, "current"));
		json_object_set(detail, "total", json_object_get(pa, "total"));
	}
	docker_progress_line(p, json_pack("{s:s,s:o,s:O?}", "status", status, "progressDetail", detail, "id",
					  json_object_get(pa, "id")));
}

/* lite's error of a pull or push as Docker's status: an unknown image is
 * a 404 (before the stream). */
static int
pull_status(const struct docker_err *err)
{
	if (err->status == 500 && (strstr(err->msg, "manifest unknown") || strstr(err->msg, "not found") ||
				   strstr(err->msg, "NAME_UNKNOWN") || strstr(err->msg, "name unknown")))
		return 404;
	return err->status;
}

static int
pull(struct api *a, const char *from, const char *tag)
{
	struct note_ctx n = { .p = { .c = a->c } };
	struct docker_progress *p = &n.p;
	struct docker_err err = { 0 };
	struct lite_conn lc;
	json_t *res = NULL, *params;
	char ref[1024], user[2048], remote[1024];
	const char *last = strrchr(from, '/');
	bool has_tag = strchr(from, '@') || strchr(last ? last : from, ':');

	if (registry_user(a->r, user, sizeof(user)) < 0)
		return http_send_error(a->c, 400, "X-Registry-Auth: not base64-encoded JSON"), 0;
	/* no tag is Docker's "every tag" (docker pull --all-tags) */
	if ((!tag || !*tag) && !has_tag)
		return http_send_error(a->c, 501, "pulling every tag of %s is not supported: name a tag", from), 0;
	if (tag && *tag && !has_tag)
		snprintf(ref, sizeof(ref), "%s%s%s", from, !strncmp(tag, "sha256:", 7) ? "@" : ":", tag);
	else
		snprintf(ref, sizeof(ref), "%s", from);
	remote_name(ref, remote, sizeof(remote));
	n.first_id = tag && *tag ? tag : "latest";
	snprintf(n.first, sizeof(n.first), "Pulling from %s", remote);
	params = json_pack("{s:s,s:b}", "ref", ref, "progress", 1);
	if (*user)
		json_object_set_new(params, "user", json_string(user));
	/* the first line waits for lite's first sign of life: an unknown image
	 * is still a 404 */
	if (docker_lite_open("pull", params, &lc, &res, &err, pull_note, &n) < 0) {
		docker_progress_error(p, p->begun ? 0 : pull_status(&err), 0, err.msg);
		docker_progress_end(p);
		return 0;
	}
	docker_lite_close(&lc);
	const char *name = json_string_value(json_array_get(json_object_get(res, "tags"), 0)) ?: ref;

	open_stream(&n);
	if (json_string_value(json_object_get(res, "digest")))
		docker_progress_status(p, NULL, "Digest: %s", json_string_value(json_object_get(res, "digest")));
	if (json_integer_value(json_object_get(res, "downloaded")) > 0)
		docker_progress_status(p, NULL, "Status: Downloaded newer image for %s", name);
	else
		docker_progress_status(p, NULL, "Status: Image is up to date for %s", name);
	docker_progress_end(p);
	json_decref(res);
	return 0;
}

/* changes (Dockerfile instructions: CMD, ENV, ...) and message on the
 * imported image id: a derived image (the same layer, the changed config,
 * the message as its history comment) takes ref over, and the plain
 * import goes. The new id in *ret, or -1 and err. */
static int
apply_changes(json_t *changes, const char *message, const char *id, const char *ref, char **ret, struct docker_err *err)
{
	json_t *ins = NULL, *res = NULL, *cfg, *c;
	char msg[512];
	size_t i;

	if (docker_lite_call("image_inspect", json_pack("{s:s}", "image", id), &ins, err) < 0)
		return -1;
	cfg = json_is_object(json_object_get(ins, "Config")) ? json_deep_copy(json_object_get(ins, "Config")) : json_object();
	json_decref(ins);
	json_array_foreach(changes, i, c)
		if (*json_string_value(c) && image_change_apply(cfg, json_string_value(c), msg, sizeof(msg)) < 0) {
			err->status = 400;
			snprintf(err->msg, sizeof(err->msg), "import: changes: %s", msg);
			json_decref(cfg);
			return -1;
		}
	if (docker_lite_call("image_derive", json_pack("{s:s,s:o,s:s,s:s}", "parent", id, "config", cfg, "created_by", "",
						     "comment", message ? message : ""), &res, err) < 0)
		return -1;
	*ret = strdup(json_string_value(json_object_get(res, "id")) ?: "");
	json_decref(res);
	res = NULL;
	if (docker_lite_call("tag", json_pack("{s:s,s:s}", "source", *ret, "target", ref), &res, err) < 0)
		return -1;
	json_decref(res);
	res = NULL;
	/* the plain import goes unless another name holds it (the same tar
	 * imported before gives the same id) */
	if (docker_lite_call("image_inspect", json_pack("{s:s}", "image", id), &res, err) == 0 &&
	    !json_array_size(json_object_get(res, "RepoTags"))) {
		json_decref(res);
		res = NULL;
		if (docker_lite_call("rmi", json_pack("{s:[s]}", "images", id), &res, err) < 0)
			res = NULL;
	}
	json_decref(res);
	return 0;
}

/* fromSrc=-: the body is a root file system tar; repo[:tag] names it;
 * changes (repeatable) and message as `docker import -c -m`. */
static int
import(struct api *a)
{
	const char *repo = http_query(a->r, "repo"), *tag = http_query(a->r, "tag");
	const char *message = http_query(a->r, "message");
	json_t *changes = http_query_all(a->r, "changes");
	struct docker_progress p = { .c = a->c };
	struct docker_err err;
	struct lite_conn lc;
	json_t *res = NULL;
	char ref[1024], *id = NULL;
	bool derive = (message && *message) || json_array_size(changes);

	if (strcmp(http_query(a->r, "fromSrc"), "-"))
		return http_send_error(a->c, 501, "fromSrc: importing from a URL is not supported (send the tar as the body with fromSrc=-)"), 0;
	/* an untagged import is not kept by lite: a name is needed */
	if (!repo || !*repo)
		return http_send_error(a->c, 400, "import: repo is required (lite keeps no untagged import)"), 0;
	snprintf(ref, sizeof(ref), "%s%s%s", repo, tag && *tag ? ":" : "", tag && *tag ? tag : "");
	if (docker_lite_upload("import", json_pack("{s:s}", "ref", ref), docker_image_archive_body, a, &lc, &res, &err) < 0)
		return api_fail(a, &err);
	docker_lite_close(&lc);
	if (derive && apply_changes(changes, message, json_string_value(json_object_get(res, "id")) ?: "", ref, &id, &err) < 0) {
		/* nothing half-made stays under the name */
		json_t *rm = NULL;

		if (docker_lite_call("rmi", json_pack("{s:[s]}", "images", ref), &rm, &(struct docker_err){ 0 }) == 0)
			json_decref(rm);
		json_decref(res);
		free(id);
		return api_fail(a, &err);
	}
	docker_progress_status(&p, NULL, "%s", id ? id : json_string_value(json_object_get(res, "id")) ?: "");
	docker_progress_end(&p);
	json_decref(res);
	free(id);
	return 0;
}

/* POST /images/create?fromImage&tag | fromSrc=-&repo&tag */
int
api_image_create(struct api *a)
{
	const char *from = http_query(a->r, "fromImage"), *src = http_query(a->r, "fromSrc");

	if (src && *src)
		return import(a);
	if (!from || !*from)
		return http_send_error(a->c, 400, "fromImage or fromSrc is required"), 0;
	return pull(a, from, http_query(a->r, "tag"));
}

/* POST /images/{name}/push?tag */
int
api_image_push(struct api *a)
{
	const char *tag = http_query(a->r, "tag");
	struct note_ctx n = { .p = { .c = a->c } };
	struct docker_progress *p = &n.p;
	struct docker_err err = { 0 };
	struct lite_conn lc;
	json_t *res = NULL, *params;
	char ref[1024], user[2048];

	if (registry_user(a->r, user, sizeof(user)) < 0)
		return http_send_error(a->c, 400, "X-Registry-Auth: not base64-encoded JSON"), 0;
	const char *last = strrchr(a->arg, '/');

	/* no tag is Docker's "every tag" (docker push --all-tags) */
	if ((!tag || !*tag) && !strchr(last ? last : a->arg, ':'))
		return http_send_error(a->c, 501, "pushing every tag of %s is not supported: name a tag", a->arg), 0;
	snprintf(ref, sizeof(ref), "%s%s%s", a->arg, tag && *tag ? ":" : "", tag && *tag ? tag : "");
	params = json_pack("{s:s,s:b}", "ref", ref, "progress", 1);
	if (*user)
		json_object_set_new(params, "user", json_string(user));
	/* an image missing here is a 404, before the stream */
	snprintf(n.first, sizeof(n.first), "The push refers to repository [%s]", a->arg);
	if (docker_lite_open("push", params, &lc, &res, &err, pull_note, &n) < 0) {
		docker_images_words(&err);
		docker_progress_error(p, p->begun ? 0 : err.status, 0, err.msg);
		docker_progress_end(p);
		return 0;
	}
	docker_lite_close(&lc);
	open_stream(&n);
	docker_progress_status(p, NULL, "%s: digest: %s size: %lld", tag && *tag ? tag : "latest",
			       json_string_value(json_object_get(res, "digest")) ?: "",
			       (long long)json_integer_value(json_object_get(res, "size")));
	docker_progress_line(p, json_pack("{s:{},s:{s:s,s:O?,s:O?}}", "progressDetail", "aux", "Tag",
					   tag && *tag ? tag : "latest", "Digest", json_object_get(res, "digest"), "Size",
					   json_object_get(res, "size")));
	docker_progress_end(p);
	json_decref(res);
	return 0;
}
