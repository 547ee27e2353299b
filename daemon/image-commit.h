/* lite commit and lite export (image-commit.c); run in lite-image. */
#pragma once

#include "lite-err.h"

/* Container ctr_id's changes as a new image tagged ref (may be NULL). */
int image_commit(const char *data_root, const char *ctr_id, const char *ref, char **changes, const char *comment,
		 char **ret_id, struct lite_err *err);
/* Container ctr_id's whole file system as a tar at out_path. */
int image_export(const char *data_root, const char *ctr_id, const char *out_path, struct lite_err *err);
