/* lite load: Docker archives (manifest.json) and OCI image layouts
 * (oci-layout, index.json, blobs/sha256/) in one tar, any compression.
 *
 * Safety: the outer archive is unpacked with the same hostile-input rules
 * as a layer (image-unpack.c) into DATA_ROOT/tmp/job-*; every file named
 * by the archive's JSON is then opened with openat2(RESOLVE_IN_ROOT), so a
 * name or symlink can never leave that directory. Every digest is checked:
 * the config's sha256 (its name, or the manifest's descriptor), each blob's
 * sha256 against its descriptor, and each layer's uncompressed sha256
 * against the config's diff_ids. Layers are committed one by one (each
 * complete and content-addressed); the config and tags only when all are
 * in place, so a failed load leaves no image and no tag behind. */
#include "crash-point.h"
#include "image-load.h"
#include "fd-util.h"
#include "image-internal.h"
#include "image-manifest.h"
#include "image.h"

#include "cleanup.h"
#include "image-ref.h"
#include "fs-util.h"
#include "strv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define JSON_MAX (16u << 20)

int
image_load_open_in(int rootfd, const char *name)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, rootfd, name, &how, sizeof(how));

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* A whole (small) file of the archive, NUL-terminated. */
static int
read_in(int rootfd, const char *name, char **ret, size_t *ret_len, struct lite_err *err)
{
	char shown[160];
	_cleanup_close_ int fd = image_load_open_in(rootfd, name);
	struct stat st;
	char *buf;

	image_unpack_entry_printable(name, shown, sizeof(shown));
	if (fd < 0)
		return lite_err_set(err, fd == -ENOENT ? ENOENT : EBADMSG, "archive has no usable file '%s'", shown);
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size > JSON_MAX)
		return lite_err_set(err, EFBIG, "'%s' is too large", shown);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return lite_err_set(err, ENOMEM, "out of memory");
	if (fd_read_all(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		return lite_err_sys(err, EIO, "read '%s'", shown);
	}
	buf[st.st_size] = '\0';
	*ret = buf;
	*ret_len = (size_t)st.st_size;
	return 0;
}

static int
read_json_in(int rootfd, const char *name, const char *want_hex, json_t **ret, struct lite_err *err)
{
	_cleanup_free_ char *buf = NULL;
	char hex[65];
	json_error_t jerr;
	size_t len;
	int r;

	r = read_in(rootfd, name, &buf, &len, err);
	if (r < 0)
		return r;
	if (want_hex && *want_hex) {
		image_sha256_hex(buf, len, hex);
		if (strcmp(hex, want_hex))
			return lite_err_set(err, EBADMSG, "digest mismatch: '%s' is not sha256:%.12s...", name, want_hex);
	}
	*ret = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*ret)
		return lite_err_set(err, EBADMSG, "'%s' is not valid JSON: %s", name, jerr.text);
	return 0;
}

/* Layers: verify each blob, unpack (once) and verify its diff_id. */
static int
load_layers(const char *data_root, int rootfd, const struct image_desc *d, json_t *diff_ids, int *locks,
	    struct lite_err *err)
{
	for (size_t i = 0; i < d->n_layers; i++) {
		char diff[65], hex[65], proc[64];
		_cleanup_close_ int fd = -1;
		int r;

		if (image_digest_parse(json_string_value(json_array_get(diff_ids, i)), diff) < 0)
			return lite_err_set(err, EBADMSG, "image config: diff_id %zu is not a sha256 digest", i);
		fd = image_load_open_in(rootfd, d->layers[i]);
		if (fd < 0)
			return lite_err_set(err, EBADMSG, "archive has no usable layer file '%.100s'", d->layers[i]);
		if (d->layer_hex[i][0]) {
			r = image_digest_fd(fd, hex, NULL);
			if (r < 0)
				return lite_err_sys(err, r, "read layer '%.100s'", d->layers[i]);
			if (strcmp(hex, d->layer_hex[i]))
				return lite_err_set(err, EBADMSG, "layer blob digest mismatch: '%.100s' is not sha256:%.12s...",
						    d->layers[i], d->layer_hex[i]);
		}
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		r = image_layer_get(data_root, proc, diff, &locks[i], err);
		if (r < 0)
			return lite_err_wrap(err, "layer %zu (sha256:%.12s)", i + 1, diff);
	}
	return 0;
}

int
image_load_commit_config(const char *data_root, const char *bytes, size_t len, json_t *diff_ids, char **tags,
		    char **ret_id, struct lite_err *err)
{
	char path[PATH_MAX], hex[65];
	struct stat st;
	size_t i;
	json_t *v;
	int lock = -1, made = 0, r;

	r = image_store_lock(data_root, &lock, err);
	if (r < 0)
		return r;
	json_array_foreach(diff_ids, i, v) {
		if (image_digest_parse(json_string_value(v), hex) == 0 &&
		    image_path(path, sizeof(path), data_root, "layers/sha256/%s", hex) == 0 && lstat(path, &st) == 0)
			continue;
		r = lite_err_set(err, EAGAIN, "layer %s vanished (removed by a concurrent rmi/prune); retry",
				 json_string_value(v) ?: "?");
		break;
	}
	if (r == 0)
		r = image_config_write(data_root, bytes, len, ret_id, &made, err);
	if (r == 0)
		HELPER_CRASH_POINT("after-config");
	for (i = 0; r == 0 && tags && tags[i]; i++) {
		char name[300];

		/* a pull's "name@sha256:HEX" repo digest is a key too */
		if ((strchr(tags[i], '@') ? image_ref_normalize(tags[i], name, sizeof(name))
					  : image_path_ref_normalize(tags[i], name, sizeof(name))) == 0)
			r = image_tag_set(data_root, name, *ret_id, err);
	}
	image_store_unlock(lock);
	return r;
}

static int
load_one(const char *data_root, int rootfd, const struct image_desc *d, json_t *out, struct lite_err *err)
{
	_cleanup_free_ char *buf = NULL, *id = NULL;
	json_auto_t *cfg = NULL;
	json_t *diff_ids;
	int *locks;
	char hex[65];
	size_t len;
	int r;

	r = read_in(rootfd, d->config, &buf, &len, err);
	if (r < 0)
		return r;
	image_sha256_hex(buf, len, hex);
	if (d->config_hex[0] && strcmp(hex, d->config_hex))
		return lite_err_set(err, EBADMSG, "config digest mismatch: '%.100s' is not sha256:%.12s...", d->config,
				    d->config_hex);
	cfg = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (!json_is_object(cfg) || !json_is_array(diff_ids))
		return lite_err_set(err, EBADMSG, "image config '%.100s' is not valid (no rootfs.diff_ids)", d->config);
	if (json_array_size(diff_ids) != d->n_layers)
		return lite_err_set(err, EBADMSG, "image config lists %zu layers, the manifest %zu",
				    json_array_size(diff_ids), d->n_layers);
	locks = malloc((d->n_layers + 1) * sizeof(int));
	if (!locks)
		return lite_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < d->n_layers; i++)
		locks[i] = -1;
	r = load_layers(data_root, rootfd, d, diff_ids, locks, err);
	if (r == 0)
		r = image_load_commit_config(data_root, buf, len, diff_ids, d->tags, &id, err);
	for (size_t i = 0; i < d->n_layers; i++)
		if (locks[i] >= 0)
			close(locks[i]);
	free(locks);
	if (r == 0)
		json_array_append_new(out, json_pack("{s:s,s:o}", "id", id, "tags", strv_to_json(d->tags)));
	return r;
}

/* OCI layout: one image per entry of index.json (nested indexes: the
 * host's platform). */
static int
oci_descs(int rootfd, struct image_desc **ret, size_t *ret_n, struct lite_err *err)
{
	json_auto_t *index = NULL;
	json_t *ms, *m;
	struct image_desc *d;
	size_t i, n;
	int r;

	r = read_json_in(rootfd, "index.json", NULL, &index, err);
	if (r < 0)
		return r;
	ms = json_object_get(index, "manifests");
	n = json_array_size(ms);
	if (n == 0)
		return lite_err_set(err, EBADMSG, "index.json lists no images");
	d = calloc(n, sizeof(*d));
	if (!d)
		return lite_err_set(err, ENOMEM, "out of memory");
	json_array_foreach(ms, i, m) {
		json_auto_t *doc = NULL;
		char hex[65], blob[80];
		const char *name = image_manifest_index_ref_name(m);

		if (r == 0 && image_digest_parse(json_string_value(json_object_get(m, "digest")), hex) < 0)
			r = lite_err_set(err, EBADMSG, "index.json: entry %zu has no valid sha256 digest", i);
		snprintf(blob, sizeof(blob), "blobs/sha256/%s", hex);
		if (r == 0)
			r = read_json_in(rootfd, blob, hex, &doc, err);
		if (r == 0 && image_manifest_is_index(doc, json_string_value(json_object_get(m, "mediaType")))) {
			r = image_manifest_index_pick(doc, "linux", image_manifest_host_arch(), hex, err);
			json_decref(doc);
			doc = NULL;
			snprintf(blob, sizeof(blob), "blobs/sha256/%s", hex);
			if (r == 0)
				r = read_json_in(rootfd, blob, hex, &doc, err);
		}
		if (r == 0)
			r = image_manifest_oci(doc, true, &d[i], err);
		if (r == 0 && !(d[i].tags = calloc(2, sizeof(char *))))
			r = lite_err_set(err, ENOMEM, "out of memory");
		if (r == 0 && name)
			d[i].tags[0] = strdup(name);
	}
	if (r < 0) {
		image_manifest_descs_free(d, n);
		return r;
	}
	*ret = d;
	*ret_n = n;
	return 0;
}

static int
load_dir(const char *data_root, int rootfd, json_t *out, struct lite_err *err)
{
	json_auto_t *manifest = NULL;
	struct image_desc *d = NULL;
	size_t n = 0;
	int fd, r;

	fd = image_load_open_in(rootfd, "index.json");
	if (fd >= 0) {
		close(fd);
		r = oci_descs(rootfd, &d, &n, err);
	} else if ((fd = image_load_open_in(rootfd, "manifest.json")) >= 0) {
		close(fd);
		r = read_json_in(rootfd, "manifest.json", NULL, &manifest, err);
		if (r == 0)
			r = image_manifest_docker(manifest, &d, &n, err);
	} else {
		return lite_err_set(err, EINVAL, "not a Docker or OCI image archive (no manifest.json or index.json); "
				    "use 'lite import' for a root file system tarball");
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		r = load_one(data_root, rootfd, &d[i], out, err);
	image_manifest_descs_free(d, n);
	return r;
}

int
image_load_archive(const char *data_root, const char *archive, json_t **ret, struct lite_err *err)
{
	char staging[PATH_MAX], root[PATH_MAX + 8];
	json_auto_t *out = json_array();
	_cleanup_close_ int rootfd = -1;
	int r;

	r = image_path(staging, sizeof(staging), data_root, "tmp/job-load-XXXXXX");
	if (r < 0 || !mkdtemp(staging))
		return lite_err_sys(err, r < 0 ? r : errno, "create staging dir");
	snprintf(root, sizeof(root), "%s/a", staging);
	if (mkdir(root, 0700) < 0)
		r = lite_err_sys(err, errno, "create staging dir");
	if (r == 0)
		r = image_unpack_into(root, archive, err);
	if (r == 0 && (rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = lite_err_sys(err, errno, "open staging dir");
	if (r == 0)
		r = load_dir(data_root, rootfd, out, err);
	(void)fs_rm_rf(staging);
	if (r < 0)
		return lite_err_wrap(err, "load");
	*ret = json_incref(out);
	return 0;
}
