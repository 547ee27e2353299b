/* Named volumes: DATA_ROOT/volumes/NAME/_data holds the files, and
 * DATA_ROOT/volumes/NAME/volume.json {"name","created","anonymous"}. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lite-err.h"

/* Create NAME if missing; its _data path goes to ret_path. */
int volume_ensure(const char *data_root, const char *name, bool anonymous, char *ret_path, size_t len,
		  struct lite_err *err);
bool volume_exists(const char *data_root, const char *name);
/* {"name","mountpoint","created","anonymous"} or NULL. */
json_t *volume_info(const char *data_root, const char *name);
/* Array of volume_info objects, by name. */
json_t *volume_list(const char *data_root);
int volume_remove(const char *data_root, const char *name, struct lite_err *err);
/* A fresh anonymous volume name: 64 hex digits, as Docker's. */
void volume_anonymous_name(char name[65]);
