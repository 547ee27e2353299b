/* lite save (image-save.c). */
#pragma once

#include "lite-err.h"

/* Write the images refs name to out_path; format "docker" (default) or "oci". */
int image_save(const char *data_root, char **refs, const char *format, const char *out_path, struct lite_err *err);
