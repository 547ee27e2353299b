/* The volume store: a directory per volume, created on first use. */
#include "volume.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctr.h"
#include "fs-util.h"
#include "mount-spec.h"

static void
volume_dir(const char *data_root, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/volumes/%s", data_root, name);
}

bool
volume_exists(const char *data_root, const char *name)
{
	char dir[PATH_MAX];
	struct stat st;

	volume_dir(data_root, name, dir, sizeof(dir));
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int
volume_ensure(const char *data_root, const char *name, bool anonymous, char *ret_path, size_t len,
	      struct lite_err *err)
{
	char dir[PATH_MAX], meta[PATH_MAX + 16], *json = NULL;
	json_t *o;
	int r;

	if (!mount_spec_volume_name_is_valid(name))
		return lite_err_set(err, EINVAL, "invalid volume name \"%s\"", name);
	volume_dir(data_root, name, dir, sizeof(dir));
	snprintf(ret_path, len, "%s/_data", dir);
	if (volume_exists(data_root, name))
		return 0;
	r = fs_mkdir_p(ret_path, 0755);
	if (r < 0)
		return lite_err_sys(err, r, "create volume %s", name);
	o = json_pack("{s:s, s:I, s:b}", "name", name, "created", (json_int_t)time(NULL), "anonymous", anonymous);
	json = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	snprintf(meta, sizeof(meta), "%s/volume.json", dir);
	r = json ? fs_write_file_atomic(meta, json, strlen(json), 0644) : -ENOMEM;
	free(json);
	return r < 0 ? lite_err_sys(err, r, "record volume %s", name) : 0;
}

json_t *
volume_info(const char *data_root, const char *name)
{
	char dir[PATH_MAX], meta[PATH_MAX + 16];
	json_t *o;

	if (!volume_exists(data_root, name))
		return NULL;
	volume_dir(data_root, name, dir, sizeof(dir));
	snprintf(meta, sizeof(meta), "%s/volume.json", dir);
	o = json_load_file(meta, 0, NULL);
	if (!o)
		o = json_pack("{s:s}", "name", name);
	strcat(dir, "/_data");
	json_object_set_new(o, "mountpoint", json_string(dir));
	json_object_set_new(o, "driver", json_string("local"));
	return o;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
		      json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

json_t *
volume_list(const char *data_root)
{
	char path[PATH_MAX];
	json_t *list = json_array(), **items;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/volumes", data_root);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		json_t *v = mount_spec_volume_name_is_valid(de->d_name) ? volume_info(data_root, de->d_name) : NULL;
		if (v)
			json_array_append_new(list, v);
	}
	if (d)
		closedir(d);
	/* stable output: sorted by name */
	n = json_array_size(list);
	items = calloc(n + 1, sizeof(*items));
	for (size_t i = 0; items && i < n; i++)
		items[i] = json_incref(json_array_get(list, i));
	if (items) {
		qsort(items, n, sizeof(*items), by_name);
		json_array_clear(list);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, items[i]);
		free(items);
	}
	return list;
}

int
volume_remove(const char *data_root, const char *name, struct lite_err *err)
{
	char dir[PATH_MAX];
	int r;

	if (!mount_spec_volume_name_is_valid(name) || !volume_exists(data_root, name))
		return lite_err_set(err, ENOENT, "no such volume: %s", name);
	volume_dir(data_root, name, dir, sizeof(dir));
	r = fs_rm_rf(dir);
	return r < 0 ? lite_err_sys(err, r, "remove volume %s", name) : 0;
}

void
volume_anonymous_name(char name[65])
{
	ctr_generate_id(name);
}
