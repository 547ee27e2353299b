/* Per-layer locks (DATA_ROOT/layers/locks/HEX, flock) and getting one layer
 * into the store exactly once.
 *
 * Protocol: a load takes a layer's lock SHARED while it needs the layer and
 * EXCLUSIVE only while unpacking a missing one; the collector removes a
 * layer only if it gets the lock exclusively without waiting. So two loads
 * of the same layer never both unpack it (the second waits, then finds it),
 * and a layer a load is about to reference is never collected. Lock files
 * are never removed: removing them would race with a new locker. */
#include "crash-point.h"
#include "image-internal.h"

#include "cleanup.h"
#include "fs-util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int
lock_open(const char *data_root, const char *hex, int *ret_fd)
{
	char path[PATH_MAX];
	int fd, r;

	r = image_path(path, sizeof(path), data_root, "layers/locks");
	if (r < 0)
		return r;
	r = fs_mkdir_p(path, 0700);
	if (r < 0)
		return r;
	r = image_path(path, sizeof(path), data_root, "layers/locks/%s", hex);
	if (r < 0)
		return r;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

static int
flock_retry(int fd, int op)
{
	while (flock(fd, op) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static bool
layer_present(const char *data_root, const char *hex)
{
	char path[PATH_MAX];
	struct stat st;

	return image_path(path, sizeof(path), data_root, "layers/sha256/%s", hex) == 0 && lstat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

int
image_layer_acquire(const char *data_root, const char *hex, int *ret_fd, int *ret_exists, struct lite_err *err)
{
	_cleanup_close_ int fd = -1;
	int r;

	r = lock_open(data_root, hex, &fd);
	if (r == 0)
		r = flock_retry(fd, LOCK_SH);
	if (r < 0)
		return lite_err_sys(err, r, "lock layer sha256:%.12s", hex);
	if (!layer_present(data_root, hex)) {
		r = flock_retry(fd, LOCK_EX);
		if (r < 0)
			return lite_err_sys(err, r, "lock layer sha256:%.12s", hex);
		if (layer_present(data_root, hex))
			image_layer_hold(fd);
	}
	*ret_exists = layer_present(data_root, hex);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

void
image_layer_hold(int fd)
{
	(void)flock_retry(fd, LOCK_SH);
}

int
image_layer_try_lock(const char *data_root, const char *hex, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	int r;

	r = lock_open(data_root, hex, &fd);
	if (r < 0)
		return r;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int
image_layer_get(const char *data_root, const char *tar_path, const char *hex, int *ret_lock_fd,
		struct lite_err *err)
{
	int fd = -1, exists = 0, r;

	r = image_layer_acquire(data_root, hex, &fd, &exists, err);
	if (r < 0)
		return r;
	if (!exists) {
		r = image_unpack_layer(data_root, tar_path, hex, err);
		if (r < 0) {
			close(fd);
			return r;
		}
		HELPER_CRASH_POINT("after-layer");
		image_layer_hold(fd);
	}
	*ret_lock_fd = fd;
	return 0;
}
