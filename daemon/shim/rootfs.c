/* Container side of the shim, run as the new init before execve.
 *
 * Safety invariants: this code runs as host root in fresh mount, PID, UTS,
 * IPC and network namespaces. Every mount is made below the container's
 * rootfs after "/" became MS_PRIVATE recursively, so nothing propagates to
 * the host; pivot_root then detaches the host's tree. It takes only the
 * validated shim_config. Failures are reported over error_fd, never ignored. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
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

static void
make_dev_nodes(const char *rootfs, int error_fd)
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
 * container, bound over the image's (a symlink the image planted there is
 * replaced in the container's upper layer, never followed). */
static void
bind_etc_files(const struct shim_config *c, int error_fd)
{
	char path[4096];
	struct stat st;
	int fd;

	for (char **p = c->etc_files; p && p[0] && p[1]; p += 2) {
		snprintf(path, sizeof(path), "%s/etc", c->rootfs);
		if (ensure_dir(path, 0755) < 0)
			proc_die(error_fd, errno, 125, "create /etc");
		snprintf(path, sizeof(path), "%s%s", c->rootfs, p[0]);
		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && unlink(path) < 0)
			proc_die(error_fd, errno, 125, "replace %s", p[0]);
		fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			proc_die(error_fd, errno, 125, "create %s", p[0]);
		close(fd);
		if (mount(p[1], path, NULL, MS_BIND, NULL) < 0)
			proc_die(error_fd, errno, 125, "bind %s", p[0]);
	}
}

static void
mount_rootfs(const struct shim_config *c, int error_fd)
{
	char *opts = NULL;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		proc_die(error_fd, errno, 125, "make / private");
	if (asprintf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", c->lowerdir, c->upperdir, c->workdir) < 0)
		proc_die(error_fd, ENOMEM, 125, "overlay options");
	if (mount("overlay", c->rootfs, "overlay", 0, opts) < 0)
		proc_die(error_fd, errno, 125, "mount overlay rootfs");
	free(opts);
	mount_api_fs(c->rootfs, c->shm_size, error_fd);
	make_dev_nodes(c->rootfs, error_fd);
	bind_etc_files(c, error_fd);
}

static void
pivot_into(const char *rootfs, int error_fd)
{
	if (chdir(rootfs) < 0)
		proc_die(error_fd, errno, 125, "chdir rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		proc_die(error_fd, errno, 125, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		proc_die(error_fd, errno, 125, "detach the host's root");
	if (chdir("/") < 0)
		proc_die(error_fd, errno, 125, "chdir /");
}

static void
join_cgroups(const struct shim_config *c, int error_fd)
{
	for (char **p = c->cgroup_procs; p && *p; p++) {
		int r = fs_write_string(*p, "0");
		if (r < 0)
			proc_die(error_fd, -r, 125, "join cgroup %s", *p);
	}
}

/* --ulimit and --oom-score-adj, while init still has every capability. */
static void
set_limits(const struct shim_config *c, int error_fd)
{
	char score[16];
	int r;

	for (size_t i = 0; i < c->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = c->rlimits[i].soft, .rlim_max = c->rlimits[i].hard }, cur;

		if (setrlimit(c->rlimits[i].resource, &rl) == 0)
			continue;
		getrlimit(c->rlimits[i].resource, &cur);
		proc_die(error_fd, errno, 125, "--ulimit %llu:%llu (the engine's own hard limit is %llu)",
			 c->rlimits[i].soft, c->rlimits[i].hard, (unsigned long long)cur.rlim_max);
	}
	if (!c->set_oom_score)
		return;
	snprintf(score, sizeof(score), "%d", c->oom_score_adj);
	r = fs_write_string("/proc/self/oom_score_adj", score);
	if (r < 0)
		proc_die(error_fd, -r, 125, "--oom-score-adj %d", c->oom_score_adj);
}

/* Tell the shim that set-up worked, then block until it says "start".
 * Returns the pts number of the terminal the shim opened, or -1. */
static int
wait_for_start(int start_fd, int error_fd)
{
	struct spawn_error ready = { .err = 0, .exit_code = 0, .msg = "ready" };
	struct start_msg msg;
	ssize_t n;

	if (write(error_fd, &ready, sizeof(ready)) != sizeof(ready))
		_exit(125);
	do
		n = read(start_fd, &msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(msg))
		_exit(125); /* the shim went away before starting us */
	close(start_fd);
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

/* --init's PID 1, lite-init, lives next to the shim (a build tree, or
 * libexecdir), else in LITE_LIBEXECDIR, as the daemon finds the shim. */
static int
open_lite_init(void)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd;

	if (n > 0) {
		self[n] = '\0';
		snprintf(path, sizeof(path), "%s/lite-init", dirname(self));
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	return open(LITE_LIBEXECDIR "/lite-init", O_RDONLY | O_CLOEXEC);
}

void
rootfs_setup_and_exec(const struct shim_config *c, int start_fd, int error_fd)
{
	/* --init executes the static lite-init as PID 1: open it while the
	 * host's file system is still reachable */
	int pts, init_fd = c->init ? open_lite_init() : -1;
	struct proc_user user;

	if (c->init && init_fd < 0)
		proc_die(error_fd, errno, 125, "--init: open lite-init");
	join_cgroups(c, error_fd);
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		proc_die(error_fd, errno, 125, "set hostname");
	mount_rootfs(c, error_fd);
	rootfs_mounts_clone(c, error_fd);
	rootfs_dev_clone(c, error_fd);
	pivot_into(c->rootfs, error_fd);
	rootfs_mounts_attach(c, error_fd);
	rootfs_dev_attach(c, error_fd);
	if (c->cwd && *c->cwd && (fs_mkdir_p(c->cwd, 0755) < 0 || chdir(c->cwd) < 0))
		proc_die(error_fd, errno, 125, "working dir %s", c->cwd);
	if (c->read_only && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		proc_die(error_fd, errno, 125, "make the root file system read-only");
	set_limits(c, error_fd);
	proc_setup_resolve_user(c->user, &user, error_fd); /* an unknown user fails the run, not the start */
	pts = wait_for_start(start_fd, error_fd);
	if (pts >= 0)
		attach_tty(pts, error_fd);
	proc_setup_drop_caps(error_fd); /* keeps SETUID/SETGID for the switch */
	proc_setup_apply_user(&user, error_fd);
	if (c->init)
		proc_setup_exec_init(init_fd, c->cmd, c->env, error_fd);
	proc_exec(c->cmd, c->env, error_fd);
}
