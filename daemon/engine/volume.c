/* The volume store: a directory per (owner, volume), created on first use.
 *
 * Safety: DATA_ROOT/volumes is 0700 root:root (image_store_init), so no host
 * user reaches a volume's files (a setuid-root file written by a container's
 * root included). Each owner's directory and each volume's directory are
 * 0700 as well; _data is 0755 because its mode is what the container sees
 * at the mount point. Names are checked before they become paths. */
#include "volume.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "crash-point.h"
#include "trash.h"
#include "ctr.h"
#include "fs-util.h"
#include "mount-spec.h"

int
volume_dir(const char *data_root, uid_t owner, const char *name, char *buf, size_t len)
{
	int n = owner == 0 ? snprintf(buf, len, "%s/volumes/%s", data_root, name)
			   : snprintf(buf, len, "%s/volumes/_u%u/%s", data_root, (unsigned)owner, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool
volume_exists(const char *data_root, uid_t owner, const char *name)
{
	char dir[PATH_MAX];
	struct stat st;

	return mount_spec_volume_name_is_valid(name) && volume_dir(data_root, owner, name, dir, sizeof(dir)) == 0 &&
	       stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
write_meta(const char *dir, uid_t owner, const char *name, bool anonymous)
{
	char meta[PATH_MAX + 16], *json;
	json_t *o;
	int r;

	o = json_pack("{s:s, s:I, s:b, s:I}", "name", name, "created", (json_int_t)time(NULL), "anonymous", anonymous,
		      "owner_uid", (json_int_t)owner);
	json = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	snprintf(meta, sizeof(meta), "%s/volume.json", dir);
	r = json ? fs_write_file_atomic(meta, json, strlen(json), 0644) : -ENOMEM;
	free(json);
	return r;
}

int
volume_ensure(const char *data_root, uid_t owner, const char *name, bool anonymous, char *ret_path, size_t len,
	      struct lite_err *err)
{
	char dir[PATH_MAX];
	int r;

	if (!mount_spec_volume_name_is_valid(name))
		return lite_err_set(err, EINVAL, "invalid volume name \"%s\"", name);
	r = volume_dir(data_root, owner, name, dir, sizeof(dir));
	if (r == 0 && snprintf(ret_path, len, "%s/_data", dir) >= (int)len)
		r = -ENAMETOOLONG;
	if (r < 0)
		return lite_err_sys(err, r, "volume %s", name);
	if (volume_exists(data_root, owner, name))
		return 0;
	r = fs_mkdir_p(dir, 0700); /* owner's _uU too: 0700 */
	if (r == 0)
		r = fs_mkdir_p(ret_path, 0755);
	if (r < 0)
		return lite_err_sys(err, r, "create volume %s", name);
	CRASH_POINT("volume.create.after-dir");
	r = write_meta(dir, owner, name, anonymous);
	return r < 0 ? lite_err_sys(err, r, "record volume %s", name) : 0;
}

int
volume_set_labels(const char *data_root, uid_t owner, const char *name, json_t *labels)
{
	char dir[PATH_MAX], meta[PATH_MAX + 16], *text;
	json_t *o;
	int r;

	if (volume_dir(data_root, owner, name, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	snprintf(meta, sizeof(meta), "%s/volume.json", dir);
	o = json_load_file(meta, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return -EIO;
	}
	json_object_set(o, "labels", labels);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	r = text ? fs_write_file_atomic(meta, text, strlen(text), 0644) : -ENOMEM;
	free(text);
	return r;
}

json_t *
volume_info(const char *data_root, uid_t owner, const char *name)
{
	char dir[PATH_MAX], meta[PATH_MAX + 16];
	json_t *o;

	if (!volume_exists(data_root, owner, name) || volume_dir(data_root, owner, name, dir, sizeof(dir)) < 0)
		return NULL;
	snprintf(meta, sizeof(meta), "%s/volume.json", dir);
	o = json_load_file(meta, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_pack("{s:s}", "name", name);
	}
	if (!o)
		return NULL;
	/* the directory, not the file, says whose it is */
	json_object_set_new(o, "owner_uid", json_integer((json_int_t)owner));
	strcat(dir, "/_data");
	json_object_set_new(o, "mountpoint", json_string(dir));
	json_object_set_new(o, "driver", json_string("local"));
	return o;
}

static int
by_name(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "name")), json_string_value(json_object_get(y, "name")));
	json_int_t ox = json_integer_value(json_object_get(x, "owner_uid"));
	json_int_t oy = json_integer_value(json_object_get(y, "owner_uid"));

	return c ? c : (ox > oy) - (ox < oy);
}

/* "_uU" -> U; false for anything else (volume names, "_u", "_u12x"). */
static bool
owner_dir_uid(const char *s, uid_t *ret)
{
	char *end;
	unsigned long long v;

	if (strncmp(s, "_u", 2) != 0 || s[2] < '0' || s[2] > '9')
		return false;
	errno = 0;
	v = strtoull(s + 2, &end, 10);
	if (errno || *end || v == 0 || v > UINT32_MAX - 1)
		return false;
	*ret = (uid_t)v;
	return true;
}

/* Every volume of owner into list. */
static void
list_owner(const char *data_root, uid_t owner, json_t *list)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (owner == 0)
		snprintf(path, sizeof(path), "%s/volumes", data_root);
	else
		snprintf(path, sizeof(path), "%s/volumes/_u%u", data_root, (unsigned)owner);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		json_t *v = mount_spec_volume_name_is_valid(de->d_name) ? volume_info(data_root, owner, de->d_name) : NULL;

		if (v)
			json_array_append_new(list, v);
	}
	if (d)
		closedir(d);
}

/* Root's volumes, then those of every other owner. */
static void
list_all(const char *data_root, json_t *list)
{
	char path[PATH_MAX];
	struct dirent *de;
	uid_t owner;
	DIR *d;

	list_owner(data_root, 0, list);
	snprintf(path, sizeof(path), "%s/volumes", data_root);
	d = opendir(path);
	while (d && (de = readdir(d)))
		if (owner_dir_uid(de->d_name, &owner))
			list_owner(data_root, owner, list);
	if (d)
		closedir(d);
}

static void
sort_list(json_t *list)
{
	size_t n = json_array_size(list);
	json_t **items = calloc(n + 1, sizeof(*items));

	if (!items)
		return;
	for (size_t i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(list, i));
	qsort(items, n, sizeof(*items), by_name);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, items[i]);
	free(items);
}

json_t *
volume_list(const char *data_root, uid_t viewer)
{
	json_t *list = json_array();

	if (!list)
		return NULL;
	if (viewer == 0)
		list_all(data_root, list);
	else
		list_owner(data_root, viewer, list);
	sort_list(list); /* stable output */
	return list;
}

/* Out of sight in one rename into DATA_ROOT/tmp (emptied of "gc-*" at
 * start), then deleted off the loop (trash.c): a crash never leaves a
 * volume listed with half its data (issue 13), a big one never blocks. */
int
volume_remove(const char *data_root, uid_t owner, const char *name, struct lite_err *err)
{
	char dir[PATH_MAX], trash[PATH_MAX];
	int r;

	if (!volume_exists(data_root, owner, name) || volume_dir(data_root, owner, name, dir, sizeof(dir)) < 0)
		return lite_err_set(err, ENOENT, "no such volume: %s", name);
	r = trash_move(data_root, dir, "vol", trash, sizeof(trash));
	if (r == 0) {
		CRASH_POINT("volume.rm.after-rename");
		trash_delete(trash);
		return 0;
	}
	r = fs_rm_rf(dir); /* DATA_ROOT/tmp on another file system: in place */
	return r < 0 ? lite_err_sys(err, r, "remove volume %s", name) : 0;
}

void
volume_anonymous_name(char name[65])
{
	ctr_generate_id(name);
}

uid_t
volume_mount_owner(json_t *mount)
{
	json_t *o = json_object_get(mount, "volume_owner");

	return json_is_integer(o) ? (uid_t)json_integer_value(o) : 0;
}
