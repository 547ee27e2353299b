/* The container's view of the kernel, narrowed (Docker's defaults): a
 * cgroup namespace whose hierarchies are mounted read-only, masked paths
 * (/dev/null over files, an empty read-only tmpfs over directories) and
 * read-only paths under /proc and /sys. The lists come from the engine
 * (empty with --privileged); a path this kernel lacks is skipped.
 *
 * Safety invariants: runs in the container's init, in its own mount
 * namespace whose "/" is MS_PRIVATE: the cgroup mounts below the new root
 * before pivot_root (targets are under the fresh sysfs mount, never an
 * image path), the masks after it, on the container's own /proc and /sys.
 * Nothing here touches the host's mounts. Every failure but ENOENT is
 * reported over error_fd. */
#include "shim.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

void
rootfs_harden_cgroupns(const struct shim_config *c, int error_fd)
{
	/* after joining the cgroups: the namespace is rooted at the container's */
	if (c->cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		proc_die(error_fd, errno, 125, "new cgroup namespace");
}

/* "DIR:OPTIONS" (v1) or "cgroup2" at rootfs/sys/fs/cgroup[/DIR]. */
static void
mount_hierarchy(const char *base, const char *entry, unsigned long ro, int error_fd)
{
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | ro;
	const char *colon = strchr(entry, ':');
	char path[4096];

	if (strcmp(entry, "cgroup2") == 0) {
		if (mount("cgroup2", base, "cgroup2", flags, NULL) < 0)
			proc_die(error_fd, errno, 125, "mount cgroup2 on /sys/fs/cgroup");
		return;
	}
	if (!colon || colon == entry || strchr(entry, '/') ||
	    (size_t)snprintf(path, sizeof(path), "%s/%.*s", base, (int)(colon - entry), entry) >= sizeof(path))
		proc_die(error_fd, 0, 125, "malformed cgroup mount \"%s\"", entry);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		proc_die(error_fd, errno, 125, "create /sys/fs/cgroup/%.*s", (int)(colon - entry), entry);
	if (mount("cgroup", path, "cgroup", flags, colon + 1) < 0)
		proc_die(error_fd, errno, 125, "mount cgroup %s", colon + 1);
}

void
rootfs_harden_cgroup_mounts(const struct shim_config *c, const char *rootfs, int error_fd)
{
	unsigned long ro = c->sys_rw ? 0 : MS_RDONLY;
	char base[4096];
	bool v1;

	if (!c->cgroupns || !c->cgroup_mounts || !c->cgroup_mounts[0])
		return;
	snprintf(base, sizeof(base), "%s/sys/fs/cgroup", rootfs);
	v1 = strcmp(c->cgroup_mounts[0], "cgroup2") != 0;
	if (v1 && mount("tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=64k") < 0)
		proc_die(error_fd, errno, 125, "mount tmpfs on /sys/fs/cgroup");
	for (char **p = c->cgroup_mounts; *p; p++)
		mount_hierarchy(base, *p, ro, error_fd);
	if (v1 && mount(NULL, base, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		proc_die(error_fd, errno, 125, "make /sys/fs/cgroup read-only");
}

static void
mask_path(const char *p, int error_fd)
{
	struct stat st;
	int r;

	if (lstat(p, &st) < 0) {
		if (errno == ENOENT)
			return;
		proc_die(error_fd, errno, 125, "mask %s", p);
	}
	if (S_ISDIR(st.st_mode))
		r = mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=555");
	else
		r = mount("/dev/null", p, NULL, MS_BIND, NULL);
	if (r < 0)
		proc_die(error_fd, errno, 125, "mask %s", p);
}

static void
readonly_path(const char *p, int error_fd)
{
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
		if (errno == ENOENT)
			return;
		proc_die(error_fd, errno, 125, "bind %s", p);
	}
	if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		proc_die(error_fd, errno, 125, "make %s read-only", p);
}

void
rootfs_harden_paths(const struct shim_config *c, int error_fd)
{
	/* --privileged: /sys writable, the superblock (the container's network
	 * namespace's own; with --net host the host's, which is rw already)
	 * and this mount */
	if (c->sys_rw && (mount(NULL, "/sys", NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
			  mount(NULL, "/sys", NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0))
		proc_die(error_fd, errno, 125, "make /sys writable");
	for (char **p = c->readonly_paths; p && *p; p++)
		readonly_path(*p, error_fd);
	for (char **p = c->masked_paths; p && *p; p++)
		mask_path(*p, error_fd);
}
