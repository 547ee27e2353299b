/* Content-addressed image and layer store under DATA_ROOT:
 *   layers/sha256/HEX/        unpacked layer (HEX = diff_id, sha256 of the
 *                             uncompressed tar), shared by every image
 *   images/sha256/HEX.json    OCI image config; HEX = sha256 of its bytes
 *   repositories.json         {"busybox:latest": "sha256:HEX", ...}
 *   tmp/                      staging; never visible as a layer or image
 * Every function here blocks (disk I/O) and is safe across processes (the
 * store's lock): lite-image calls the writers, in a process of its own; the
 * daemon's event loop calls only the cheap read-only lookups (image_resolve,
 * image_load, image_list). */
#pragma once

#include <sys/types.h>

#include "lite-err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct image {
	char id[72];        /* "sha256:HEX" */
	char **diff_ids;    /* "sha256:HEX", bottom layer first, NULL-terminated */
	size_t n_layers;
	json_t *config;     /* whole OCI image config (owned) */
	int64_t created;    /* unix seconds */
	uint64_t size;      /* bytes of unpacked layers */
};

/* Create the store's directories; DATA_ROOT and its trees end up 0700
 * root:root, existing ones included. */
int image_store_init(const char *data_root, struct lite_err *err);

/* Import a rootfs tarball (plain, gzip, zstd, xz: auto-detected) as a
 * one-layer image tagged ref ("name" means "name:latest"). Safe against
 * hostile archives. Returns the image id ("sha256:HEX"). */
int image_unpack_import(const char *data_root, const char *tar_path, const char *ref,
		     char **ret_image_id, struct lite_err *err);

/* "busybox", "busybox:latest", "sha256:HEX", a unique id prefix (>= 4 hex)
 * -> "sha256:HEX". -ENOENT with "no such image: REF" otherwise. */
int image_resolve(const char *data_root, const char *ref, char **ret_image_id, struct lite_err *err);
/* The same for an image a container of caller's will run: root is refused
 * a tag a non-root user made (any user may claim a free name, so it could
 * be anything: root runs such an image by its id or tags it itself).
 * Non-root callers share every tag, as images are shared. */
int image_resolve_for(const char *data_root, const char *ref, uid_t caller, char **ret_image_id,
		      struct lite_err *err);

/* The key of repositories.json (repos) that ref names: its familiar store
 * key, else (stores written before normalisation) the fully qualified or
 * the literal spelling. -ENOENT if none is present. */
int image_repo_find(json_t *repos, const char *ref, char *ret_key, size_t len);

int image_load(const char *data_root, const char *image_id, struct image **ret, struct lite_err *err);
void image_free(struct image *img);

/* Absolute paths of the image's unpacked layer dirs, TOP layer first (the
 * order overlayfs wants in lowerdir), NULL-terminated. */
int image_layer_dirs(const char *data_root, const struct image *img, char ***ret_dirs, struct lite_err *err);
/* The unpacked size of layer diff_id ("sha256:HEX") as recorded when it
 * was stored; 0 when unknown. */
uint64_t image_layer_size(const char *data_root, const char *diff_id);

/* JSON array of {"id","repo_tags":[...],"created","size","layers",
 * "repo_digests":[...]} (repo_digests: the "name@sha256:HEX" keys pull records). */
int image_list(const char *data_root, json_t **ret, struct lite_err *err);

/* Pure helpers (image-path.c), unit-tested: */
/* A tag's store key, Docker's familiar form: "name" -> "name:latest",
 * "docker.io/library/busybox" -> "busybox:latest" (common/image-ref.h).
 * -EINVAL if invalid or a digest reference. */
int image_path_ref_normalize(const char *ref, char *buf, size_t len);
/* The key stores before reference normalisation used: the name as given
 * plus ":latest" if untagged (lookups fall back to it). */
int image_path_ref_legacy(const char *ref, char *buf, size_t len);
/* Sanitise a tar entry path: strip "./" and leading "/", reject ".." and
 * empty components. Writes the clean relative path into buf. */
int image_path_tar_clean(const char *entry, char *buf, size_t len);
