/* lite build: the one path every step ends on. Its cache key (the parent
 * image, the history text, what else the step depends on), a lookup in the
 * daemon's per-user cache, else image_derive: the step's image, with an
 * optional layer upload. And image_inspect for FROM and --from. */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
build_commit_inspect(const char *ref, char **ret_id, json_t **ret_config)
{
	json_t *res = NULL, *cfg;
	int r = client_call_once("image_inspect", json_pack("{s:s}", "image", ref), &res);

	if (r < 0)
		return -1;
	*ret_id = strdup(json_string_value(json_object_get(res, "Id")) ?: "");
	cfg = json_object_get(res, "Config");
	*ret_config = json_is_object(cfg) ? json_deep_copy(cfg) : json_object();
	json_decref(res);
	return 0;
}

char *
build_commit_key(struct build *b, const char *created_by, const char *key_extra)
{
	char *key = NULL;

	if (b->o->no_cache)
		return NULL;
	if (asprintf(&key, "lite-build v1\n%s\n%s\n%s", b->cur->image, created_by, key_extra ? key_extra : "") < 0)
		return NULL;
	return key;
}

static int
cached(struct build *b, const char *key)
{
	json_t *res = NULL;
	struct conn c;
	int r;

	if (!key || conn_open(&c) < 0)
		return -1;
	r = conn_send(&c, "build_cache", json_pack("{s:s}", "key", key));
	if (r == 0) {
		/* a miss is an error reply: read it without printing it */
		char *nl;

		while (!(nl = c.buf ? memchr(c.buf, '\n', c.len) : NULL) && (r = conn_fill(&c)) > 0)
			;
		res = nl ? json_loadb(c.buf, (size_t)(nl - c.buf), 0, NULL) : NULL;
	}
	conn_close(&c);
	r = -1;
	if (json_is_string(json_object_get(json_object_get(res, "result"), "id"))) {
		free(b->cur->image);
		b->cur->image = strdup(json_string_value(json_object_get(json_object_get(res, "result"), "id")));
		build_say_image(b, b->cur->image, true);
		r = 0;
	}
	json_decref(res);
	return r;
}

/* image_derive on a connection of its own, with an optional upload. */
static int
derive(struct build *b, json_t *params, int (*upload)(int fd, void *arg), void *arg)
{
	json_t *res = NULL;
	struct conn c;
	int r;

	if (conn_open(&c) < 0) {
		json_decref(params);
		return -1;
	}
	json_object_set_new(params, "layer", json_boolean(upload != NULL));
	r = conn_send(&c, "image_derive", params);
	if (r == 0 && upload) {
		r = upload(c.fd, arg);
		/* a failed upload: close both ways, without the reply */
		shutdown(c.fd, r == 0 ? SHUT_WR : SHUT_RDWR);
	}
	if (r == 0)
		r = conn_read_reply(&c, &res);
	conn_close(&c);
	if (r < 0)
		return -1;
	free(b->cur->image);
	b->cur->image = strdup(json_string_value(json_object_get(res, "id")) ?: "");
	json_decref(res);
	build_say_image(b, b->cur->image, false);
	return 0;
}

int
build_commit_cached(struct build *b, const char *created_by, const char *key_extra)
{
	char *key = build_commit_key(b, created_by, key_extra);
	int r = key ? cached(b, key) : -1;

	free(key);
	return r;
}

int
build_commit_step(struct build *b, const char *created_by, const char *key_extra, json_t *params,
		   int (*upload)(int fd, void *arg), void *arg)
{
	char *key = build_commit_key(b, created_by, key_extra);
	int r;

	if (key && cached(b, key) == 0) {
		free(key);
		json_decref(params);
		return 0;
	}
	if (!params)
		params = json_object();
	json_object_set_new(params, "parent", json_string(b->cur->image));
	json_object_set(params, "config", b->cur->config);
	json_object_set_new(params, "created_by", json_string(created_by));
	if (key)
		json_object_set_new(params, "cache_key", json_string(key));
	free(key);
	r = derive(b, params, upload, arg);
	return r < 0 ? build_fail(b, "could not make the step's image") : 0;
}

int
build_commit_pull(struct build *b, const char *ref)
{
	char *argv[] = { "pull", (char *)ref, NULL };

	if (b->o->quiet) {
		json_t *res = NULL;
		int r = client_call_once("pull", json_pack("{s:s}", "ref", ref), &res);

		json_decref(res);
		return r;
	}
	optind = 0;
	return cmd_pull(2, argv) == 0 ? 0 : -1;
}
