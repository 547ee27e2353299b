/* The container's /dev beyond the fixed nodes rootfs.c makes: --device
 * nodes and, with a TTY, /dev/console.
 *
 * Safety invariants: a --device node is cloned (open_tree) from the host
 * while the host's tree is still visible and checked to be a device node
 * on the clone itself; it is attached only after pivot_root, so its target
 * resolves inside the container's root (a symlink in the image cannot send
 * the mount to the host). Opening any node still needs the device filter
 * (cgroup v1 devices list, v2 eBPF program) to allow its MAJ:MIN. The
 * console is a bind of the container's own pty, inside its devpts. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs-util.h"

void
rootfs_dev_clone(const struct shim_config *c, int error_fd)
{
	for (size_t i = 0; i < c->n_devices; i++) {
		struct shim_device *d = &c->devices[i];
		struct stat st;
		int fd = (int)syscall(SYS_open_tree, AT_FDCWD, d->host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

		if (fd < 0)
			proc_die(error_fd, errno, 125, "--device %s", d->host);
		if (fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
			close(fd);
			proc_die(error_fd, ENODEV, 125, "--device %s: not a device node", d->host);
		}
		d->tree_fd = fd;
	}
}

/* A file to mount on at path (made, with its parents, when missing). */
static int
mount_point(const char *path)
{
	char dir[4096];
	struct stat st;
	int fd, r;

	if (lstat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? -EISDIR : 0;
	snprintf(dir, sizeof(dir), "%s", path);
	r = fs_mkdir_p(dirname(dir), 0755);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void
rootfs_dev_attach(const struct shim_config *c, int error_fd)
{
	for (size_t i = 0; i < c->n_devices; i++) {
		struct shim_device *d = &c->devices[i];
		int r = mount_point(d->path);

		if (r < 0)
			proc_die(error_fd, -r, 125, "--device %s: create %s", d->host, d->path);
		if (syscall(SYS_move_mount, d->tree_fd, "", AT_FDCWD, d->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			proc_die(error_fd, errno, 125, "--device %s: mount on %s", d->host, d->path);
		close(d->tree_fd);
		d->tree_fd = -1;
	}
}

/* /dev/console is the container's terminal, as in Docker and runc: a bind
 * of /dev/pts/N (never the host's console). */
void
rootfs_dev_console(int pts, int error_fd)
{
	char path[64];
	int r = mount_point("/dev/console");

	snprintf(path, sizeof(path), "/dev/pts/%d", pts);
	if (r < 0 || mount(path, "/dev/console", NULL, MS_BIND, NULL) < 0)
		proc_die(error_fd, r < 0 ? -r : errno, 125, "bind %s on /dev/console", path);
}
