/* Private interface between image-store.c and image-unpack.c. Not for other
 * modules: they use image-store.h. */
#pragma once

#include "lite-err.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define IMAGE_SHA256_HEX_LEN 64

/* snprintf "DATA_ROOT/<fmt...>" into buf (PATH_MAX); -ENAMETOOLONG if cut. */
int image_path(char *buf, size_t len, const char *data_root, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Take / release the store's exclusive lock (DATA_ROOT/images/.lock, flock).
 * Serialises every read-modify-write of repositories.json, layer commits and
 * config writes; works across threads and processes. */
int image_store_lock(const char *data_root, int *ret_fd, struct lite_err *err);
void image_store_unlock(int fd);

/* Layer metadata, kept in layers/sha256/HEX.json next to the layer dir:
 * {"size": unpacked bytes, "created": unix seconds of the first unpack}. */
int image_layer_meta_write(const char *data_root, const char *hex, uint64_t size, int64_t created);
int image_layer_meta_read(const char *data_root, const char *hex, uint64_t *ret_size, int64_t *ret_created);

/* Write the OCI config of a one-layer image (caller holds the lock);
 * returns its id "sha256:HEX" and whether this call created the file. */
int image_config_write_one_layer(const char *data_root, const char *diff_hex, int64_t created,
				 char **ret_id, int *ret_created_file, struct lite_err *err);
/* Point ref (normalised) at image_id in repositories.json (caller holds the lock). */
int image_tag_set(const char *data_root, const char *ref, const char *image_id, struct lite_err *err);

/* "2024-01-02T03:04:05Z" <-> unix seconds. */
void image_time_format(int64_t t, char *buf, size_t len);
int64_t image_time_parse(const char *s);
