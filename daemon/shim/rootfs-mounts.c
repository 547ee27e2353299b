/* The container's own mounts: binds of host paths and volumes, tmpfs.
 *
 * Safety invariants: a bind's source is cloned (open_tree) by the shim
 * before clone3 (the child inherits the fd), made private (and read-only if asked) on the
 * detached copy, and attached only after pivot_root, so its target is
 * resolved inside the container's root: a symlink planted in the image
 * cannot point a mount at the host. Nothing propagates either way. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "copy-tree.h"
#include "fs-util.h"

/* fd: a clone already made (caller_open_tree), else -1 to clone source. */
static int
clone_tree(const char *source, int fd, bool readonly)
{
	struct mount_attr attr = { .propagation = MS_PRIVATE, .attr_set = readonly ? MOUNT_ATTR_RDONLY : 0 };

	if (fd < 0)
		fd = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int
rootfs_mounts_clone(const struct shim_config *c, char *errbuf, size_t errlen)
{
	for (size_t i = 0; i < c->n_mounts; i++) {
		struct shim_mount *m = &c->mounts[i];
		struct stat st;

		if (m->tmpfs)
			continue;
		if (m->caller_check) {
			int fd = caller_open_tree(c, m, errbuf, errlen);

			if (fd < 0)
				return -1;
			m->tree_fd = clone_tree(m->source, fd, m->readonly);
			if (m->tree_fd < 0) {
				snprintf(errbuf, errlen, "clone mount %s: %s", m->source, strerror(-m->tree_fd));
				return -1;
			}
			continue;
		}
		if (stat(m->source, &st) < 0) {
			snprintf(errbuf, errlen, "bind source %s: %s", m->source, strerror(errno));
			return -1;
		}
		m->tree_fd = clone_tree(m->source, -1, m->readonly);
		if (m->tree_fd < 0) {
			snprintf(errbuf, errlen, "clone mount %s: %s", m->source, strerror(-m->tree_fd));
			return -1;
		}
	}
	return 0;
}

/* A volume used for the first time starts with the image's files there. */
static void
copy_up(struct shim_mount *m, int error_fd)
{
	int src = open(m->target, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (src < 0)
		return; /* nothing in the image at that path */
	r = copy_tree_fill_empty(src, m->tree_fd);
	if (r < 0)
		proc_die(error_fd, -r, 125, "copy the image's %s into its volume", m->target);
}

/* Attach every mount at its target, resolved inside the container. */
void
rootfs_mounts_attach(const struct shim_config *c, int error_fd)
{
	for (size_t i = 0; i < c->n_mounts; i++) {
		struct shim_mount *m = &c->mounts[i];
		struct stat st;
		int r;

		/* a file bind needs a file to land on; everything else a dir */
		if (!m->tmpfs && fstat(m->tree_fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
			int fd = open(m->target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);
		} else if ((r = fs_mkdir_p(m->target, 0755)) < 0) {
			proc_die(error_fd, -r, 125, "create mount point %s", m->target);
		}
		if (m->tmpfs) {
			unsigned long flags = MS_NOSUID | MS_NODEV | (m->readonly ? MS_RDONLY : 0);
			if (mount("tmpfs", m->target, "tmpfs", flags, m->options && *m->options ? m->options : NULL) < 0)
				proc_die(error_fd, errno, 125, "mount tmpfs on %s", m->target);
			continue;
		}
		if (m->copy_up)
			copy_up(m, error_fd);
		if (syscall(SYS_move_mount, m->tree_fd, "", AT_FDCWD, m->target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			proc_die(error_fd, errno, 125, "mount %s on %s", m->source, m->target);
		close(m->tree_fd);
		m->tree_fd = -1;
	}
}
