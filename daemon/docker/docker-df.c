/* lite-docker-api: GET /system/df, what `docker system df` (and -v)
 * reads: LayersSize and the images, containers and volumes with their
 * sizes and use counts, from lite's system_df, images, ps (size) and
 * volume_ls (size). lite has no build cache objects to list: BuildCache
 * is empty. */
#include "docker-api.h"

#include <string.h>

#include "docker-shape.h"

static json_t *
call(const char *method, json_t *params)
{
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_call(method, params, &res, &err) < 0)
		return NULL;
	return res;
}

static json_t *
images_of(json_t *imgs, json_t *ctrs)
{
	json_t *out = json_array(), *img, *c;
	size_t i, j;

	json_array_foreach(imgs, i, img) {
		const char *id = json_string_value(json_object_get(img, "id")) ?: "";
		json_t *tags = json_object_get(img, "repo_tags"), *digests = json_object_get(img, "repo_digests");
		int n = 0;

		json_array_foreach(ctrs, j, c)
			n += !strcmp(json_string_value(json_object_get(c, "image_id")) ?: "", id);
		json_array_append_new(out, json_pack("{s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:i,s:{},s:i}", "Id", id, "ParentId", "",
						     "RepoTags", json_array_size(tags) ? tags : json_pack("[s]", "<none>:<none>"),
						     "RepoDigests", json_is_array(digests) ? digests : json_array(),
						     "Created", json_object_get(img, "created") ?: json_integer(0),
						     "Size", json_object_get(img, "size") ?: json_integer(0),
						     "VirtualSize", json_object_get(img, "size") ?: json_integer(0),
						     "SharedSize", 0, "Labels", "Containers", n));
	}
	return out;
}

static json_t *
containers_of(json_t *ctrs, json_t *links)
{
	json_t *out = json_array(), *c, *m;
	size_t i, j;

	json_array_foreach(ctrs, i, c) {
		json_t *mounts = json_array(), *cmd = json_object_get(c, "command"), *a;
		char command[1024] = "";
		size_t n = 0;

		json_array_foreach(cmd, j, a)
			if (n < sizeof(command))
				n += (size_t)snprintf(command + n, sizeof(command) - n, "%s%s", n ? " " : "", json_string_value(a));
		json_array_foreach(json_object_get(c, "mounts"), j, m) {
			const char *vol = json_string_value(json_object_get(m, "volume"));

			if (vol && *vol) {
				json_array_append_new(mounts, json_pack("{s:s,s:s,s:s,s:s}", "Type", "volume", "Driver", "local", "Name", vol,
									"Destination", json_string_value(json_object_get(m, "target")) ?: ""));
				json_object_set_new(links, vol, json_integer(json_integer_value(json_object_get(links, vol)) + 1));
			}
		}
		json_array_append_new(out, json_pack("{s:O,s:[s+],s:O,s:O,s:s,s:O,s:O,s:O,s:O,s:I,s:o,s:{}}", "Id",
						     json_object_get(c, "id"), "Names", "/", json_string_value(json_object_get(c, "name")) ?: "",
						     "Image", json_object_get(c, "image"), "ImageID", json_object_get(c, "image_id"),
						     "Command", command, "Created", json_object_get(c, "created"),
						     "State", json_object_get(c, "state"), "Status", json_object_get(c, "status"),
						     "SizeRw", json_object_get(c, "size_rw") ?: json_integer(0),
						     "SizeRootFs", (json_int_t)0, "Mounts", mounts, "Labels"));
	}
	return out;
}

static json_t *
volumes_of(json_t *vols, json_t *links)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(vols, i, v) {
		const char *name = json_string_value(json_object_get(v, "name")) ?: "";
		json_t *d = docker_shape_volume(v);

		json_object_set_new(d, "UsageData", json_pack("{s:O,s:I}", "Size", json_object_get(v, "size") ?: json_integer(-1),
							       "RefCount", json_integer_value(json_object_get(links, name))));
		json_array_append_new(out, d);
	}
	return out;
}

int
api_system_df(struct api *a)
{
	json_t *df = call("system_df", NULL), *imgs = call("images", NULL),
	       *ctrs = call("ps", json_pack("{s:b,s:b,s:b}", "all", 1, "size", 1, "details", 1)),
	       *vols = call("volume_ls", json_pack("{s:b}", "size", 1)), *links = json_object(), *out;

	if (!df || !imgs || !ctrs || !vols) {
		json_decref(df);
		json_decref(imgs);
		json_decref(ctrs);
		json_decref(vols);
		json_decref(links);
		http_send_error(a->c, 500, "system df: the engine did not answer");
		return 0;
	}
	out = json_pack("{s:O,s:o,s:o}", "LayersSize", json_object_get(json_object_get(df, "images"), "size") ?: json_integer(0),
			"Images", images_of(imgs, ctrs), "Containers", containers_of(ctrs, links));
	json_object_set_new(out, "Volumes", volumes_of(vols, links));
	json_object_set_new(out, "BuildCache", json_array());
	http_send_json(a->c, 200, out);
	json_decref(df);
	json_decref(imgs);
	json_decref(ctrs);
	json_decref(vols);
	json_decref(links);
	return 0;
}
