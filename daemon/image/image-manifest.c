/* Image manifests, indexes and Docker's manifest.json: parsing and
 * validation (see image-manifest.h). No I/O. */
#include "image-manifest.h"
#include "image-internal.h"

#include "valid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
image_manifest_desc_free(struct image_desc *d)
{
	if (!d)
		return;
	free(d->config);
	for (size_t i = 0; d->layers && i < d->n_layers; i++)
		free(d->layers[i]);
	free(d->layers);
	free(d->layer_hex);
	for (size_t i = 0; d->tags && d->tags[i]; i++)
		free(d->tags[i]);
	free(d->tags);
	memset(d, 0, sizeof(*d));
}

void
image_manifest_descs_free(struct image_desc *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++)
		image_manifest_desc_free(&d[i]);
	free(d);
}

/* "HEX.json", "blobs/sha256/HEX", "sha256:HEX": the HEX in a name, if any. */
static void
hex_of_name(const char *name, char hex[65])
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	char buf[65];

	hex[0] = '\0';
	if (strlen(base) < 64)
		return;
	memcpy(buf, base, 64);
	buf[64] = '\0';
	if (valid_full_id(buf) && (base[64] == '\0' || !strcmp(base + 64, ".json")))
		memcpy(hex, buf, 65);
}

static int
docker_one(json_t *m, struct image_desc *d, struct lite_err *err)
{
	json_t *layers = json_object_get(m, "Layers"), *tags = json_object_get(m, "RepoTags"), *v;
	const char *config = json_string_value(json_object_get(m, "Config"));
	size_t i;

	if (!config || !json_is_array(layers) || (tags && !json_is_array(tags) && !json_is_null(tags)))
		return lite_err_set(err, EBADMSG, "manifest.json: an entry lacks Config or Layers");
	d->config = strdup(config);
	hex_of_name(config, d->config_hex);
	d->n_layers = json_array_size(layers);
	d->layers = calloc(d->n_layers + 1, sizeof(char *));
	d->layer_hex = calloc(d->n_layers + 1, sizeof(*d->layer_hex));
	d->tags = calloc(json_array_size(tags) + 1, sizeof(char *));
	if (!d->config || !d->layers || !d->layer_hex || !d->tags)
		return lite_err_set(err, ENOMEM, "out of memory");
	json_array_foreach(layers, i, v) {
		if (!json_is_string(v))
			return lite_err_set(err, EBADMSG, "manifest.json: a layer is not a string");
		d->layers[i] = strdup(json_string_value(v));
		if (!d->layers[i])
			return lite_err_set(err, ENOMEM, "out of memory");
	}
	json_array_foreach(tags, i, v) {
		if (!json_is_string(v) || !valid_image_ref(json_string_value(v)))
			return lite_err_set(err, EBADMSG, "manifest.json: invalid tag '%.100s'",
					    json_string_value(v) ?: "?");
		d->tags[i] = strdup(json_string_value(v));
	}
	return 0;
}

int
image_manifest_docker(json_t *manifest, struct image_desc **ret, size_t *ret_n, struct lite_err *err)
{
	size_t n = json_array_size(manifest);
	struct image_desc *d;
	int r = 0;

	if (!json_is_array(manifest) || n == 0)
		return lite_err_set(err, EBADMSG, "manifest.json: expected a non-empty array");
	d = calloc(n, sizeof(*d));
	if (!d)
		return lite_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < n; i++)
		r = docker_one(json_array_get(manifest, i), &d[i], err);
	if (r < 0) {
		image_manifest_descs_free(d, n);
		return r;
	}
	*ret = d;
	*ret_n = n;
	return 0;
}

static bool
layer_media_type_ok(const char *mt)
{
	static const char *const ok[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.diff.tar.zstd",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(mt, ok[i]))
			return true;
	return false;
}

int
image_manifest_oci(json_t *m, bool paths, struct image_desc *d, struct lite_err *err)
{
	json_t *layers = json_object_get(m, "layers"), *v;
	const char *mt = json_string_value(json_object_get(m, "mediaType"));
	size_t i;

	if (json_integer_value(json_object_get(m, "schemaVersion")) != 2)
		return lite_err_set(err, EBADMSG, "image manifest: unsupported schemaVersion (want 2)");
	if (mt && strcmp(mt, MT_OCI_MANIFEST) && strcmp(mt, MT_DOCKER_MANIFEST))
		return lite_err_set(err, EBADMSG, "image manifest: unsupported mediaType '%.100s'", mt);
	if (image_digest_parse(json_string_value(json_object_get(json_object_get(m, "config"), "digest")),
			       d->config_hex) < 0)
		return lite_err_set(err, EBADMSG, "image manifest: config has no valid sha256 digest");
	if (!json_is_array(layers))
		return lite_err_set(err, EBADMSG, "image manifest: no layers array");
	d->n_layers = json_array_size(layers);
	d->layer_hex = calloc(d->n_layers + 1, sizeof(*d->layer_hex));
	d->layers = calloc(d->n_layers + 1, sizeof(char *));
	if (!d->layer_hex || !d->layers || (paths && asprintf(&d->config, "blobs/sha256/%s", d->config_hex) < 0))
		return lite_err_set(err, ENOMEM, "out of memory");
	json_array_foreach(layers, i, v) {
		const char *lmt = json_string_value(json_object_get(v, "mediaType"));

		if (image_digest_parse(json_string_value(json_object_get(v, "digest")), d->layer_hex[i]) < 0)
			return lite_err_set(err, EBADMSG, "image manifest: layer %zu has no valid sha256 digest", i);
		if (!lmt || !layer_media_type_ok(lmt))
			return lite_err_set(err, EBADMSG, "image manifest: layer %zu: unsupported media type '%.100s'",
					    i, lmt ?: "");
		if (paths && asprintf(&d->layers[i], "blobs/sha256/%s", d->layer_hex[i]) < 0)
			return lite_err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

bool
image_manifest_is_index(json_t *doc, const char *dmt)
{
	const char *mt = dmt ? dmt : json_string_value(json_object_get(doc, "mediaType"));

	if (mt)
		return !strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST);
	return doc && json_is_array(json_object_get(doc, "manifests")) && !json_object_get(doc, "layers");
}

int
image_manifest_index_pick(json_t *index, const char *os, const char *arch, char ret_hex[65], struct lite_err *err)
{
	json_t *ms = json_object_get(index, "manifests"), *m;
	size_t i;

	if (!json_is_array(ms) || json_array_size(ms) == 0)
		return lite_err_set(err, EBADMSG, "image index: no manifests");
	json_array_foreach(ms, i, m) {
		json_t *p = json_object_get(m, "platform");
		const char *mos = json_string_value(json_object_get(p, "os"));
		const char *march = json_string_value(json_object_get(p, "architecture"));

		if ((p && (!mos || strcmp(mos, os) || !march || strcmp(march, arch))) ||
		    (!p && json_array_size(ms) > 1))
			continue;
		if (image_digest_parse(json_string_value(json_object_get(m, "digest")), ret_hex) < 0)
			return lite_err_set(err, EBADMSG, "image index: entry for %s/%s has no valid digest", os, arch);
		return 0;
	}
	return lite_err_set(err, ENOENT, "image index: no image for platform %s/%s", os, arch);
}

const char *
image_manifest_index_ref_name(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *n = json_string_value(json_object_get(ann, "io.containerd.image.name"));

	if (n && valid_image_ref(n))
		return n;
	n = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
	if (n && strchr(n, ':') && valid_image_ref(n))
		return n;
	return NULL;
}

const char *
image_manifest_host_arch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__i386__)
	return "386";
#elif defined(__arm__)
	return "arm";
#else
	return "unknown";
#endif
}
