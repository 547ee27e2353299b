/* The build cache's index (see image-cache.h). Each entry is one small
 * file, written whole (temp + rename): an entry is there or not, never
 * half; a stale one (its image removed) is simply a miss. The entry holds
 * "UID IMAGE_ID" so that a prune by one user drops only that user's. */
#include "image-cache.h"
#include "image-internal.h"

#include "fs-util.h"
#include "valid.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
entry_path(char *buf, size_t len, const char *data_root, uid_t uid, const char *key)
{
	char hex[IMAGE_SHA256_HEX_LEN + 1], *text = NULL;
	int r;

	if (asprintf(&text, "%u\n%s", (unsigned)uid, key) < 0)
		return -ENOMEM;
	image_sha256_hex(text, strlen(text), hex);
	free(text);
	r = image_path(buf, len, data_root, "build-cache/%s", hex);
	return r;
}

int
image_cache_get(const char *data_root, uid_t uid, const char *key, char **ret_id)
{
	char path[PATH_MAX], id[80], img[PATH_MAX];
	unsigned owner;
	char *buf = NULL;
	size_t len;
	int r = entry_path(path, sizeof(path), data_root, uid, key);

	if (r == 0)
		r = fs_read_file(path, &buf, &len);
	if (r < 0)
		return r;
	r = sscanf(buf, "%u %79s", &owner, id) == 2 && owner == uid && !strncmp(id, "sha256:", 7) &&
		    valid_full_id(id + 7) ? 0 : -ENOENT;
	free(buf);
	if (r == 0)
		r = image_path(img, sizeof(img), data_root, "images/sha256/%s.json", id + 7);
	if (r == 0 && access(img, F_OK) < 0)
		r = -ENOENT;
	if (r == 0 && !(*ret_id = strdup(id)))
		r = -ENOMEM;
	return r;
}

int
image_cache_put(const char *data_root, uid_t uid, const char *key, const char *image_id)
{
	char path[PATH_MAX], dir[PATH_MAX], line[128];
	int r = image_path(dir, sizeof(dir), data_root, "build-cache");

	if (r == 0 && mkdir(dir, 0700) < 0 && errno != EEXIST)
		r = -errno;
	if (r == 0)
		r = entry_path(path, sizeof(path), data_root, uid, key);
	snprintf(line, sizeof(line), "%u %s\n", (unsigned)uid, image_id);
	return r < 0 ? r : fs_write_file_atomic(path, line, strlen(line), 0600);
}

int
image_cache_drop(const char *data_root, uid_t uid, int all, json_t *ids)
{
	char dir[PATH_MAX], path[PATH_MAX + 80], id[80];
	struct dirent *de;
	unsigned owner;
	int n = 0;
	DIR *d;

	if (image_path(dir, sizeof(dir), data_root, "build-cache") < 0)
		return -ENAMETOOLONG;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char *buf = NULL;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (fs_read_file(path, &buf, &len) < 0)
			continue;
		if (sscanf(buf, "%u %79s", &owner, id) == 2 && (owner == uid || (all && uid == 0)) && unlink(path) == 0) {
			json_array_append_new(ids, json_string(id));
			n++;
		}
		free(buf);
	}
	closedir(d);
	return n;
}
