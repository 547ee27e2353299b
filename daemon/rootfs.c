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
#include <linux/capability.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs-util.h"

extern char **environ;

static void __attribute__((noreturn, format(printf, 4, 5)))
die(int error_fd, int err, int exit_code, const char *fmt, ...)
{
	struct spawn_error e = { .err = err, .exit_code = exit_code };
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	n = strlen(e.msg);
	if (err && n + 3 < sizeof(e.msg))
		snprintf(e.msg + n, sizeof(e.msg) - n, ": %s", strerror(err));
	(void)!write(error_fd, &e, sizeof(e));
	_exit(exit_code);
}

/* mkdir below the rootfs, refusing to follow a symlink the image planted. */
static int
ensure_dir(const char *path, mode_t mode)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	return mkdir_p(path, mode);
}

struct mnt {
	const char *src, *target, *type;
	unsigned long flags;
	const char *data;
};

static void
mount_api_fs(const char *rootfs, int error_fd)
{
	static const struct mnt mnts[] = {
		{ "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL },
		{ "tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k" },
		{ "devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5" },
		{ "shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k" },
		{ "mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	};
	char path[4096];

	for (size_t i = 0; i < sizeof(mnts) / sizeof(mnts[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", rootfs, mnts[i].target);
		if (ensure_dir(path, 0755) < 0)
			die(error_fd, errno, 125, "create mount point /%s", mnts[i].target);
		if (mount(mnts[i].src, path, mnts[i].type, mnts[i].flags, mnts[i].data) < 0)
			die(error_fd, errno, 125, "mount %s on /%s", mnts[i].type, mnts[i].target);
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
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" }, { "core", "/proc/kcore" },
	};
	char path[4096];

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(path, sizeof(path), "%s/dev/%s", rootfs, nodes[i].name);
		if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
			die(error_fd, errno, 125, "mknod /dev/%s", nodes[i].name);
		chmod(path, 0666); /* mknod honours the umask */
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/dev/%s", rootfs, links[i].name);
		if (symlink(links[i].target, path) < 0)
			die(error_fd, errno, 125, "symlink /dev/%s", links[i].name);
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
			die(error_fd, errno, 125, "create /etc");
		snprintf(path, sizeof(path), "%s%s", c->rootfs, p[0]);
		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && unlink(path) < 0)
			die(error_fd, errno, 125, "replace %s", p[0]);
		fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			die(error_fd, errno, 125, "create %s", p[0]);
		close(fd);
		if (mount(p[1], path, NULL, MS_BIND, NULL) < 0)
			die(error_fd, errno, 125, "bind %s", p[0]);
	}
}

static void
mount_rootfs(const struct shim_config *c, int error_fd)
{
	char *opts = NULL;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die(error_fd, errno, 125, "make / private");
	if (asprintf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", c->lowerdir, c->upperdir, c->workdir) < 0)
		die(error_fd, ENOMEM, 125, "overlay options");
	if (mount("overlay", c->rootfs, "overlay", 0, opts) < 0)
		die(error_fd, errno, 125, "mount overlay rootfs");
	free(opts);
	mount_api_fs(c->rootfs, error_fd);
	make_dev_nodes(c->rootfs, error_fd);
	bind_etc_files(c, error_fd);
}

static void
pivot_into(const char *rootfs, int error_fd)
{
	if (chdir(rootfs) < 0)
		die(error_fd, errno, 125, "chdir rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die(error_fd, errno, 125, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die(error_fd, errno, 125, "detach the host's root");
	if (chdir("/") < 0)
		die(error_fd, errno, 125, "chdir /");
}

/* Docker's default capability set: everything else leaves the bounding set. */
static void
drop_capabilities(int error_fd)
{
	static const int keep[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
		CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
		CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
	};
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	for (int cap = 0; cap <= 63; cap++) {
		bool kept = false;
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			kept = kept || keep[i] == cap;
		if (!kept && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			die(error_fd, errno, 125, "drop capability %d", cap);
		if (kept) {
			data[cap / 32].effective |= 1U << (cap % 32);
			data[cap / 32].permitted |= 1U << (cap % 32);
			data[cap / 32].inheritable |= 1U << (cap % 32);
		}
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		die(error_fd, errno, 125, "set capabilities");
}

static void
join_cgroups(const struct shim_config *c, int error_fd)
{
	for (char **p = c->cgroup_procs; p && *p; p++) {
		int r = write_string(*p, "0");
		if (r < 0)
			die(error_fd, -r, 125, "join cgroup %s", *p);
	}
}

/* Tell the shim that set-up worked, then block until it says "start". */
static void
wait_for_start(int start_fd, int error_fd)
{
	struct spawn_error ready = { .err = 0, .exit_code = 0, .msg = "ready" };
	char b;
	ssize_t n;

	if (write(error_fd, &ready, sizeof(ready)) != sizeof(ready))
		_exit(125);

	do
		n = read(start_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(125); /* the shim went away before starting us */
	close(start_fd);
}

void
rootfs_setup_and_exec(const struct shim_config *c, int start_fd, int error_fd)
{
	join_cgroups(c, error_fd);
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		die(error_fd, errno, 125, "set hostname");
	mount_rootfs(c, error_fd);
	pivot_into(c->rootfs, error_fd);
	if (c->cwd && chdir(c->cwd) < 0)
		die(error_fd, errno, 125, "chdir to working dir %s", c->cwd);
	drop_capabilities(error_fd);
	wait_for_start(start_fd, error_fd);

	environ = c->env;
	execvp(c->cmd[0], c->cmd);
	if (errno == ENOENT)
		die(error_fd, 0, 127, "exec: \"%s\": executable file not found in $PATH", c->cmd[0]);
	if (errno == EACCES || errno == EPERM || errno == ENOEXEC || errno == EISDIR)
		die(error_fd, 0, 126, "exec: \"%s\": permission denied", c->cmd[0]);
	die(error_fd, errno, 126, "exec \"%s\"", c->cmd[0]);
}
