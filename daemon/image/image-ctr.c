/* lite commit and lite export: a container's file system as a new image
 * layer, or as one flat tarball. Both read DATA_ROOT/containers/ID: the
 * image_id in state.json and the overlay upper dir.
 *
 * commit: the upper dir is written as a canonical tar with overlay
 * whiteouts turned back into OCI .wh. entries, that tar is unpacked as a
 * layer like any loaded one (so its diff_id is verified and it is shared),
 * and a config is written: the image's, plus the diff_id, a history entry
 * and the --change edits.
 * export: a read-only overlay of upper + the image's layers is mounted in a
 * mount namespace private to this process (it disappears when the process
 * exits) and its merged view is written as a tar. */
#include "image-ctr.h"
#include "image-change.h"
#include "image-internal.h"
#include "image-load.h"
#include "image.h"
#include "image-tar.h"

#include "cleanup.h"
#include "fs-util.h"
#include "valid.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int
image_ctr_load_image(const char *data_root, const char *ctr_id, struct image **ret, struct lite_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	json_auto_t *st = NULL;
	size_t len;
	int r;

	if (!valid_full_id(ctr_id) || strlen(ctr_id) != 64)
		return lite_err_set(err, EINVAL, "invalid container id");
	r = image_path(path, sizeof(path), data_root, "containers/%s/state.json", ctr_id);
	if (r == 0)
		r = fs_read_file(path, &buf, &len);
	if (r < 0)
		return lite_err_sys(err, r, "container %.12s: read state", ctr_id);
	st = json_loadb(buf, len, 0, NULL);
	return image_load(data_root, json_string_value(json_object_get(st, "image_id")), ret, err);
}

int
image_ctr_open_upper(const char *data_root, const char *ctr_id, int *ret_fd, struct lite_err *err)
{
	char path[PATH_MAX];
	int r = image_path(path, sizeof(path), data_root, "containers/%s/upper", ctr_id);

	if (r == 0 && (*ret_fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		r = -errno;
	return r < 0 ? lite_err_sys(err, r, "container %.12s: open upper dir", ctr_id) : 0;
}

static json_t *
new_config(struct image *img, const char *diff_hex, char **changes, const char *comment, struct lite_err *err)
{
	json_t *cfg = json_deep_copy(img->config), *inner, *hist;
	char ts[64], diff[80], msg[256];

	image_time_format((int64_t)time(NULL), ts, sizeof(ts));
	snprintf(diff, sizeof(diff), "sha256:%s", diff_hex);
	if (!cfg)
		return NULL;
	json_array_append_new(json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"), json_string(diff));
	hist = json_object_get(cfg, "history");
	if (!json_is_array(hist))
		json_object_set_new(cfg, "history", hist = json_array());
	json_array_append_new(hist, json_pack("{s:s,s:s,s:s?}", "created", ts, "created_by", "lite commit",
					      "comment", comment && *comment ? comment : NULL));
	json_object_set_new(cfg, "created", json_string(ts));
	inner = json_object_get(cfg, "config");
	if (!json_is_object(inner))
		json_object_set_new(cfg, "config", inner = json_object());
	for (size_t i = 0; changes && changes[i]; i++) {
		if (image_change_apply(inner, changes[i], msg, sizeof(msg)) < 0) {
			lite_err_set(err, EINVAL, "%s", msg);
			json_decref(cfg);
			return NULL;
		}
	}
	return cfg;
}

static const char *const etc_files[] = { "etc/hosts", "etc/hostname", "etc/resolv.conf", NULL };

bool
image_ctr_is_etc_file(const char *path)
{
	while (*path == '/')
		path++;
	for (size_t i = 0; etc_files[i]; i++)
		if (strcmp(path, etc_files[i]) == 0)
			return true;
	return false;
}

int
image_ctr_commit(const char *data_root, const char *ctr_id, const char *ref, char **changes, const char *comment,
	     char **ret_id, struct lite_err *err)
{
	char staging[PATH_MAX], tar[PATH_MAX + 16], hex[65], name[300];
	_cleanup_close_ int upper = -1, out = -1;
	_cleanup_free_ char *bytes = NULL;
	struct image *img = NULL;
	json_t *cfg = NULL;
	char *tags[2] = { NULL, NULL };
	int lock = -1, r;

	if (ref && *ref && image_path_ref_normalize(ref, name, sizeof(name)) < 0)
		return lite_err_set(err, EINVAL, "invalid reference format \"%s\": use lowercase NAME[:TAG]", ref);
	if (ref && *ref)
		tags[0] = name;
	r = image_ctr_load_image(data_root, ctr_id, &img, err);
	if (r == 0)
		r = image_ctr_open_upper(data_root, ctr_id, &upper, err);
	if (r < 0) {
		image_free(img);
		return r;
	}
	r = image_path(staging, sizeof(staging), data_root, "tmp/job-commit-XXXXXX");
	if (r < 0 || !mkdtemp(staging)) {
		image_free(img);
		return lite_err_sys(err, r < 0 ? r : errno, "create staging dir");
	}
	snprintf(tar, sizeof(tar), "%s/layer.tar", staging);
	out = open(tar, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	image_tar_set_skip(image_ctr_is_etc_file);
	r = out < 0 ? lite_err_sys(err, errno, "create '%s'", tar) : image_tar_dir(upper, out, true, hex, NULL, err);
	if (r == 0)
		r = image_layer_get(data_root, tar, hex, &lock, err);
	if (r == 0 && !(cfg = new_config(img, hex, changes, comment, err)))
		r = err->msg ? -EINVAL : lite_err_set(err, ENOMEM, "out of memory");
	if (r == 0 && !(bytes = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS)))
		r = lite_err_set(err, ENOMEM, "out of memory");
	if (r == 0)
		r = image_load_commit_config(data_root, bytes, strlen(bytes),
					json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"), tags, ret_id, err);
	if (lock >= 0)
		close(lock);
	json_decref(cfg);
	image_free(img);
	(void)fs_rm_rf(staging);
	return r < 0 ? lite_err_wrap(err, "commit") : 0;
}

/* lowerdir=UPPER:TOP:...:BOTTOM */
static char *
export_lowerdirs(const char *data_root, const char *ctr_id, struct image *img, struct lite_err *err)
{
	char **dirs = NULL, upper[PATH_MAX];
	char *s = NULL;
	size_t len, first = 0;

	if (image_layer_dirs(data_root, img, &dirs, err) < 0 ||
	    image_path(upper, sizeof(upper), data_root, "containers/%s/upper", ctr_id) < 0)
		return NULL;
	/* a container created but never started has no upper dir yet: its
	 * file system is its image's (lite build reads files so) */
	if (access(upper, F_OK) < 0 && dirs[0])
		snprintf(upper, sizeof(upper), "%s", dirs[first++]);
	len = strlen("lowerdir=") + strlen(upper) + 1;
	for (size_t i = 0; dirs[i]; i++)
		len += strlen(dirs[i]) + 1;
	s = malloc(len);
	if (s) {
		snprintf(s, len, "lowerdir=%s", upper);
		for (size_t i = first; dirs[i]; i++) {
			strcat(s, ":");
			strcat(s, dirs[i]);
		}
	}
	for (size_t i = 0; dirs[i]; i++)
		free(dirs[i]);
	free(dirs);
	return s;
}

int
image_ctr_mount_readonly(const char *data_root, const char *ctr_id, char *mnt, size_t len, struct lite_err *err)
{
	_cleanup_free_ char *opts = NULL;
	struct image *img = NULL;
	int r, fd;

	r = image_ctr_load_image(data_root, ctr_id, &img, err);
	if (r < 0)
		return r;
	opts = export_lowerdirs(data_root, ctr_id, img, err);
	image_free(img);
	if (!opts)
		return err->msg ? -EIO : lite_err_set(err, ENOMEM, "out of memory");
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return lite_err_sys(err, errno, "private mount namespace");
	r = image_path(mnt, len, data_root, "tmp/job-mnt-XXXXXX");
	if (r < 0 || !mkdtemp(mnt))
		return lite_err_sys(err, r < 0 ? r : errno, "create staging dir");
	/* a never-started container of a one-layer image: that layer alone
	 * (overlay needs two lower dirs without an upper one) */
	if (!strchr(opts, ':') ? mount(opts + strlen("lowerdir="), mnt, NULL, MS_BIND, NULL) < 0 ||
				     mount(NULL, mnt, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0
			       : mount("overlay", mnt, "overlay", MS_RDONLY, opts) < 0) {
		r = lite_err_sys(err, errno, "mount the container's file system");
		rmdir(mnt);
		return r;
	}
	fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = lite_err_sys(err, errno, "open the container's file system");
		image_ctr_umount_readonly(mnt);
		return r;
	}
	return fd;
}

void
image_ctr_umount_readonly(const char *mnt)
{
	(void)umount2(mnt, MNT_DETACH);
	rmdir(mnt);
}

int
image_ctr_export(const char *data_root, const char *ctr_id, const char *out_path, struct lite_err *err)
{
	char mnt[PATH_MAX];
	_cleanup_close_ int out = -1, mfd = -1;
	char hex[65];
	int r;

	mfd = image_ctr_mount_readonly(data_root, ctr_id, mnt, sizeof(mnt), err);
	if (mfd < 0)
		return lite_err_wrap(err, "export");
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		r = lite_err_sys(err, errno, "export: open");
	else {
		image_tar_set_skip(image_ctr_is_etc_file);
		r = image_tar_dir(mfd, out, false, hex, NULL, err);
	}
	close(TAKE_FD(mfd));
	image_ctr_umount_readonly(mnt);
	return r < 0 ? lite_err_wrap(err, "export") : 0;
}
