/* Private interface between image.c and image-unpack.c. Not for other
 * modules: they use image.h. */
#pragma once

#include "lite-err.h"

#include <jansson.h>

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

/* sha256 of a buffer, as 64 lowercase hex digits. */
void image_sha256_hex(const void *data, size_t len, char hex[IMAGE_SHA256_HEX_LEN + 1]);
/* Store a config's exact bytes as images/sha256/HEX.json, HEX = their
 * sha256 (so the image id is Docker's); caller holds the lock. */
int image_config_write(const char *data_root, const char *bytes, size_t len, char **ret_id,
		       int *ret_created_file, struct lite_err *err);
/* repositories.json as an object (missing file: empty); atomic write back. */
int image_repos_read(const char *data_root, json_t **ret, struct lite_err *err);
int image_repos_write(const char *data_root, json_t *repos, struct lite_err *err);

/* image-digest.c */
/* "sha256:HEX" -> HEX (64 lowercase hex digits); -EINVAL otherwise. */
int image_digest_parse(const char *digest, char hex[IMAGE_SHA256_HEX_LEN + 1]);
/* sha256 of an open file's contents (read from offset 0), and its size. */
int image_digest_fd(int fd, char hex[IMAGE_SHA256_HEX_LEN + 1], uint64_t *ret_size);

/* image-layer.c: one layer's lock, so concurrent loads never unpack the same
 * layer twice and the garbage collector never removes a layer that a load
 * is about to reference. Returns with the lock held SHARED if the layer
 * exists (*ret_exists = 1), or EXCLUSIVE if the caller must unpack it;
 * after unpacking, image_layer_hold() downgrades to shared. Release the lock
 * (close the fd) only after the image config naming the layer is written. */
int image_layer_acquire(const char *data_root, const char *hex, int *ret_fd, int *ret_exists, struct lite_err *err);
void image_layer_hold(int fd);
/* Try to take a layer's lock exclusively without waiting (for removal). */
int image_layer_try_lock(const char *data_root, const char *hex, int *ret_fd);
/* Get layer HEX into the store: acquire its lock, unpack tar_path (any
 * compression) if it is not there, verify the diff_id. *ret_lock_fd holds
 * the shared lock on success. */
int image_layer_get(const char *data_root, const char *tar_path, const char *hex, int *ret_lock_fd,
		    struct lite_err *err);

/* image-unpack.c: unpack tar_path as layer HEX (expected diff_id) and move
 * it into place; -EBADMSG with a message on a digest mismatch. */
int image_unpack_layer(const char *data_root, const char *tar_path, const char *hex, struct lite_err *err);
/* Bound every later unpack (lite-image sets them from the daemon's
 * max-layer-size and max-layer-entries; 0: no limit): past either, the
 * unpack fails with EFBIG and leaves nothing. */
void image_unpack_set_limits(uint64_t max_bytes, uint64_t max_entries);
/* Unpack tar_path safely into the existing directory dir (no hashing). */
int image_unpack_into(const char *dir, const char *tar_path, struct lite_err *err);
/* image-unpack-entry.c: printable copy of a user-supplied name for messages. */
void image_unpack_entry_printable(const char *in, char *out, size_t len);
