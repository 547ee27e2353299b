/* The image filters of the Docker Engine API (see docker-image-filter.h). */
#include "docker-image-filter.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timestamp.h"

static bool
allowed(const char *const *keys, const char *key)
{
	for (; *keys; keys++)
		if (!strcmp(*keys, key))
			return true;
	return false;
}

int
docker_image_filter_parse(const char *text, const char *const *keys, json_t **ret, char *err, size_t errlen)
{
	json_t *in, *out, *v, *e;
	const char *k;
	size_t i;

	*ret = json_object();
	if (!text || !*text)
		return 0;
	in = json_loads(text, 0, NULL);
	if (!json_is_object(in)) {
		snprintf(err, errlen, "invalid filter: the filters are not a JSON object");
		goto bad;
	}
	out = *ret;
	json_object_foreach(in, k, v) {
		json_t *vals;

		if (!allowed(keys, k)) {
			snprintf(err, errlen, "invalid filter '%s'", k);
			goto bad;
		}
		vals = json_array();
		json_object_set_new(out, k, vals);
		if (json_is_array(v)) {
			json_array_foreach(v, i, e)
				if (json_is_string(e))
					json_array_append(vals, e);
		} else if (json_is_object(v)) {
			const char *val;

			json_object_foreach(v, val, e)
				if (json_is_true(e))
					json_array_append_new(vals, json_string(val));
		} else {
			snprintf(err, errlen, "invalid filter '%s': expected a list of values", k);
			goto bad;
		}
	}
	json_decref(in);
	return 0;
bad:
	json_decref(in);
	json_decref(*ret);
	*ret = NULL;
	return -1;
}

bool
docker_image_filter_reference(const char *pattern, const char *ref)
{
	const char *colon = strrchr(ref, ':');
	char repo[512];

	if (!fnmatch(pattern, ref, FNM_PATHNAME))
		return true;
	/* the repository alone, as Docker's FamiliarMatch tries it too */
	if (colon && !strchr(colon, '/')) {
		snprintf(repo, sizeof(repo), "%.*s", (int)(colon - ref), ref);
		return !fnmatch(pattern, repo, FNM_PATHNAME);
	}
	return false;
}

int64_t
docker_image_filter_created(json_t *list, const char *ref)
{
	char with_tag[600];
	const char *last = strrchr(ref, '/');
	json_t *img, *t;
	size_t i, j;

	snprintf(with_tag, sizeof(with_tag), "%s%s", ref, strchr(last ? last : ref, ':') ? "" : ":latest");
	json_array_foreach(list, i, img) {
		const char *id = json_string_value(json_object_get(img, "id")) ?: "";

		json_array_foreach(json_object_get(img, "repo_tags"), j, t)
			if (!strcmp(json_string_value(t), ref) || !strcmp(json_string_value(t), with_tag))
				return json_integer_value(json_object_get(img, "created"));
		if (strlen(ref) >= 4 && (!strncmp(id, ref, strlen(ref)) ||
					 (strlen(id) > 7 && !strncmp(id + 7, ref, strlen(ref)))))
			return json_integer_value(json_object_get(img, "created"));
	}
	return -1;
}

/* label=KEY or label=KEY=VALUE against the image's labels. */
static bool
label_match(json_t *labels, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char key[256];
	json_t *v;

	snprintf(key, sizeof(key), "%.*s", (int)(eq ? (size_t)(eq - spec) : strlen(spec)), spec);
	v = json_object_get(labels, key);
	return v && (!eq || !strcmp(json_string_value(v) ?: "", eq + 1));
}

static bool
one(const char *key, const char *value, json_t *img, json_t *list, int64_t now)
{
	int64_t created = json_integer_value(json_object_get(img, "created")), t;
	json_t *tags = json_object_get(img, "repo_tags"), *tag;
	size_t i;

	if (!strcmp(key, "dangling"))
		return (!strcmp(value, "true") || !strcmp(value, "1")) == (json_array_size(tags) == 0);
	if (!strcmp(key, "label"))
		return label_match(json_object_get(img, "labels"), value);
	if (!strcmp(key, "label!"))
		return !label_match(json_object_get(img, "labels"), value);
	if (!strcmp(key, "before"))
		return (t = docker_image_filter_created(list, value)) >= 0 && created < t;
	if (!strcmp(key, "since"))
		return (t = docker_image_filter_created(list, value)) >= 0 && created > t;
	if (!strcmp(key, "until"))
		return timestamp_parse(value, now * 1000000000, &t) == 0 && created < t / 1000000000;
	if (!strcmp(key, "reference")) {
		json_array_foreach(tags, i, tag)
			if (docker_image_filter_reference(value, json_string_value(tag)))
				return true;
		return false;
	}
	return false;
}

bool
docker_image_filter_match(json_t *filters, json_t *img, json_t *list, int64_t now)
{
	const char *key;
	json_t *vals, *v;
	size_t i;

	json_object_foreach(filters, key, vals) {
		bool labels = !strncmp(key, "label", 5), any = false, all = true;

		if (!json_array_size(vals))
			continue;
		json_array_foreach(vals, i, v) {
			bool m = one(key, json_string_value(v), img, list, now);

			any = any || m;
			all = all && m;
		}
		if (labels ? !all : !any)
			return false;
	}
	return true;
}
