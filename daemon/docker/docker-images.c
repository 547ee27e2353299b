/* lite-docker-api: images — list (filters), inspect, history, tag,
 * remove, prune. Inspect is proto/docker-shape.c's, the same shape `lite
 * image inspect` prints. Pull, push and import: docker-image-pull.c; save
 * and load: docker-image-archive.c; /build: docker-build.c. */
#include "docker-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docker-image-filter.h"
#include "docker-shape.h"
#include "timestamp.h"

/* lite's "no such image: x" in Docker's words ("No such image: x"). */
void
docker_images_words(struct docker_err *err)
{
	if (!strncmp(err->msg, "no such image", 13))
		err->msg[0] = 'N';
}

static json_t *
list_entry(json_t *img)
{
	json_t *tags = json_object_get(img, "repo_tags"), *dig = json_object_get(img, "repo_digests");
	json_t *labels = json_object_get(img, "labels");

	/* Docker's shape of an image without names (what the docker CLI
	 * shows as a <none> row) */
	if (!json_array_size(tags) && !json_array_size(dig)) {
		tags = json_pack("[s]", "<none>:<none>");
		dig = json_pack("[s]", "<none>@<none>");
	} else {
		tags = json_array_size(tags) ? json_incref(tags) : json_array();
		dig = json_array_size(dig) ? json_incref(dig) : json_array();
	}
	return json_pack("{s:O,s:s,s:o,s:o,s:O,s:O,s:O,s:i,s:O,s:i}", "Id", json_object_get(img, "id"), "ParentId", "",
			 "RepoTags", tags, "RepoDigests", dig, "Created", json_object_get(img, "created"), "Size",
			 json_object_get(img, "size"), "VirtualSize", json_object_get(img, "size"), "SharedSize", -1,
			 "Labels", labels ? labels : json_null(), "Containers", -1);
}

static json_t *
get_layers(json_t *inspect)
{
	return json_object_get(json_object_get(inspect, "RootFS"), "Layers");
}

static void
only_matching(json_t *img, json_t *patterns)
{
	json_t *tags = json_object_get(img, "repo_tags"), *kept = json_array(), *t, *pat;
	size_t i, j;

	json_array_foreach(tags, i, t)
		json_array_foreach(patterns, j, pat)
			if (docker_image_filter_reference(json_string_value(pat), json_string_value(t))) {
				json_array_append(kept, t);
				break;
			}
	json_object_set_new(img, "repo_tags", kept);
}

static const char *const list_keys[] = { "dangling", "label", "reference", "before", "since", NULL };

/* History and layers of every image (image_inspect), by id. */
static json_t *
inspect_all(json_t *list)
{
	json_t *out = json_object(), *img, *res;
	struct docker_err err;
	size_t i;

	json_array_foreach(list, i, img) {
		res = NULL;
		if (docker_lite_call("image_inspect", json_pack("{s:O}", "image", json_object_get(img, "id")), &res, &err) == 0)
			json_object_set_new(out, json_string_value(json_object_get(img, "id")), res);
	}
	return out;
}

/* Is a's array a strict prefix of b's? */
static bool
strict_prefix(json_t *a, json_t *b)
{
	size_t n = json_array_size(a);

	if (n >= json_array_size(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!json_equal(json_array_get(a, i), json_array_get(b, i)))
			return false;
	return true;
}

/* Docker lists an untagged image another image was built on (a build's
 * intermediate step) only with all=1: an image whose history and layers
 * begin with this one's and go on is its child. */
static void
drop_intermediate(json_t *list)
{
	json_t *details = NULL, *img;
	size_t i, untagged = 0;

	json_array_foreach(list, i, img)
		untagged += !json_array_size(json_object_get(img, "repo_tags")) &&
			    !json_array_size(json_object_get(img, "repo_digests"));
	if (!untagged)
		return;
	details = inspect_all(list);
	for (i = 0; i < json_array_size(list);) {
		json_t *x = json_object_get(details, json_string_value(json_object_get(json_array_get(list, i), "id")));
		bool parent = false;
		const char *id;
		json_t *y;

		img = json_array_get(list, i);
		if (x && !json_array_size(json_object_get(img, "repo_tags")) &&
		    !json_array_size(json_object_get(img, "repo_digests")))
			json_object_foreach(details, id, y)
				if (y != x && strict_prefix(json_object_get(x, "History"), json_object_get(y, "History")) &&
				    (json_equal(get_layers(x), get_layers(y)) || strict_prefix(get_layers(x), get_layers(y)))) {
					parent = true;
					break;
				}
		if (parent)
			json_array_remove(list, i);
		else
			i++;
	}
	json_decref(details);
}

/* GET /images/json?all&filters&digests: without all=1, the untagged
 * images others were built on are left out, as Docker does. */
int
api_images_list(struct api *a)
{
	struct docker_err err;
	json_t *list = NULL, *filters = NULL, *out, *img, *v;
	const char *key;
	char msg[512];
	size_t i;

	if (docker_image_filter_parse(http_query(a->r, "filters"), list_keys, &filters, msg, sizeof(msg)) < 0)
		return http_send_error(a->c, 400, "%s", msg), 0;
	if (docker_lite_call("images", NULL, &list, &err) < 0) {
		json_decref(filters);
		return api_fail(a, &err);
	}
	json_object_foreach(filters, key, v) {
		if (strcmp(key, "before") && strcmp(key, "since"))
			continue;
		json_array_foreach(v, i, img)
			if (docker_image_filter_created(list, json_string_value(img)) < 0) {
				http_send_error(a->c, 404, "No such image: %s", json_string_value(img));
				json_decref(filters);
				json_decref(list);
				return 0;
			}
	}
	if (!http_query_bool(a->r, "all", false))
		drop_intermediate(list);
	out = json_array();
	json_array_foreach(list, i, img) {
		if (!docker_image_filter_match(filters, img, list, time(NULL)))
			continue;
		/* with reference=, only the matching names, as Docker lists them */
		if (json_object_get(filters, "reference"))
			only_matching(img, json_object_get(filters, "reference"));
		json_array_append_new(out, list_entry(img));
	}
	json_decref(filters);
	json_decref(list);
	http_send_json(a->c, 200, out);
	return 0;
}

int
api_image_inspect(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call("image_inspect", json_pack("{s:s}", "image", a->arg), &res, &err) < 0) {
		docker_images_words(&err);
		return api_fail(a, &err);
	}
	http_send_json(a->c, 200, docker_shape_image(res));
	json_decref(res);
	return 0;
}

/* RFC 3339 (a history entry's "created") as unix seconds; 0 if none. */
static json_int_t
unix_of(const char *s)
{
	int64_t ns;

	return s && timestamp_parse(s, 0, &ns) == 0 ? (json_int_t)(ns / 1000000000) : 0;
}

/* GET /images/{name}/history: newest first; the newest entry carries the
 * image's id and tags, older ones "<missing>" (lite keeps no parent
 * images, as a pulled image in Docker). */
int
api_image_history(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL, *ins = NULL, *out, *h;
	size_t i;

	if (docker_lite_call("history", json_pack("{s:s}", "image", a->arg), &res, &err) < 0 ||
	    docker_lite_call("image_inspect", json_pack("{s:s}", "image", a->arg), &ins, &err) < 0) {
		json_decref(res);
		docker_images_words(&err);
		return api_fail(a, &err);
	}
	out = json_array();
	json_array_foreach(json_object_get(res, "history"), i, h) {
		json_t *tags = json_object_get(ins, "RepoTags");

		json_array_append_new(
			out, json_pack("{s:o,s:I,s:s,s:O,s:I,s:s}", "Id",
				       i ? json_string("<missing>") : json_incref(json_object_get(res, "id")), "Created",
				       unix_of(json_string_value(json_object_get(h, "created"))), "CreatedBy",
				       json_string_value(json_object_get(h, "created_by")) ?: "", "Tags",
				       !i && json_array_size(tags) ? tags : json_null(), "Size",
				       json_integer_value(json_object_get(h, "size")), "Comment",
				       json_string_value(json_object_get(h, "comment")) ?: ""));
	}
	json_decref(res);
	json_decref(ins);
	http_send_json(a->c, 200, out);
	return 0;
}

/* POST /images/{name}/tag?repo&tag -> 201 */
int
api_image_tag(struct api *a)
{
	const char *repo = http_query(a->r, "repo"), *tag = http_query(a->r, "tag");
	struct docker_err err;
	json_t *res = NULL;
	char target[1024];

	if (!repo || !*repo)
		return http_send_error(a->c, 400, "repository name must have at least one component"), 0;
	snprintf(target, sizeof(target), "%s%s%s", repo, tag && *tag ? ":" : "", tag && *tag ? tag : "");
	if (docker_lite_call("tag", json_pack("{s:s,s:s}", "source", a->arg, "target", target), &res, &err) < 0) {
		docker_images_words(&err);
		return api_fail(a, &err);
	}
	json_decref(res);
	http_send(a->c, 201, NULL, NULL, 0);
	return 0;
}

/* rmi's result without lite's "layer sha256:..." lines, which Docker's
 * reply does not have. */
static json_t *
docker_deleted(json_t *res)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(res, i, e) {
		const char *d = json_string_value(json_object_get(e, "Deleted"));

		if (!d || strncmp(d, "layer ", 6))
			json_array_append(out, e);
	}
	return out;
}

/* DELETE /images/{name}?force&noprune (noprune: lite removes what no
 * image uses any more either way). */
int
api_image_delete(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call("rmi", json_pack("{s:[s],s:b}", "images", a->arg, "force", http_query_bool(a->r, "force", false)),
			     &res, &err) < 0) {
		docker_images_words(&err);
		return api_fail(a, &err);
	}
	http_send_json(a->c, 200, docker_deleted(res));
	json_decref(res);
	return 0;
}

static const char *const prune_keys[] = { "dangling", "until", "label", "label!", NULL };

/* With until= or label=: the matching images one by one (those a
 * container uses are kept: rmi refuses them). */
static int
prune_filtered(struct api *a, json_t *filters, bool all)
{
	struct docker_err err;
	json_t *list = NULL, *img, *deleted = json_array(), *f = json_deep_copy(filters);
	json_int_t space = 0;
	size_t i;

	json_object_del(f, "dangling");
	if (docker_lite_call("images", NULL, &list, &err) < 0) {
		json_decref(f);
		json_decref(deleted);
		return api_fail(a, &err);
	}
	json_array_foreach(list, i, img) {
		json_t *tags = json_object_get(img, "repo_tags"), *names, *res = NULL;

		if ((!all && json_array_size(tags)) || !docker_image_filter_match(f, img, list, time(NULL)))
			continue;
		names = json_array_size(tags) ? json_deep_copy(tags) : json_pack("[O]", json_object_get(img, "id"));
		if (docker_lite_call("rmi", json_pack("{s:o}", "images", names), &res, &err) == 0) {
			json_array_extend(deleted, docker_deleted(res));
			space += json_integer_value(json_object_get(img, "size"));
		}
		json_decref(res);
	}
	json_decref(list);
	json_decref(f);
	http_send_json(a->c, 200, json_pack("{s:o,s:I}", "ImagesDeleted", json_array_size(deleted) ? deleted : (json_decref(deleted), json_null()),
					    "SpaceReclaimed", space));
	return 0;
}

/* POST /images/prune?filters: dangling=false prunes tagged images too. */
int
api_images_prune(struct api *a)
{
	struct docker_err err;
	json_t *filters = NULL, *res = NULL, *dangling, *del;
	char msg[512];
	bool all;

	if (docker_image_filter_parse(http_query(a->r, "filters"), prune_keys, &filters, msg, sizeof(msg)) < 0)
		return http_send_error(a->c, 400, "%s", msg), 0;
	dangling = json_array_get(json_object_get(filters, "dangling"), 0);
	all = dangling && (!strcmp(json_string_value(dangling), "false") || !strcmp(json_string_value(dangling), "0"));
	if (json_object_get(filters, "until") || json_object_get(filters, "label") || json_object_get(filters, "label!")) {
		int r = prune_filtered(a, filters, all);

		json_decref(filters);
		return r;
	}
	json_decref(filters);
	if (docker_lite_call("image_prune", json_pack("{s:b}", "all", all), &res, &err) < 0)
		return api_fail(a, &err);
	del = docker_deleted(json_object_get(res, "deleted"));
	http_send_json(a->c, 200, json_pack("{s:o,s:O}", "ImagesDeleted", json_array_size(del) ? del : (json_decref(del), json_null()),
					    "SpaceReclaimed", json_object_get(res, "space_reclaimed")));
	json_decref(res);
	return 0;
}

/* POST /build/prune (docker builder prune, docker system prune): lite's
 * builder_prune removes the caller's whole build cache, so `all` changes
 * nothing; filters (until, label...) are refused rather than ignored.
 * lite does not count the bytes: SpaceReclaimed is 0. */
int
api_build_prune(struct api *a)
{
	struct docker_err err;
	const char *filters = http_query(a->r, "filters");
	json_t *res = NULL, *ids = json_array(), *e;
	size_t i;

	if (filters && *filters && strcmp(filters, "{}")) {
		json_decref(ids);
		return http_send_error(a->c, 400, "filters on the build cache prune are not supported by lite"), 0;
	}
	if (docker_lite_call("builder_prune", json_object(), &res, &err) < 0) {
		json_decref(ids);
		return api_fail(a, &err);
	}
	json_array_foreach(json_object_get(res, "deleted"), i, e) {
		const char *d = json_string_value(json_object_get(e, "Deleted"));

		if (d && strncmp(d, "layer ", 6))
			json_array_append_new(ids, json_string(d));
	}
	json_decref(res);
	http_send_json(a->c, 200, json_pack("{s:o,s:i}", "CachesDeleted", ids, "SpaceReclaimed", 0));
	return 0;
}

/* POST /commit?container&repo&tag&comment&changes (repeatable)&author&pause:
 * lite's commit -> 201 {"Id"}. lite commits a running container without
 * pausing it (pause is accepted); author is not recorded (refused when
 * given, rather than dropped). */
int
api_image_commit(struct api *a)
{
	const char *ctr = http_query(a->r, "container"), *repo = http_query(a->r, "repo"), *tag = http_query(a->r, "tag");
	const char *comment = http_query(a->r, "comment"), *author = http_query(a->r, "author");
	json_t *changes = http_query_all(a->r, "changes"), *params, *res = NULL;
	struct docker_err err;
	char ref[1024];

	if (!ctr || !*ctr)
		return http_send_error(a->c, 400, "commit: container is required"), 0;
	if (author && *author)
		return http_send_error(a->c, 501, "commit: author is not supported by lite's commit"), 0;
	params = json_pack("{s:s}", "id", ctr);
	if (repo && *repo) {
		snprintf(ref, sizeof(ref), "%s%s%s", repo, tag && *tag ? ":" : "", tag && *tag ? tag : "");
		json_object_set_new(params, "ref", json_string(ref));
	}
	if (comment && *comment)
		json_object_set_new(params, "comment", json_string(comment));
	if (json_array_size(changes))
		json_object_set_new(params, "changes", json_deep_copy(changes));
	if (docker_lite_call("commit", params, &res, &err) < 0) {
		if (!strncmp(err.msg, "no such container", 17))
			err.msg[0] = 'N';
		return api_fail(a, &err);
	}
	http_send_json(a->c, 201, json_pack("{s:O}", "Id", json_object_get(res, "id")));
	json_decref(res);
	return 0;
}

/* GET /images/search: lite has no registry search. */
int
api_images_search(struct api *a)
{
	return http_send_error(a->c, 501, "image search is not supported by lite (registries' search APIs differ)"), 0;
}
