/* Harness: the JSON documents that describe an image, from an archive
 * (`lite load`) or a registry (`lite pull`): Docker's manifest.json, OCI
 * indexes and Docker manifest lists, OCI and schema2 manifests. Every
 * digest that comes out must be 64 hex digits, every layer accounted for. */
#include "fuzz.h"

#include "image-manifest.h"
#include "valid.h"

static void
check_desc(const struct image_desc *d)
{
	FUZZ_ASSERT(d->config_hex[0] == '\0' || valid_full_id(d->config_hex));
	for (size_t i = 0; i < d->n_layers; i++)
		FUZZ_ASSERT(d->layer_hex[i][0] == '\0' || valid_full_id(d->layer_hex[i]));
}

static void
docker_archive(json_t *doc)
{
	struct lite_err err = { 0 };
	struct image_desc *descs = NULL;
	size_t n = 0;

	if (image_manifest_docker(doc, &descs, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			check_desc(&descs[i]);
		image_manifest_descs_free(descs, n);
	}
	lite_err_clear(&err);
}

static void
oci_manifest(json_t *doc, bool paths)
{
	struct lite_err err = { 0 };
	struct image_desc d = { 0 };

	if (image_manifest_oci(doc, paths, &d, &err) == 0)
		check_desc(&d);
	image_manifest_desc_free(&d);
	lite_err_clear(&err);
}

static void
index_pick(json_t *doc)
{
	struct lite_err err = { 0 };
	char hex[65];
	size_t i;
	json_t *m;

	if (image_manifest_index_pick(doc, "linux", "amd64", hex, &err) == 0)
		FUZZ_ASSERT(valid_full_id(hex));
	lite_err_clear(&err);
	json_array_foreach(json_object_get(doc, "manifests"), i, m)
		(void)image_manifest_index_ref_name(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

	if (!doc)
		return 0;
	docker_archive(doc);
	oci_manifest(doc, true);
	oci_manifest(doc, false);
	(void)image_manifest_is_index(doc, NULL);
	(void)image_manifest_is_index(doc, MT_OCI_INDEX);
	index_pick(doc);
	json_decref(doc);
	return 0;
}
