/* Tar-split (image-tarsplit.c): what a layer tar holds besides its files'
 * contents, recorded while the layer is unpacked, so that save can rebuild
 * the very same bytes (and so the same diff_id and image id) from the
 * unpacked layer, as Docker does with its tar-split files.
 *
 * The sidecar (layers/sha256/HEX.tarsplit) is a list of records:
 *   "H LEN\n" + LEN raw bytes (headers, pax data, padding, end blocks)
 *   "F SIZE PATHLEN\n" + PATH: SIZE bytes of the layer's file PATH
 * A rebuilt tar is always hashed and compared with the diff_id before it
 * is used: a layer whose tar cannot be rebuilt (a path written twice, a
 * store from before tar-split) falls back to the canonical tar. */
#pragma once

#include "lite-err.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct image_tarsplit;

/* Record into out (owned by the caller; NULL: record nothing). */
struct image_tarsplit *image_tarsplit_new(FILE *out);
/* The next bytes of the uncompressed tar stream. */
void image_tarsplit_feed(struct image_tarsplit *ts, const void *buf, size_t len);
/* Flush; false if the stream could not be recorded (the sidecar is then
 * unusable and must not be kept). Frees ts. */
bool image_tarsplit_finish(struct image_tarsplit *ts);
/* Rebuild the tar from sidecar path and the layer dir layer_fd into out_fd;
 * returns its sha256 HEX and size. -errno (ENOENT: no sidecar). */
int image_tarsplit_rebuild(const char *sidecar, int layer_fd, int out_fd, char ret_hex[65], uint64_t *ret_size);
