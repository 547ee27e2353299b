/* Named volumes, each owned by the uid that made it (docs/SECURITY.md):
 *   root's:    DATA_ROOT/volumes/NAME/{_data,volume.json}
 *   uid U's:   DATA_ROOT/volumes/_uU/NAME/{_data,volume.json}
 * A volume name cannot start with '_', so "_uU" never clashes with one; two
 * users may both have a volume "data". volume.json is
 * {"name","created","anonymous","owner_uid"}; a file without owner_uid (made
 * before owners existed, always under volumes/NAME) is root's. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lite-err.h"

/* DATA_ROOT/volumes[/_uOWNER]/NAME into buf (no check of the name). */
int volume_dir(const char *data_root, uid_t owner, const char *name, char *buf, size_t len);
/* Create owner's NAME if missing; its _data path goes to ret_path. */
int volume_ensure(const char *data_root, uid_t owner, const char *name, bool anonymous, char *ret_path, size_t len,
		  struct lite_err *err);
bool volume_exists(const char *data_root, uid_t owner, const char *name);
/* {"name","mountpoint","created","anonymous","owner_uid","driver"} or NULL. */
json_t *volume_info(const char *data_root, uid_t owner, const char *name);
/* Record labels ({"k":"v"}) in NAME's volume.json. 0 or -errno. */
int volume_set_labels(const char *data_root, uid_t owner, const char *name, json_t *labels);
/* Array of volume_info objects, by name then owner: every volume for
 * viewer 0, else only the viewer's own. */
json_t *volume_list(const char *data_root, uid_t viewer);
int volume_remove(const char *data_root, uid_t owner, const char *name, struct lite_err *err);
/* A fresh anonymous volume name: 64 hex digits, as Docker's. */
void volume_anonymous_name(char name[65]);
/* The owner recorded in a container's mount entry ("volume_owner"; an entry
 * without one predates owners and names a volume of root's). */
uid_t volume_mount_owner(json_t *mount);
