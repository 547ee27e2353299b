/* lite save: images to a Docker archive (manifest.json, HEX.json,
 * HEX/layer.tar) or an OCI image layout (oci-layout, index.json,
 * blobs/sha256/), as one uncompressed tar.
 *
 * Layer tars are regenerated from the unpacked layers (image-tar.c,
 * canonical and with OCI whiteouts). When a regenerated tar hashes to the
 * stored diff_id the config is written byte for byte, so the image keeps its
 * id; otherwise (a layer first unpacked from another tool's tar) the
 * config's rootfs.diff_ids are rewritten to the new digests, so what is
 * written is always self-consistent and verifies in any loader. */
#include "image-save.h"
#include "image-internal.h"
#include "crash-point.h"
#include "image-manifest.h"
#include "image.h"
#include "image-tar.h"
#include "image-tarsplit.h"

#include "cleanup.h"
#include "fs-util.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct saver {
	const char *data_root;
	const char *staging;
	struct archive *a;
	bool oci;
	json_t *layers_done; /* diff_id -> {"hex": new digest HEX, "size": N} */
	json_t *written;     /* archive names already added */
	json_t *manifest;    /* docker: manifest.json; oci: index manifests */
	struct lite_err *err;
};

static int
add_entry(struct saver *s, const char *name, mode_t type, int64_t size)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	archive_entry_set_size(e, type == AE_IFDIR ? 0 : size);
	archive_entry_set_mtime(e, 0, 0);
	r = archive_write_header(s->a, e);
	archive_entry_free(e);
	if (r < ARCHIVE_WARN)
		return lite_err_set(s->err, EIO, "write archive: %s", archive_error_string(s->a));
	return 0;
}

static int
add_bytes(struct saver *s, const char *name, const void *buf, size_t len)
{
	int r;

	if (json_object_get(s->written, name))
		return 0;
	json_object_set_new(s->written, name, json_true());
	r = add_entry(s, name, AE_IFREG, (int64_t)len);
	if (r == 0 && len && archive_write_data(s->a, buf, len) < 0)
		r = lite_err_set(s->err, EIO, "write archive: %s", archive_error_string(s->a));
	return r;
}

static int
add_file(struct saver *s, const char *name, const char *path)
{
	static char buf[256 * 1024];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return lite_err_sys(s->err, errno, "open '%s'", path);
	json_object_set_new(s->written, name, json_true());
	r = add_entry(s, name, AE_IFREG, st.st_size);
	while (r == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lite_err_sys(s->err, errno, "read '%s'", path);
		if (n == 0)
			break;
		if (archive_write_data(s->a, buf, (size_t)n) < 0)
			r = lite_err_set(s->err, EIO, "write archive: %s", archive_error_string(s->a));
	}
	return r;
}

/* The layer's original tar, byte for byte, from its tar-split record; only
 * if it hashes to the diff_id (so the config, and the id, stay as they
 * are): 0. Otherwise out is emptied for the canonical tar: 1. */
static int
rebuild_original(const char *data_root, const char *diff_id, int dfd, int out, char hex[65], uint64_t *ret_size,
		 struct lite_err *err)
{
	char split[PATH_MAX];
	int r;

	r = image_path(split, sizeof(split), data_root, "layers/sha256/%s.tarsplit", diff_id + 7);
	if (r == 0)
		r = image_tarsplit_rebuild(split, dfd, out, hex, ret_size);
	if (r == 0 && strcmp(hex, diff_id + 7))
		r = -ESTALE;
	if (r < 0 && (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0))
		return lite_err_sys(err, errno, "layer %s", diff_id);
	return r < 0 ? 1 : 0;
}

int
image_save_layer_tar(const char *data_root, const char *diff_id, int out, char ret_hex[65], uint64_t *ret_size,
		     struct lite_err *err)
{
	char dir[PATH_MAX];
	_cleanup_close_ int dfd = -1;
	int r;

	if (image_path(dir, sizeof(dir), data_root, "layers/sha256/%s", diff_id + 7) < 0 ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return lite_err_sys(err, errno, "open layer %s", diff_id);
	r = rebuild_original(data_root, diff_id, dfd, out, ret_hex, ret_size, err);
	if (r > 0)
		r = image_tar_dir(dfd, out, true, ret_hex, ret_size, err);
	return r < 0 ? lite_err_wrap(err, "layer %s", diff_id) : 0;
}

/* Tar one stored layer into the archive (once); returns its digest HEX. */
static int
save_layer(struct saver *s, const char *diff_id, const char **ret_hex, json_int_t *ret_size)
{
	json_t *done = json_object_get(s->layers_done, diff_id);
	char tmp[PATH_MAX], hex[65], name[128];
	_cleanup_close_ int out = -1;
	uint64_t size;
	int r;

	if (!done) {
		snprintf(tmp, sizeof(tmp), "%s/layer.tar", s->staging);
		out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (out < 0)
			return lite_err_sys(s->err, errno, "create '%s'", tmp);
		r = image_save_layer_tar(s->data_root, diff_id, out, hex, &size, s->err);
		if (r < 0)
			return r;
		if (s->oci)
			snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
		else
			snprintf(name, sizeof(name), "%s/layer.tar", hex);
		if (!s->oci && !json_object_get(s->written, name)) {
			char d[80];

			snprintf(d, sizeof(d), "%s/", hex);
			r = add_entry(s, d, AE_IFDIR, 0);
			if (r < 0)
				return r;
		}
		if (!json_object_get(s->written, name) && (r = add_file(s, name, tmp)) < 0)
			return r;
		HELPER_CRASH_POINT("mid-archive"); /* a layer in the archive, more to come */
		(void)unlink(tmp);
		json_object_set_new(s->layers_done, diff_id, json_pack("{s:s,s:I}", "hex", hex, "size", (json_int_t)size));
		done = json_object_get(s->layers_done, diff_id);
	}
	*ret_hex = json_string_value(json_object_get(done, "hex"));
	*ret_size = json_integer_value(json_object_get(done, "size"));
	return 0;
}

static int
save_config(struct saver *s, struct image *img, json_t *new_ids, char **ret_bytes, size_t *ret_len)
{
	char path[PATH_MAX];
	json_t *old = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	int r;

	if (json_equal(old, new_ids)) {
		r = image_path(path, sizeof(path), s->data_root, "images/sha256/%s.json", img->id + 7);
		if (r == 0)
			r = fs_read_file(path, ret_bytes, ret_len);
		return r < 0 ? lite_err_sys(s->err, r, "read config of %s", img->id) : 0;
	}
	json_object_set(json_object_get(img->config, "rootfs"), "diff_ids", new_ids);
	*ret_bytes = json_dumps(img->config, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*ret_bytes)
		return lite_err_set(s->err, ENOMEM, "out of memory");
	*ret_len = strlen(*ret_bytes);
	return 0;
}

static json_t *
oci_manifest(const char *cfg_hex, size_t cfg_len, json_t *layer_descs)
{
	char digest[80];

	snprintf(digest, sizeof(digest), "sha256:%s", cfg_hex);
	return json_pack("{s:i,s:s,s:{s:s,s:s,s:I},s:O}", "schemaVersion", 2, "mediaType", MT_OCI_MANIFEST, "config",
			 "mediaType", "application/vnd.oci.image.config.v1+json", "digest", digest, "size",
			 (json_int_t)cfg_len, "layers", layer_descs);
}

static int
save_image_oci(struct saver *s, const char *cfg, size_t cfg_len, json_t *layer_descs, const char *tag)
{
	char hex[65], name[96], digest[80];
	_cleanup_free_ char *mbytes = NULL;
	json_auto_t *m = NULL;
	json_t *desc;
	int r;

	image_sha256_hex(cfg, cfg_len, hex);
	snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
	r = add_bytes(s, name, cfg, cfg_len);
	if (r < 0)
		return r;
	m = oci_manifest(hex, cfg_len, layer_descs);
	mbytes = m ? json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!mbytes)
		return lite_err_set(s->err, ENOMEM, "out of memory");
	image_sha256_hex(mbytes, strlen(mbytes), hex);
	snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
	snprintf(digest, sizeof(digest), "sha256:%s", hex);
	r = add_bytes(s, name, mbytes, strlen(mbytes));
	desc = json_pack("{s:s,s:s,s:I}", "mediaType", MT_OCI_MANIFEST, "digest", digest, "size",
			 (json_int_t)strlen(mbytes));
	if (tag)
		json_object_set_new(desc, "annotations",
				    json_pack("{s:s,s:s}", "io.containerd.image.name", tag,
					      "org.opencontainers.image.ref.name", strrchr(tag, ':') + 1));
	json_array_append_new(s->manifest, desc);
	return r;
}

static int
save_image(struct saver *s, const char *ref)
{
	_cleanup_free_ char *id = NULL, *cfg = NULL;
	json_auto_t *new_ids = json_array(), *paths = json_array(), *descs = json_array();
	struct image *img = NULL;
	char name[300], cfg_hex[65], cfg_name[96];
	const char *tag = NULL;
	size_t cfg_len;
	int r;

	r = image_resolve(s->data_root, ref, &id, s->err);
	if (r == 0)
		r = image_load(s->data_root, id, &img, s->err);
	if (r < 0)
		return r;
	if (image_path_ref_normalize(ref, name, sizeof(name)) == 0 && strncmp(id + 7, ref, strlen(ref)) &&
	    strncmp(id, ref, strlen(ref)))
		tag = name;
	for (size_t i = 0; r == 0 && i < img->n_layers; i++) {
		const char *hex = NULL;
		json_int_t size = 0;
		char buf[128];

		r = save_layer(s, img->diff_ids[i], &hex, &size);
		if (r < 0)
			break;
		snprintf(buf, sizeof(buf), "sha256:%s", hex);
		json_array_append_new(new_ids, json_string(buf));
		json_array_append_new(descs, json_pack("{s:s,s:s,s:I}", "mediaType",
						       "application/vnd.oci.image.layer.v1.tar", "digest", buf, "size", size));
		snprintf(buf, sizeof(buf), "%s/layer.tar", hex);
		json_array_append_new(paths, json_string(buf));
	}
	if (r == 0)
		r = save_config(s, img, new_ids, &cfg, &cfg_len);
	image_free(img);
	if (r < 0)
		return r;
	if (s->oci)
		return save_image_oci(s, cfg, cfg_len, descs, tag);
	image_sha256_hex(cfg, cfg_len, cfg_hex);
	snprintf(cfg_name, sizeof(cfg_name), "%s.json", cfg_hex);
	r = add_bytes(s, cfg_name, cfg, cfg_len);
	json_array_append_new(s->manifest, json_pack("{s:s,s:[],s:O}", "Config", cfg_name, "RepoTags", "Layers", paths));
	if (tag)
		json_array_append_new(json_object_get(json_array_get(s->manifest, json_array_size(s->manifest) - 1),
						      "RepoTags"), json_string(tag));
	return r;
}

static int
save_finish(struct saver *s)
{
	_cleanup_free_ char *m = NULL;
	json_auto_t *index = NULL;
	int r;

	if (!s->oci) {
		m = json_dumps(s->manifest, JSON_COMPACT);
		return m ? add_bytes(s, "manifest.json", m, strlen(m)) : lite_err_set(s->err, ENOMEM, "out of memory");
	}
	index = json_pack("{s:i,s:s,s:O}", "schemaVersion", 2, "mediaType", MT_OCI_INDEX, "manifests", s->manifest);
	m = index ? json_dumps(index, JSON_COMPACT) : NULL;
	if (!m)
		return lite_err_set(s->err, ENOMEM, "out of memory");
	r = add_bytes(s, "index.json", m, strlen(m));
	if (r == 0)
		r = add_bytes(s, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
	return r;
}

int
image_save(const char *data_root, char **refs, const char *format, const char *out_path, struct lite_err *err)
{
	char staging[PATH_MAX];
	struct saver s = { .data_root = data_root, .staging = staging, .err = err };
	int r;

	if (format && strcmp(format, "docker") && strcmp(format, "oci") && strcmp(format, "docker-archive") &&
	    strcmp(format, "oci-archive"))
		return lite_err_set(err, EINVAL, "invalid --format '%s': use docker or oci", format);
	s.oci = format && !strncmp(format, "oci", 3);
	r = image_path(staging, sizeof(staging), data_root, "tmp/job-save-XXXXXX");
	if (r < 0 || !mkdtemp(staging))
		return lite_err_sys(err, r < 0 ? r : errno, "create staging dir");
	s.a = archive_write_new();
	s.layers_done = json_object();
	s.written = json_object();
	s.manifest = json_array();
	archive_write_set_format_pax_restricted(s.a);
	if (archive_write_open_filename(s.a, out_path) != ARCHIVE_OK)
		r = lite_err_set(err, EIO, "create archive: %s", archive_error_string(s.a));
	if (r == 0 && s.oci)
		r = add_entry(&s, "blobs/", AE_IFDIR, 0) ?: add_entry(&s, "blobs/sha256/", AE_IFDIR, 0);
	for (size_t i = 0; r == 0 && refs[i]; i++)
		r = save_image(&s, refs[i]);
	if (r == 0)
		r = save_finish(&s);
	if (archive_write_close(s.a) != ARCHIVE_OK && r == 0)
		r = lite_err_set(err, EIO, "write archive: %s", archive_error_string(s.a));
	archive_write_free(s.a);
	json_decref(s.layers_done);
	json_decref(s.written);
	json_decref(s.manifest);
	(void)fs_rm_rf(staging);
	return r < 0 ? lite_err_wrap(err, "save") : 0;
}
