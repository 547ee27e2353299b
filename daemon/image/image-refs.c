/* What uses what: images use layers (config rootfs.diff_ids), containers use
 * images (image_id in DATA_ROOT/containers/ID/state.json), tags name images.
 * Reference counts are computed from those files when needed, not stored,
 * so they cannot drift. On top: tag, rmi, image prune and system df, each
 * under the store lock. Runs in lite-image, never in the daemon.
 *
 * A removal is crash-safe in this order (issue 13): the tags go first
 * (repositories.json, one atomic write), then the image configs (an
 * untagged image left by a crash is complete, listed as <none> and pruned
 * like any other), then each unused layer is renamed into DATA_ROOT/tmp
 * (the daemon empties it at start) before it is deleted, so no half-deleted
 * layer is ever visible to a load or pull that would reuse it. */
#include "image-refs.h"
#include "image-internal.h"
#include "image-tags.h"
#include "image.h"

#include "cleanup.h"
#include "crash-point.h"
#include "image-ref.h"
#include "fs-util.h"
#include "fs-walk.h"
#include "valid.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* {"sha256:...": [{"name": N, "owner": UID}, ...]} for every container on disk. */
static json_t *
containers_by_image(const char *data_root)
{
	char path[PATH_MAX];
	json_t *out = json_object();
	DIR *d;
	struct dirent *de;

	if (!out || image_path(path, sizeof(path), data_root, "containers") < 0 || !(d = opendir(path)))
		return out;
	while ((de = readdir(d))) {
		char sp[PATH_MAX];
		_cleanup_free_ char *buf = NULL;
		json_t *st, *arr;
		const char *img, *name;
		size_t len;

		if (de->d_name[0] == '.' ||
		    image_path(sp, sizeof(sp), data_root, "containers/%s/state.json", de->d_name) < 0 ||
		    fs_read_file(sp, &buf, &len) < 0)
			continue;
		st = json_loadb(buf, len, 0, NULL);
		img = json_string_value(json_object_get(st, "image_id"));
		name = json_string_value(json_object_get(st, "name"));
		if (img) {
			arr = json_object_get(out, img);
			if (!arr)
				json_object_set_new(out, img, arr = json_array());
			json_array_append_new(arr, json_pack("{s:s, s:I}", "name", name ? name : de->d_name, "owner",
							     json_integer_value(json_object_get(st, "owner_uid"))));
		}
		json_decref(st);
	}
	closedir(d);
	return out;
}

static bool
str_has_suffix_json(const char *s)
{
	size_t n = strlen(s);

	return n > 5 && !strcmp(s + n - 5, ".json");
}

/* Every image id in the store, as an array of "sha256:HEX". */
static json_t *
all_images(const char *data_root)
{
	char path[PATH_MAX];
	json_t *out = json_array();
	DIR *d;
	struct dirent *de;

	if (!out || image_path(path, sizeof(path), data_root, "images/sha256") < 0 || !(d = opendir(path)))
		return out;
	while ((de = readdir(d))) {
		char id[80];

		if (strlen(de->d_name) != IMAGE_SHA256_HEX_LEN + 5 || !str_has_suffix_json(de->d_name))
			continue;
		snprintf(id, sizeof(id), "sha256:%.64s", de->d_name);
		if (valid_full_id(id + 7))
			json_array_append_new(out, json_string(id));
	}
	closedir(d);
	return out;
}

/* Tags in repos pointing at id. */
static json_t *
tags_of(json_t *repos, const char *id)
{
	json_t *out = json_array(), *v;
	const char *k;

	json_object_foreach(repos, k, v)
		if (!strcmp(image_tags_id(v) ?: "", id))
			json_array_append_new(out, json_string(k));
	return out;
}

int
image_refs_tag(const char *data_root, const char *source, const char *target, struct lite_err *err)
{
	char name[300];
	_cleanup_free_ char *id = NULL;
	int lock = -1, r;

	if (image_path_ref_normalize(target, name, sizeof(name)) < 0) {
		struct image_ref ref;
		const char *why = "a tag cannot hold a digest";

		(void)image_ref_parse(target, &ref, &why);
		return lite_err_set(err, EINVAL, "invalid reference format \"%s\": %s", target, why);
	}
	r = image_store_lock(data_root, &lock, err);
	if (r < 0)
		return r;
	r = image_resolve(data_root, source, &id, err);
	if (r == 0)
		r = image_tag_set(data_root, name, id, err);
	if (r == 0)
		HELPER_CRASH_POINT("after-tag"); /* written; the reply not yet sent */
	image_store_unlock(lock);
	return r;
}

static int
config_unlink(const char *data_root, const char *id)
{
	char path[PATH_MAX];
	int r = image_path(path, sizeof(path), data_root, "images/sha256/%s.json", id + 7);

	if (r == 0 && unlink(path) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/* May caller remove every tag in tags? (image-tags.h) */
static int
check_all_tags(json_t *repos, json_t *tags, uid_t caller, struct lite_err *err)
{
	size_t i;
	json_t *t;

	json_array_foreach(tags, i, t)
		if (image_tags_check(repos, json_string_value(t), caller, err) < 0)
			return -EPERM;
	return 0;
}

/* "image is being used by container 'web'", naming the container only to
 * its owner and root. */
static int
in_use_error(json_t *ctrs, const char *ref, uid_t caller, struct lite_err *err)
{
	json_t *c = json_array_get(ctrs, 0);
	uid_t owner = (uid_t)json_integer_value(json_object_get(c, "owner"));

	if (caller != 0 && owner != caller)
		return lite_err_set(err, EBUSY, "unable to remove image %s: image is being used by a container", ref);
	return lite_err_set(err, EBUSY, "unable to remove image %s: image is being used by container '%s' "
			    "(remove the container first, or use -f to untag it)", ref,
			    json_string_value(json_object_get(c, "name")));
}

/* Remove one image by ref; appends {"Untagged": T} / {"Deleted": ID} to out.
 * Non-root callers untag only their own tags (image-tags.h). */
static int
rmi_one(const char *data_root, json_t *repos, json_t *users, const char *ref, bool force, json_t *out,
	json_t *doomed, struct lite_err *err)
{
	_cleanup_free_ char *id = NULL;
	json_auto_t *tags = NULL;
	uid_t caller = image_tags_caller();
	json_t *ctrs;
	char name[300];
	bool by_tag;
	size_t i, n_tags = 0;
	json_t *t;
	int r;

	r = image_resolve(data_root, ref, &id, err);
	if (r < 0)
		return r;
	tags = tags_of(repos, id);
	by_tag = !strchr(ref, '@') && image_repo_find(repos, ref, name, sizeof(name)) == 0;
	ctrs = json_object_get(users, id);
	if (by_tag && image_tags_check(repos, name, caller, err) < 0)
		return -EPERM;
	json_array_foreach(tags, i, t)
		n_tags += !strchr(json_string_value(t), '@'); /* digests go with the last tag, as in Docker */
	if (by_tag && n_tags > 1) {
		json_object_del(repos, name);
		json_array_append_new(out, json_pack("{s:s}", "Untagged", name));
		return 0;
	}
	if (!by_tag && n_tags > 1 && !force)
		return lite_err_set(err, EEXIST, "unable to delete %.19s (must be forced): image is referenced in "
				    "multiple repositories", id);
	if (!by_tag && check_all_tags(repos, tags, caller, err) < 0)
		return -EPERM;
	if (!by_tag && caller != 0 && json_array_size(tags) == 0)
		/* as in prune: an untagged image has no recorded owner */
		return lite_err_set(err, EPERM, "unable to remove image %s: it has no tag of yours (root may remove it)",
				    ref);
	if (json_array_size(ctrs) > 0 && !force)
		return in_use_error(ctrs, ref, caller, err);
	json_array_foreach(tags, i, t) {
		json_object_del(repos, json_string_value(t));
		json_array_append_new(out, json_pack("{s:s}", "Untagged", json_string_value(t)));
	}
	if (json_array_size(ctrs) > 0)
		return 0; /* forced: untagged; the config stays while containers use it */
	json_array_append_new(doomed, json_string(id)); /* once the tags are gone (unlink_configs) */
	json_array_append_new(out, json_pack("{s:s}", "Deleted", id));
	return 0;
}

/* The configs of images whose tags were removed (and written). */
static void
unlink_configs(const char *data_root, json_t *doomed)
{
	size_t i;
	json_t *v;

	json_array_foreach(doomed, i, v) {
		int r = config_unlink(data_root, json_string_value(v));

		if (r < 0)
			fprintf(stderr, "lite-image: remove image %s: %s\n", json_string_value(v), strerror(-r));
		if (i == 0)
			HELPER_CRASH_POINT("after-delete"); /* one image config removed */
	}
}

/* Meta files (HEX.json, HEX.tarsplit) of layers that are gone: a crash
 * between a layer's rename and its meta's unlink. */
static void
orphan_metas(const char *data_root, const char *dir, const char *name)
{
	const char *dot = strchr(name, '.');
	char layer[PATH_MAX], path[PATH_MAX];
	struct stat st;

	if (!dot || dot - name != IMAGE_SHA256_HEX_LEN || (strcmp(dot, ".json") && strcmp(dot, ".tarsplit")))
		return;
	if (snprintf(layer, sizeof(layer), "%s/%.*s", dir, (int)(dot - name), name) >= (int)sizeof(layer) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) || lstat(layer, &st) == 0)
		return;
	(void)unlink(path);
}

/* Collect layers no remaining image references; count and bytes in *ret. */
static int
layers_gc(const char *data_root, json_t *out, uint64_t *ret_bytes)
{
	json_auto_t *imgs = all_images(data_root), *used = json_object();
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;
	json_t *v;
	size_t i;

	json_array_foreach(imgs, i, v) {
		struct image *img = NULL;
		struct lite_err e = { 0 };

		if (image_load(data_root, json_string_value(v), &img, &e) < 0) {
			lite_err_clear(&e);
			return -EBADMSG; /* unreadable config: keep every layer */
		}
		for (size_t k = 0; k < img->n_layers; k++)
			json_object_set_new(used, img->diff_ids[k] + 7, json_true());
		image_free(img);
	}
	if (image_path(path, sizeof(path), data_root, "layers/sha256") < 0 || !(d = opendir(path)))
		return 0;
	while ((de = readdir(d))) {
		char dir[PATH_MAX], meta[PATH_MAX], trash[PATH_MAX];
		uint64_t size = 0;
		int64_t created;
		int lock;

		if (strlen(de->d_name) > IMAGE_SHA256_HEX_LEN)
			orphan_metas(data_root, path, de->d_name);
		if (!valid_full_id(de->d_name) || strlen(de->d_name) != IMAGE_SHA256_HEX_LEN ||
		    json_object_get(used, de->d_name))
			continue;
		if (image_layer_try_lock(data_root, de->d_name, &lock) < 0)
			continue; /* a load is using it */
		(void)image_layer_meta_read(data_root, de->d_name, &size, &created);
		/* out of sight in one rename, then deleted at leisure */
		if (image_path(dir, sizeof(dir), data_root, "layers/sha256/%s", de->d_name) == 0 &&
		    image_path(meta, sizeof(meta), data_root, "layers/sha256/%s.json", de->d_name) == 0 &&
		    image_path(trash, sizeof(trash), data_root, "tmp/gc-%s", de->d_name) == 0 &&
		    (fs_rm_rf(trash), rename(dir, trash) == 0)) {
			HELPER_CRASH_POINT("mid-gc"); /* a layer renamed away, not yet deleted */
			(void)unlink(meta);
			if (image_path(meta, sizeof(meta), data_root, "layers/sha256/%s.tarsplit", de->d_name) == 0)
				(void)unlink(meta);
			(void)fs_rm_rf(trash);
			json_array_append_new(out, json_pack("{s:s+}", "Deleted", "layer sha256:", de->d_name));
			*ret_bytes += size;
		}
		close(lock);
	}
	closedir(d);
	return 0;
}

int
image_refs_rmi(const char *data_root, char **refs, bool force, json_t **ret, struct lite_err *err)
{
	json_auto_t *repos = NULL, *users = NULL, *out = json_array(), *doomed = json_array();
	uint64_t bytes = 0;
	int lock = -1, r, failed = 0;

	r = image_store_lock(data_root, &lock, err);
	if (r < 0)
		return r;
	r = image_repos_read(data_root, &repos, err);
	users = containers_by_image(data_root);
	for (size_t i = 0; r == 0 && refs[i]; i++) {
		struct lite_err e = { 0 };

		if (rmi_one(data_root, repos, users, refs[i], force, out, doomed, &e) < 0) {
			json_array_append_new(out, json_pack("{s:s}", "Error", e.msg ? e.msg : "failed"));
			if (!failed++) {
				lite_err_clear(err);
				*err = e;
				continue;
			}
			lite_err_clear(&e);
		}
	}
	if (r == 0)
		r = image_repos_write(data_root, repos, err);
	if (r == 0) {
		HELPER_CRASH_POINT("after-untag"); /* the tags are gone, the images not yet */
		unlink_configs(data_root, doomed);
		(void)layers_gc(data_root, out, &bytes);
	}
	image_store_unlock(lock);
	if (r < 0)
		return r;
	*ret = json_incref(out);
	return failed ? -(err->code ? err->code : EIO) : 0;
}

int
image_refs_prune(const char *data_root, bool all, json_t **ret, struct lite_err *err)
{
	json_auto_t *repos = NULL, *users = NULL, *imgs = NULL, *out = json_array(), *doomed = json_array();
	uid_t caller = image_tags_caller();
	uint64_t bytes = 0;
	int lock = -1, r;
	size_t i;
	json_t *v;

	r = image_store_lock(data_root, &lock, err);
	if (r < 0)
		return r;
	r = image_repos_read(data_root, &repos, err);
	users = containers_by_image(data_root);
	imgs = all_images(data_root);
	json_array_foreach(imgs, i, v) {
		const char *id = json_string_value(v);
		json_auto_t *tags = tags_of(repos, id);
		size_t k;
		json_t *t;

		if (r < 0 || json_object_get(users, id) || (!all && json_array_size(tags) > 0))
			continue;
		/* non-root: only images tagged by the caller alone (untagged ones
		 * have no recorded owner: root prunes those) */
		if (caller != 0 && (json_array_size(tags) == 0 || check_all_tags(repos, tags, caller, NULL) < 0))
			continue;
		json_array_foreach(tags, k, t) {
			json_object_del(repos, json_string_value(t));
			json_array_append_new(out, json_pack("{s:s}", "Untagged", json_string_value(t)));
		}
		json_array_append_new(doomed, json_string(id));
		json_array_append_new(out, json_pack("{s:s}", "Deleted", id));
	}
	if (r == 0)
		r = image_repos_write(data_root, repos, err);
	if (r == 0) {
		unlink_configs(data_root, doomed);
		(void)layers_gc(data_root, out, &bytes);
	}
	image_store_unlock(lock);
	if (r < 0)
		return r;
	*ret = json_pack("{s:O,s:I}", "deleted", out, "space_reclaimed", (json_int_t)bytes);
	return 0;
}

/* Bytes of everything below path, directories included (st_blocks,
 * hardlinks counted each time); iterative (fs-walk.c): a user's deep tree
 * must not overflow the stack. */
static int
du_add(const struct stat *st, void *arg)
{
	*(uint64_t *)arg += (uint64_t)st->st_blocks * 512;
	return 0;
}

static uint64_t
du(const char *path)
{
	uint64_t total = 0;

	(void)fs_walk(path, du_add, &total);
	return total;
}

int
image_refs_system_df(const char *data_root, json_t **ret, struct lite_err *err)
{
	json_auto_t *repos = NULL, *users = containers_by_image(data_root), *imgs = NULL;
	json_auto_t *layer_users = json_object();
	uint64_t img_size = 0, img_reclaim = 0, ctr_size = 0;
	size_t i, n_active = 0, n_ctrs = 0;
	char path[PATH_MAX];
	json_t *v;
	const char *k;
	int r;

	r = image_repos_read(data_root, &repos, err);
	if (r < 0)
		return r;
	imgs = all_images(data_root);
	json_array_foreach(imgs, i, v) {
		struct image *img = NULL;
		struct lite_err e = { 0 };
		bool used = json_object_get(users, json_string_value(v)) != NULL;

		if (image_load(data_root, json_string_value(v), &img, &e) < 0) {
			lite_err_clear(&e);
			continue;
		}
		n_active += used;
		for (size_t l = 0; l < img->n_layers; l++) {
			json_t *u = json_object_get(layer_users, img->diff_ids[l]);
			uint64_t size = 0;
			int64_t created;

			if (!u) {
				(void)image_layer_meta_read(data_root, img->diff_ids[l] + 7, &size, &created);
				json_object_set_new(layer_users, img->diff_ids[l],
						    json_pack("{s:I,s:b}", "size", (json_int_t)size, "used", 0));
				u = json_object_get(layer_users, img->diff_ids[l]);
				img_size += size;
			}
			if (used)
				json_object_set_new(u, "used", json_true());
		}
		image_free(img);
	}
	json_object_foreach(layer_users, k, v)
		if (!json_is_true(json_object_get(v, "used")))
			img_reclaim += (uint64_t)json_integer_value(json_object_get(v, "size"));
	json_object_foreach(users, k, v)
		n_ctrs += json_array_size(v);
	if (image_path(path, sizeof(path), data_root, "containers") == 0) {
		DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char up[PATH_MAX];

			if (de->d_name[0] != '.' && snprintf(up, sizeof(up), "%s/%s/upper", path, de->d_name) < (int)sizeof(up))
				ctr_size += du(up);
		}
		if (d)
			closedir(d);
	}
	*ret = json_pack("{s:{s:I,s:I,s:I,s:I},s:{s:I,s:I},s:{s:I}}",
			 "images", "total", (json_int_t)json_array_size(imgs), "active", (json_int_t)n_active,
			 "size", (json_int_t)img_size, "reclaimable", (json_int_t)img_reclaim,
			 "containers", "total", (json_int_t)n_ctrs, "size", (json_int_t)ctr_size,
			 "layers", "total", (json_int_t)json_object_size(layer_users));
	return *ret ? 0 : lite_err_set(err, ENOMEM, "out of memory");
}
