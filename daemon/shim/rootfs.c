/* Container side of the shim, run as the new init before execve: the
 * container steps of issue 11's order of operations (plan §3), marked
 * "STEP n" below; other parts add their calls at the marked step.
 *
 * Safety invariants: this code runs as host root in fresh mount, PID, UTS,
 * IPC and network namespaces, or (issue 11) as root of a new user
 * namespace whose ids map to an unprivileged host range. It never resolves
 * a host path: every host source arrives as a detached mount fd from the
 * shim (rootfs-prepare.c), the root file system included, attached only
 * inside this mount namespace after "/" became MS_PRIVATE recursively, so
 * nothing propagates to the host; pivot_root then detaches the host's
 * tree. It takes only the validated shim_config. Failures are reported
 * over error_fd, never ignored. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs-util.h"

/* mkdir below the rootfs, refusing to follow a symlink the image planted. */
static int
ensure_dir(const char *path, mode_t mode)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	return fs_mkdir_p(path, mode);
}

struct mnt {
	const char *src, *target, *type;
	unsigned long flags;
	const char *data;
};

static void
mount_api_fs(const char *rootfs, const char *shm_size, int error_fd)
{
	char shm_opts[96];
	const struct mnt mnts[] = {
		{ "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL },
		{ "tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k" },
		{ "devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5" },
		{ "shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm_opts },
		{ "mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	};
	char path[4096];

	snprintf(shm_opts, sizeof(shm_opts), "mode=1777,size=%s", shm_size ? shm_size : "64m");
	for (size_t i = 0; i < sizeof(mnts) / sizeof(mnts[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", rootfs, mnts[i].target);
		if (ensure_dir(path, 0755) < 0)
			proc_die(error_fd, errno, 125, "create mount point /%s", mnts[i].target);
		if (mount(mnts[i].src, path, mnts[i].type, mnts[i].flags, mnts[i].data) < 0)
			proc_die(error_fd, errno, 125, "mount %s on /%s", mnts[i].type, mnts[i].target);
	}
}

/* A user namespace cannot mknod (K5): the shim's clones of the host's
 * nodes land on empty files instead. */
static int
attach_node(int tree_fd, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);

	if (fd < 0)
		return -1;
	close(fd);
	return (int)syscall(SYS_move_mount, tree_fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH);
}

static void
make_dev_nodes(const char *rootfs, const struct rootfs_fds *f, int error_fd)
{
	static const struct { const char *name; unsigned maj, min; } nodes[] = {
		{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	static const struct { const char *name, *target; } links[] = {
		{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	char path[4096];

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(path, sizeof(path), "%s/dev/%s", rootfs, nodes[i].name);
		if (f->dev_fds[0] >= 0 && i < ROOTFS_DEV_NODES &&
		    strcmp(rootfs_prepare_dev_name(i), nodes[i].name) == 0) {
			if (attach_node(f->dev_fds[i], path) < 0)
				proc_die(error_fd, errno, 125, "bind the host's /dev/%s", nodes[i].name);
			continue;
		}
		if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
			proc_die(error_fd, errno, 125, "mknod /dev/%s", nodes[i].name);
		chmod(path, 0666); /* mknod honours the umask */
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/dev/%s", rootfs, links[i].name);
		if (symlink(links[i].target, path) < 0)
			proc_die(error_fd, errno, 125, "symlink /dev/%s", links[i].name);
	}
}

/* The daemon's /etc/hosts, /etc/hostname and /etc/resolv.conf of this
 * container (cloned by the shim), bound over the image's (a symlink the
 * image planted there is replaced in the container's upper layer, never
 * followed). */
static void
bind_etc_files(const struct shim_config *c, const struct rootfs_fds *f, int error_fd)
{
	char path[4096];
	struct stat st;
	size_t i = 0;
	bool exists;
	int fd;

	for (char **p = c->etc_files; p && p[0] && p[1] && i < ROOTFS_ETC_FILES; p += 2, i++) {
		if (ensure_dir("etc", 0755) < 0)
			proc_die(error_fd, errno, 125, "create /etc");
		snprintf(path, sizeof(path), ".%s", p[0]);
		exists = lstat(path, &st) == 0;
		if (exists && !S_ISREG(st.st_mode)) {
			if (unlink(path) < 0)
				proc_die(error_fd, errno, 125, "replace %s", p[0]);
			exists = false;
		}
		/* the image's file is the mount point as it is: opening it for
		 * writing would copy it up into the container's layer, a file
		 * created and written on every start */
		if (!exists) {
			fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (fd < 0)
				proc_die(error_fd, errno, 125, "create %s", p[0]);
			close(fd);
		}
		if (syscall(SYS_move_mount, f->etc_fds[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			proc_die(error_fd, errno, 125, "bind %s", p[0]);
	}
}

/* STEPS 3-5: the overlay the shim built lands on the mount point the shim
 * opened in our namespace (K3); the working directory becomes its root, and
 * everything up to pivot_root is made relative to it. */
static void
mount_rootfs(const struct shim_config *c, const struct rootfs_fds *f, int error_fd)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		proc_die(error_fd, errno, 125, "make / private");
	if (syscall(SYS_move_mount, f->overlay_fd, "", f->mountpoint_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		proc_die(error_fd, errno, 125, "attach the root file system");
	if (fchdir(f->overlay_fd) < 0)
		proc_die(error_fd, errno, 125, "chdir rootfs");
	close(f->overlay_fd);
	close(f->mountpoint_fd);
	/* STEP 5: proc and sysfs before the host's tree goes (K6) */
	mount_api_fs(".", c->shm_size, error_fd);
	rootfs_harden_cgroup_mounts(c, ".", error_fd); /* hardening: before pivot_root */
	make_dev_nodes(".", f, error_fd);
	bind_etc_files(c, f, error_fd);
}

/* STEP 6 */
static void
pivot_into(int error_fd)
{
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		proc_die(error_fd, errno, 125, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		proc_die(error_fd, errno, 125, "detach the host's root");
	if (chdir("/") < 0)
		proc_die(error_fd, errno, 125, "chdir /");
}

/* STEP 1 (user namespace): the shim has written our maps; become its root. */
static void
become_root(const struct shim_config *c, int error_fd)
{
	if (!c->userns.size)
		return;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 || setgroups(0, NULL) < 0)
		proc_die(error_fd, errno, 125, "become root of the user namespace");
}

/* The client's pipes that came with "start" (issue 14 hand-off) become
 * our stdout and stderr: the container writes to the user's pipe itself. */
static void
take_stdio(const struct start_msg *msg, const int *fds, size_t nfds)
{
	size_t k = 0;

	for (int st = 1; st <= 2; st++)
		if ((msg->stdio & (1 << (st - 1))) && k < nfds && dup2(fds[k++], st) < 0)
			_exit(125);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
}

/* Tell the shim that set-up worked, then block until it says "start".
 * Returns the pts number of the terminal the shim opened, or -1. */
static int
wait_for_start(int start_fd, int error_fd)
{
	struct spawn_error ready = { .err = 0, .exit_code = 0, .msg = "ready" };
	struct start_msg msg;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	struct iovec iov = { &msg, sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm, .msg_controllen = sizeof(cm) };
	struct cmsghdr *h;
	ssize_t n;

	if (write(error_fd, &ready, sizeof(ready)) != sizeof(ready))
		_exit(125);
	do
		n = recvmsg(start_fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(msg))
		_exit(125); /* the shim went away before starting us */
	close(start_fd);
	h = CMSG_FIRSTHDR(&mh);
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
		take_stdio(&msg, (int *)CMSG_DATA(h), (h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	return msg.pts;
}

static void
attach_tty(int pts, int error_fd)
{
	char path[64];
	int fd;

	rootfs_dev_console(pts, error_fd);
	snprintf(path, sizeof(path), "/dev/pts/%d", pts);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		proc_die(error_fd, errno, 125, "open the container's terminal %s", path);
	proc_setup_tty(fd, error_fd);
}

void
rootfs_setup_and_exec(const struct shim_config *c, struct rootfs_fds *f, int sock, int start_fd, int error_fd)
{
	struct proc_user user;
	int pts;

	/* STEP 1: the shim's "go": maps, cgroups, rlimits and OOM score are
	 * set on our pid, and our root file system arrives */
	if (rootfs_prepare_receive(sock, f) < 0)
		_exit(125); /* the shim failed and reports why */
	become_root(c, error_fd);
	/* STEP 2 */
	rootfs_harden_cgroupns(c, error_fd); /* hardening: once root in our namespaces, in our cgroups */
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		proc_die(error_fd, errno, 125, "set hostname");
	mount_rootfs(c, f, error_fd);
	rootfs_dev_clone(c, error_fd);
	pivot_into(error_fd);
	/* STEP 7: user mounts, resolved inside */
	rootfs_mounts_attach(c, error_fd);
	rootfs_dev_attach(c, error_fd);
	/* STEP 8 */
	rootfs_harden_paths(c, error_fd); /* hardening: over the container's /proc and /sys */
	if (c->cwd && *c->cwd && (fs_mkdir_p(c->cwd, 0755) < 0 || chdir(c->cwd) < 0))
		proc_die(error_fd, errno, 125, "working dir %s", c->cwd);
	if (c->read_only && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		proc_die(error_fd, errno, 125, "make the root file system read-only");
	/* STEP 9 */
	proc_setup_resolve_user(c->user, &user, error_fd); /* an unknown user fails the run, not the start */
	pts = wait_for_start(start_fd, error_fd);
	if (pts >= 0)
		attach_tty(pts, error_fd);
	/* STEPS 10-16 */
	proc_setup_privileges(c, &user, error_fd); /* hardening: the last step before execve */
	if (c->init)
		proc_setup_exec_init(f->init_fd, c->cmd, proc_setup_env(c->env, &user, c->tty), error_fd);
	proc_exec(c->cmd, proc_setup_env(c->env, &user, c->tty), error_fd);
}
