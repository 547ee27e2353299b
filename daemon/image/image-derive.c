/* lite build's steps as images (issue 15). A step's image is its parent
 * image (none: FROM scratch) plus, optionally, one layer, with the config
 * the builder computed and one more history entry. The layer is either a
 * container's changes (RUN: the same canonical tar with whiteouts as
 * commit) or a tar the builder sent (COPY/ADD: unpacked with the same
 * safe extraction as load and import, so a hostile tar cannot escape the
 * layer). Metadata steps (ENV, CMD, ...) add no layer: their history entry
 * says empty_layer, as Docker's do. The spec (JSON):
 *   parent      "sha256:..." or "" (scratch)
 *   container   a container id: its upper dir is the layer (RUN)
 *   layer       a tar's path: the layer (COPY, ADD), made whole against the
 *               parent (image-derive-tar.c)
 *   mkdir       a directory to make if the parent lacks it (WORKDIR)
 *   mkdir_owner "UID:GID" of the directories mkdir makes (the USER's)
 *   idmap       the container's id map (a user-namespaced RUN)
 *   config      the image's "config" object, whole
 *   created_by  the history entry's text; comment: its comment
 *   cache_key   recorded in the build cache for the caller (image-cache.h)
 */
#include "image-derive.h"
#include "image-ctr.h"
#include "image-refs.h"
#include "image-internal.h"
#include "image-load.h"
#include "image-tar.h"
#include "image-cache.h"
#include "image-tags.h"
#include "image.h"

#include "cleanup.h"
#include "fs-util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The parent's config, or an empty one for scratch. */
static json_t *
base_config(const char *data_root, const char *parent, struct lite_err *err)
{
	struct image *img = NULL;
	json_t *cfg;

	if (!parent || !*parent)
		return json_pack("{s:s,s:s,s:{},s:{s:s,s:[]},s:[]}", "architecture", "amd64", "os", "linux", "config",
				 "rootfs", "type", "layers", "diff_ids", "history");
	if (image_load(data_root, parent, &img, err) < 0)
		return NULL;
	cfg = json_deep_copy(img->config);
	image_free(img);
	if (cfg && !json_is_array(json_object_get(cfg, "history")))
		json_object_set_new(cfg, "history", json_array());
	return cfg;
}

/* The layer tar for the spec: a container's upper dir written out, or the
 * builder's tar (or a WORKDIR) made whole against the parent. Its sha256
 * (the diff_id) in hex; *ret_empty when there is nothing to add. */
static int
layer_tar(const char *data_root, json_t *spec, const char *staging, char *tar, size_t len, char hex[65],
	  bool *ret_empty, struct lite_err *err)
{
	const char *ctr = json_string_value(json_object_get(spec, "container"));
	const char *idmap = json_string_value(json_object_get(spec, "idmap"));
	_cleanup_close_ int upper = -1, fd = -1;

	snprintf(tar, len, "%s/layer.tar", staging);
	*ret_empty = false;
	if (!ctr) {
		if (image_derive_tar_fill(data_root, json_string_value(json_object_get(spec, "parent")),
					  json_string_value(json_object_get(spec, "layer")),
					  json_string_value(json_object_get(spec, "mkdir")),
					  json_string_value(json_object_get(spec, "mkdir_owner")), tar, ret_empty, err) < 0)
			return -EIO;
		if (*ret_empty)
			return 0;
		fd = open(tar, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || image_digest_fd(fd, hex, NULL) < 0)
			return lite_err_sys(err, errno, "read the layer");
		return 0;
	}
	if (idmap && *idmap && image_tar_set_idmap(idmap) < 0)
		return lite_err_set(err, EINVAL, "bad id map %s", idmap);
	if (image_ctr_open_upper(data_root, ctr, &upper, err) < 0)
		return -EIO;
	fd = open(tar, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return lite_err_sys(err, errno, "create '%s'", tar);
	return image_tar_dir(upper, fd, true, hex, NULL, err);
}

static int
append_history(json_t *cfg, json_t *spec, const char *diff_hex)
{
	const char *by = json_string_value(json_object_get(spec, "created_by"));
	const char *comment = json_string_value(json_object_get(spec, "comment"));
	json_t *config = json_object_get(spec, "config"), *hist;
	char ts[64], diff[80];

	image_time_format((int64_t)time(NULL), ts, sizeof(ts));
	json_object_set_new(cfg, "created", json_string(ts));
	json_object_set(cfg, "config", json_is_object(config) ? config : json_object());
	if (diff_hex) {
		snprintf(diff, sizeof(diff), "sha256:%s", diff_hex);
		json_array_append_new(json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"), json_string(diff));
	}
	hist = json_pack("{s:s,s:s}", "created", ts, "created_by", by ? by : "");
	if (hist && comment && *comment)
		json_object_set_new(hist, "comment", json_string(comment));
	if (hist && !diff_hex)
		json_object_set_new(hist, "empty_layer", json_true());
	return json_array_append_new(json_object_get(cfg, "history"), hist);
}

static int
write_image(const char *data_root, json_t *cfg, char **ret_id, struct lite_err *err)
{
	_cleanup_free_ char *bytes = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);

	if (!bytes)
		return lite_err_set(err, ENOMEM, "out of memory");
	return image_load_commit_config(data_root, bytes, strlen(bytes),
					json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"), NULL, ret_id, err);
}

int
image_derive(const char *data_root, json_t *spec, char **ret_id, struct lite_err *err)
{
	char staging[PATH_MAX], tar[PATH_MAX + 16], hex[65];
	bool has_layer = json_is_string(json_object_get(spec, "container")) ||
			 json_is_string(json_object_get(spec, "layer")) || json_is_string(json_object_get(spec, "mkdir")),
	     empty = false;
	const char *key = json_string_value(json_object_get(spec, "cache_key"));
	json_t *cfg = base_config(data_root, json_string_value(json_object_get(spec, "parent")), err);
	int lock = -1, r = cfg ? 0 : -ENOENT;

	staging[0] = '\0';
	if (r == 0 && has_layer) {
		r = image_path(staging, sizeof(staging), data_root, "tmp/job-derive-XXXXXX");
		if (r < 0 || !mkdtemp(staging))
			r = lite_err_sys(err, r < 0 ? -r : errno, "create staging dir");
		if (r == 0)
			r = layer_tar(data_root, spec, staging, tar, sizeof(tar), hex, &empty, err);
		if (r == 0 && empty)
			has_layer = false;
		if (r == 0 && has_layer)
			r = image_layer_get(data_root, tar, hex, &lock, err);
	}
	if (r == 0 && append_history(cfg, spec, has_layer ? hex : NULL) < 0)
		r = lite_err_set(err, ENOMEM, "out of memory");
	if (r == 0)
		r = write_image(data_root, cfg, ret_id, err);
	if (r == 0 && key && *key)
		(void)image_cache_put(data_root, image_tags_caller(), key, *ret_id);
	if (lock >= 0)
		close(lock);
	json_decref(cfg);
	if (staging[0])
		(void)fs_rm_rf(staging);
	return r;
}

/* Is id named by a tag (then it is a built image, not only a cache entry)? */
static bool
tagged(json_t *repos, const char *id)
{
	const char *name;
	json_t *v;

	json_object_foreach(repos, name, v) {
		const char *tid = image_tags_id(v);

		if (tid && !strcmp(tid, id))
			return true;
	}
	return false;
}

int
image_derive_prune(const char *data_root, bool all, json_t **ret, struct lite_err *err)
{
	json_auto_t *ids = json_array(), *repos = NULL, *untagged = json_array();
	json_t *v;
	size_t i, n = 0;
	char **refs;
	int r = image_cache_drop(data_root, image_tags_caller(), all, ids);

	if (r < 0)
		return lite_err_sys(err, -r, "builder prune: read the build cache");
	if (image_repos_read(data_root, &repos, err) < 0)
		return -EIO;
	json_array_foreach(ids, i, v)
		if (!tagged(repos, json_string_value(v)))
			json_array_append(untagged, v);
	refs = calloc(json_array_size(untagged) + 1, sizeof(char *));
	if (!refs)
		return lite_err_set(err, ENOMEM, "out of memory");
	json_array_foreach(untagged, i, v)
		refs[n++] = (char *)json_string_value(v);
	r = n ? image_refs_rmi(data_root, refs, false, ret, err) : 0;
	free(refs);
	if (r < 0 || !n) {
		/* images still used by a container stay: not an error for a prune */
		lite_err_clear(err);
		json_decref(*ret);
		*ret = json_array();
	}
	*ret = json_pack("{s:i,s:o}", "entries", (int)json_array_size(ids), "deleted", *ret);
	return 0;
}
