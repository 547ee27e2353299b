/* Parsing of the JSON documents that describe images in archives and
 * registries: Docker's manifest.json, OCI image indexes / Docker manifest
 * lists, OCI / Docker schema2 manifests (image-manifest.c). Pure: no I/O,
 * so all of it is unit-tested. Every digest is validated here. */
#pragma once

#include "lite-err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

/* One image to load: where its config and layers are, what they must hash to. */
struct image_desc {
	char *config;        /* path in the archive, or NULL (registry) */
	char config_hex[65]; /* expected sha256 of the config bytes; "" = unknown */
	size_t n_layers;
	char **layers;       /* paths in the archive, or NULL */
	char (*layer_hex)[65]; /* expected sha256 of each blob as stored; "" = unknown */
	char **tags;         /* NULL-terminated, may be empty */
};

void image_manifest_desc_free(struct image_desc *d);
void image_manifest_descs_free(struct image_desc *d, size_t n);

/* Docker archive manifest.json: [{"Config","RepoTags","Layers"}...]. */
int image_manifest_docker(json_t *manifest, struct image_desc **ret, size_t *ret_n, struct lite_err *err);
/* An OCI or schema2 image manifest; fills config_hex, layer_hex and n_layers
 * (with blob paths "blobs/sha256/HEX" when paths is set). */
int image_manifest_oci(json_t *manifest, bool paths, struct image_desc *d, struct lite_err *err);
/* Is this media type (or the document's own "mediaType") an index/list? */
bool image_manifest_is_index(json_t *doc, const char *descriptor_media_type);
/* From an index or manifest list pick the entry for os/arch; its digest's HEX. */
int image_manifest_index_pick(json_t *index, const char *os, const char *arch, char ret_hex[65], struct lite_err *err);
/* The tag an OCI index entry names (io.containerd.image.name, else
 * org.opencontainers.image.ref.name if it holds a full NAME:TAG); or NULL. */
const char *image_manifest_index_ref_name(json_t *descriptor);
/* The host's architecture in GOARCH spelling ("amd64", "arm64", ...). */
const char *image_manifest_host_arch(void);
