/* lite save (image-save.c). */
#pragma once

#include "lite-err.h"

#include <stdint.h>

/* Write the images refs name to out_path; format "docker" (default) or "oci". */
int image_save(const char *data_root, char **refs, const char *format, const char *out_path, struct lite_err *err);
/* A stored layer as a tar into out: its original bytes (tar-split) when they
 * still hash to diff_id ("sha256:HEX"), else the canonical tar; the
 * digest HEX and size of what was written. Save and push. */
int image_save_layer_tar(const char *data_root, const char *diff_id, int out, char ret_hex[65], uint64_t *ret_size,
			 struct lite_err *err);
