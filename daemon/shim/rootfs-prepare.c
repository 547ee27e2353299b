/* The shim's (host root's) half of building a container's root file system,
 * issue 11's order of operations (plan §3, shim steps 2-7):
 *
 *   before clone3   rootfs_prepare_sources: every host-side source as a
 *                   detached mount fd (binds and volumes, /etc files, and
 *                   for a user namespace the host's /dev nodes) and
 *                   lite-init; the child inherits them
 *   after clone3    rootfs_prepare_child: uid/gid maps, cgroups, rlimits
 *                   and OOM score on the child's pid, the overlay as one
 *                   detached mount (idmapped lowers with a user namespace),
 *                   the mount point inside the child's mount namespace;
 *                   both fds go to the child over a socket ("go")
 *
 * Safety invariants: the child never resolves a host path after clone3 (in
 * a user namespace it could not, and must not) — one exception, root's
 * --device nodes, which init clones by path before pivot_root
 * (rootfs-dev.c) and which a non-root caller can never ask for; the layers are shared
 * read-only and mapped per mount, never chowned or copied; a mount made
 * here is detached until the child attaches it inside its own namespace, so
 * nothing lands in the host's tree. Every failure is reported, and the
 * child then dies: there is no fallback to a container without the user
 * namespace it asked for. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "fs-util.h"

#define ERR(...) ((void)snprintf(errbuf, errlen, __VA_ARGS__), -1)

static const char *const host_dev_nodes[ROOTFS_DEV_NODES] = {
	"null", "zero", "full", "random", "urandom", "tty",
};

const char *
rootfs_prepare_dev_name(size_t i)
{
	return host_dev_nodes[i];
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

static int
clone_path(const char *path)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void
rootfs_prepare_sources_close(struct rootfs_fds *f)
{
	int *all[] = { &f->init_fd, &f->overlay_fd, &f->mountpoint_fd };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (*all[i] >= 0) {
			close(*all[i]);
			*all[i] = -1;
		}
	for (size_t i = 0; i < ROOTFS_ETC_FILES; i++)
		if (f->etc_fds[i] >= 0)
			close(f->etc_fds[i]), f->etc_fds[i] = -1;
	for (size_t i = 0; i < ROOTFS_DEV_NODES; i++)
		if (f->dev_fds[i] >= 0)
			close(f->dev_fds[i]), f->dev_fds[i] = -1;
}

/* Step 2 of §3: host-side sources, before clone3. */
int
rootfs_prepare_sources(const struct shim_config *c, struct rootfs_fds *f, char *errbuf, size_t errlen)
{
	char path[64];
	size_t i = 0;

	memset(f, -1, sizeof(*f));
	if (c->init && (f->init_fd = open_lite_init()) < 0)
		return ERR("--init: open lite-init: %s", strerror(errno));
	for (char **p = c->etc_files; p && p[0] && p[1]; p += 2, i++) {
		if (i >= ROOTFS_ETC_FILES)
			return ERR("too many /etc files");
		if ((f->etc_fds[i] = clone_path(p[1])) < 0)
			return ERR("bind %s: %s", p[0], strerror(-f->etc_fds[i]));
	}
	for (i = 0; c->userns.size && i < ROOTFS_DEV_NODES; i++) {
		/* a user namespace cannot mknod (K5): the host's nodes, bound */
		snprintf(path, sizeof(path), "/dev/%s", host_dev_nodes[i]);
		if ((f->dev_fds[i] = clone_path(path)) < 0)
			return ERR("bind %s: %s", path, strerror(-f->dev_fds[i]));
	}
	return rootfs_mounts_clone(c, errbuf, errlen);
}

static int
write_map(pid_t pid, const char *file, unsigned base, unsigned size)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	snprintf(map, sizeof(map), "0 %u %u\n", base, size);
	return fs_write_string(path, map);
}

/* Steps 4-5: maps, then what only host root can do to the child's pid
 * (a process in a user namespace could neither join the cgroups nor lower
 * its OOM score nor raise a hard rlimit). */
static int
set_up_pid(const struct shim_config *c, pid_t pid, bool in_cgroups, char *errbuf, size_t errlen)
{
	char path[64], val[16];
	int r;

	if (c->userns.size && ((r = write_map(pid, "uid_map", c->userns.uid_base, c->userns.size)) < 0 ||
			       (r = write_map(pid, "gid_map", c->userns.gid_base, c->userns.size)) < 0))
		return ERR("write the user namespace's id maps: %s", strerror(-r));
	snprintf(val, sizeof(val), "%d", (int)pid);
	for (char **p = c->cgroup_procs; !in_cgroups && p && *p; p++) /* else cgroup-join.c did it */
		if ((r = fs_write_string(*p, val)) < 0)
			return ERR("join cgroup %s: %s", *p, strerror(-r));
	for (size_t i = 0; i < c->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = c->rlimits[i].soft, .rlim_max = c->rlimits[i].hard };

		if (prlimit(pid, c->rlimits[i].resource, &rl, NULL) < 0)
			return ERR("--ulimit %llu:%llu: %s", c->rlimits[i].soft, c->rlimits[i].hard, strerror(errno));
	}
	if (!c->set_oom_score)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	snprintf(val, sizeof(val), "%d", c->oom_score_adj);
	r = fs_write_string(path, val);
	return r < 0 ? ERR("--oom-score-adj %d: %s", c->oom_score_adj, strerror(-r)) : 0;
}

/* One lower layer as an fd: with a user namespace a detached clone
 * idmapped into it (K1), else an O_PATH fd of the directory. The fd must
 * stay open until the overlay is created: closing a clone dissolves its
 * anonymous mount namespace, and overlay can then no longer clone it. */
static int
lower_fd(const char *layer, int userns_fd)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd };
	int t, e;

	if (userns_fd < 0)
		return open(layer, O_PATH | O_DIRECTORY | O_CLOEXEC);
	t = (int)syscall(SYS_open_tree, AT_FDCWD, layer, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (t >= 0 && syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		e = errno;
		close(t);
		errno = e;
		return -1;
	}
	return t;
}

static void
close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* The kernel's own words on a failed overlay, when it has some. */
static int
overlay_error(int fs, int err, char *errbuf, size_t errlen)
{
	char why[256];
	ssize_t n = read(fs, why, sizeof(why) - 1);

	if (n > 0) {
		why[n] = '\0';
		why[strcspn(why, "\n")] = '\0';
		return ERR("mount overlay rootfs: %s (%s)", strerror(err), why);
	}
	return ERR("mount overlay rootfs: %s", strerror(err));
}

/* The layers' fds, top first; *ret_n of them. NULL with errbuf set. */
static int *
open_lowers(const struct shim_config *c, int userns_fd, size_t *ret_n, char *errbuf, size_t errlen)
{
	char *layers = strdup(c->lowerdir), *save = NULL;
	int *fds = calloc(strlen(c->lowerdir) / 2 + 2, sizeof(int)); /* at most one per "x:" */
	size_t n = 0;

	if (!layers || !fds) {
		free(layers);
		free(fds);
		(void)ERR("overlay layers: %s", strerror(ENOMEM));
		return NULL;
	}
	for (char *l = strtok_r(layers, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
		if ((fds[n++] = lower_fd(l, userns_fd)) < 0) {
			(void)ERR("layer %s%s: %s", l, userns_fd >= 0 ? " (idmapped)" : "", strerror(errno));
			close_all(fds, n);
			free(layers);
			return NULL;
		}
	}
	free(layers);
	*ret_n = n;
	return fds;
}

/* Linux 6.8 and later: one "lowerdir+" per layer (no length limit). Before
 * 6.8 the key is unknown, and the old option parser takes one "lowerdir" of
 * at most a page: /proc/self/fd/N paths keep it short, and reach detached
 * clones too. */
static int
set_lowers(int fs, const int *fds, size_t n, bool legacy)
{
	char *opt, *p;
	int r = 0;

	if (!legacy) {
		for (size_t i = 0; i < n && r == 0; i++)
			if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "lowerdir+", NULL, fds[i]) < 0)
				r = -errno;
		return r;
	}
	if (!(opt = p = malloc(n * 32 + 1)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s/proc/self/fd/%d", i ? ":" : "", fds[i]);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", opt, 0) < 0)
		r = -errno;
	free(opt);
	return r;
}

static int
try_overlay(const struct shim_config *c, const int *fds, size_t n, bool legacy, char *errbuf, size_t errlen)
{
	int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC), m = -1, r;

	if (fs < 0)
		return ERR("overlay file system: %s", strerror(errno));
	r = set_lowers(fs, fds, n, legacy);
	if (r < 0)
		errno = -r;
	if (r < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", c->upperdir, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", c->workdir, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0) {
		r = errno;
		m = overlay_error(fs, r, errbuf, errlen);
	}
	close(fs);
	if (m < 0)
		errno = r; /* the caller retries on EINVAL */
	return m;
}

/* Before Linux 6.15 overlay takes a lower layer only from the caller's own
 * mount namespace, never a detached one: the idmapped clones are attached
 * first, in a private mount namespace of this shim (so nothing reaches the
 * host's tree), on empty directories beside the container's upper dir. Their
 * /proc/self/fd/N paths then lead there. */
static int
attach_lowers(const struct shim_config *c, const int *fds, size_t n, char *errbuf, size_t errlen)
{
	char dir[PATH_MAX], mp[PATH_MAX + 16];

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return ERR("a private mount namespace for the layers: %s", strerror(errno));
	snprintf(dir, sizeof(dir), "%s/../lowers", c->upperdir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ERR("create %s: %s", dir, strerror(errno));
	for (size_t i = 0; i < n; i++) {
		snprintf(mp, sizeof(mp), "%s/%zu", dir, i);
		if ((mkdir(mp, 0700) < 0 && errno != EEXIST) ||
		    syscall(SYS_move_mount, fds[i], "", AT_FDCWD, mp, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return ERR("attach layer %zu (idmapped): %s", i, strerror(errno));
	}
	return 0;
}

/* Step 6: the overlay as a detached mount; layers top first. A kernel
 * without "lowerdir+" given as an fd (before 6.8, Debian 12's 6.1) refuses
 * it, with EINVAL or EOPNOTSUPP, at the latest when the overlay is created:
 * then once more the old way. */
static int
make_overlay(const struct shim_config *c, int userns_fd, char *errbuf, size_t errlen)
{
	size_t n = 0;
	int *fds = open_lowers(c, userns_fd, &n, errbuf, errlen), m;

	if (!fds)
		return -1;
	m = try_overlay(c, fds, n, false, errbuf, errlen);
	if (m < 0 && (errno == EINVAL || errno == EOPNOTSUPP)) {
		m = userns_fd >= 0 ? attach_lowers(c, fds, n, errbuf, errlen) : 0;
		if (m == 0)
			m = try_overlay(c, fds, n, true, errbuf, errlen);
	}
	close_all(fds, n);
	return m;
}

static int
send_fds(int sock, const int *fds, size_t n)
{
	char byte = 'g', buf[CMSG_SPACE(sizeof(int) * 2)] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Steps 4-7 of §3, run by the shim once the child exists. */
int
rootfs_prepare_child(const struct shim_config *c, pid_t pid, int sock, bool in_cgroups, char *errbuf, size_t errlen)
{
	char path[PATH_MAX + 32];
	int userns_fd = -1, fds[2] = { -1, -1 }, r = -1;

	if (set_up_pid(c, pid, in_cgroups, errbuf, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (c->userns.size && (userns_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ERR("open the container's user namespace: %s", strerror(errno));
	fds[0] = make_overlay(c, userns_fd, errbuf, errlen);
	/* the mount point must be the child's (K3) */
	snprintf(path, sizeof(path), "/proc/%d/root%s", (int)pid, c->rootfs);
	if (fds[0] >= 0 && (fds[1] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		(void)ERR("open %s: %s", c->rootfs, strerror(errno));
	if (fds[1] >= 0 && (r = send_fds(sock, fds, 2)) < 0)
		(void)ERR("hand the root file system to the container: %s", strerror(-r));
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (userns_fd >= 0)
		close(userns_fd);
	return r < 0 ? -1 : 0;
}

/* Child side of the hand-off: blocks until the shim says "go". */
int
rootfs_prepare_receive(int sock, struct rootfs_fds *f)
{
	char byte, buf[CMSG_SPACE(sizeof(int) * 2)];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf) };
	struct cmsghdr *cm;
	int fds[2];
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	cm = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(fds)))
		return -EPROTO;
	memcpy(fds, CMSG_DATA(cm), sizeof(fds));
	f->overlay_fd = fds[0];
	f->mountpoint_fd = fds[1];
	close(sock);
	return 0;
}
