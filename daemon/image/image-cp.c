/* lite cp in lite-image: a path of a container as a tar (cp-out), or a
 * tar unpacked at a path of a container (cp-in).
 *
 * Safety: a running container is reached through its init's root,
 * /proc/PID/root opened once as a dirfd; every path below it is resolved
 * with openat2(RESOLVE_IN_ROOT) (cp-tar.c), so an absolute symlink or ".."
 * inside the container resolves inside it, never on the host. A stopped
 * container is read through a read-only overlay of its upper dir and
 * layers, mounted in a mount namespace private to this process (as
 * export), and written through a read-write one built as the shim builds
 * it, volumes and binds included (image-cp-mount.c; the daemon holds the
 * container busy meanwhile). A container in a user namespace is written
 * as its root, never as host root: its bind mounts of host paths then
 * give cp exactly what container root has there (become_ctr_root, and
 * image_cp_mount_enter for a stopped one). */
#include "image-cp-mount.h"
#include "image-ctr.h"
#include "image-internal.h"
#include "image.h"

#include "cleanup.h"
#include "cp-path.h"
#include "cp-tar.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int
open_proc_root(int pid, struct lite_err *err)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/root", pid);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lite_err_sys(err, errno, "the container's root (is it still running?)");
	return fd;
}

/* What /proc/PID/... gave us is the container's init's only if the pidfd
 * the daemon took of that init (fd LITE_PIDFD) still says it is alive: a
 * live process keeps its pid, so nothing opened before this check can
 * belong to a process that reused the pid. No pidfd: refused. */
static int
init_still_alive(struct lite_err *err)
{
	const char *s = getenv("LITE_PIDFD");
	int fd = s ? atoi(s) : -1;

	if (fd < 3)
		return lite_err_set(err, EPERM, "no pidfd of the container's init");
	if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0)
		return lite_err_set(err, ESRCH, "the container is no longer running");
	return 0;
}

/* With every host-side fd open: if the container has a user namespace of
 * its own, join it as its root (all capabilities there, none on the host),
 * with no supplementary group, and let the kernel map owners (no shift of
 * ours). Fails closed: cp never goes on as host root for such a container
 * (one with an id map whose init shares our user namespace is refused). */
static int
become_ctr_root(int pid, struct lite_err *err)
{
	struct stat ours, theirs;
	char p[64];
	_cleanup_close_ int fd = -1;

	snprintf(p, sizeof(p), "/proc/%d/ns/user", pid);
	if (stat("/proc/self/ns/user", &ours) < 0 || stat(p, &theirs) < 0)
		return lite_err_sys(err, errno, "the container's user namespace");
	if (ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev)
		return cp_tar_has_idmap() ? lite_err_set(err, EPERM, "the container's init is not in its user namespace")
					  : init_still_alive(err);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || init_still_alive(err) < 0)
		return fd < 0 ? lite_err_sys(err, errno, "the container's user namespace") : -ESRCH;
	if (setns(fd, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return lite_err_sys(err, errno, "enter the container's user namespace");
	cp_tar_set_idmap("-");
	return 0;
}

int
image_cp_out(const char *data_root, const char *ctr_id, int pid, const char *path, const char *out_path,
	     json_t **ret, struct lite_err *err)
{
	char mnt[PATH_MAX] = "", base[256];
	_cleanup_close_ int root = -1, out = -1;
	bool is_dir = false;
	int r;

	if (cp_path_base(path, base, sizeof(base)) < 0)
		return lite_err_set(err, ENAMETOOLONG, "cp: path too long");
	root = pid > 0 ? open_proc_root(pid, err) : image_ctr_mount_readonly(data_root, ctr_id, mnt, sizeof(mnt), err);
	if (root < 0)
		return lite_err_wrap(err, "cp");
	out = open(out_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (out < 0)
		r = lite_err_sys(err, errno, "open the output file");
	else if ((r = pid > 0 ? become_ctr_root(pid, err) : 0) == 0)
		r = cp_tar_write(root, path, RESOLVE_IN_ROOT, base, out, &is_dir, err);
	if (mnt[0]) {
		close(TAKE_FD(root));
		image_ctr_umount_readonly(mnt);
	}
	if (r < 0)
		return lite_err_wrap(err, "cp: in container %.12s", ctr_id);
	*ret = json_pack("{s:b,s:s}", "dir", is_dir, "name", base);
	return 0;
}

/* Docker's destination rules below root, then the tar extracted there. */
static int
extract_in(int root, int in, const char *dest, const char *name, bool is_dir, bool contents, struct lite_err *err)
{
	enum cp_dest_kind kind;
	char target[PATH_MAX];
	const char *msg;
	int r;

	r = cp_tar_dest_kind(root, dest, RESOLVE_IN_ROOT, &kind, err);
	if (r < 0)
		return r;
	if (!*name && kind == CP_DEST_MISSING) /* Docker's 404 (docker-ctr-archive.c) */
		return lite_err_set(err, ENOENT, "'%s': No such file or directory", dest);
	if (!*name && kind != CP_DEST_DIR)
		return lite_err_set(err, ENOTDIR, "'%s': destination must be a directory for an archive", dest);
	r = cp_path_target(is_dir, contents, name, dest, kind, target, sizeof(target), &msg);
	if (r < 0)
		return lite_err_set(err, -r, "'%s': %s", dest, msg ? msg : strerror(-r));
	return cp_tar_extract(root, in, NULL, 0, name, target, true, err);
}

/* A stopped container: the extraction runs in a child, as the container's
 * root in its user namespace (never as host root for such a container),
 * while this process keeps host root to take the mounts down after it. */
static int
extract_stopped(const struct image_cp_mount *m, int in, const char *dest, const char *name, bool is_dir,
		bool contents, struct lite_err *err)
{
	char buf[1024];
	int pipefd[2], code = EIO, off = 0, st = 0;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return lite_err_sys(err, errno, "pipe");
	if ((pid = fork()) == 0) {
		struct lite_err e = { 0 };
		int r = image_cp_mount_enter(m);

		close(pipefd[0]);
		if (r < 0)
			r = lite_err_sys(&e, -r, "enter the container's user namespace");
		else if (m->userns_fd >= 0)
			cp_tar_set_idmap("-"); /* the kernel maps owners now */
		if (r == 0)
			r = extract_in(m->root_fd, in, dest, name, is_dir, contents, &e);
		if (r < 0)
			dprintf(pipefd[1], "%d %s", e.code ? e.code : EIO, e.msg ? e.msg : strerror(-r));
		_exit(r < 0 ? 1 : 0);
	}
	close(pipefd[1]);
	while (pid > 0 && (n = read(pipefd[0], buf + got, sizeof(buf) - 1 - (size_t)got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (got += n) >= (ssize_t)sizeof(buf) - 1)
			break;
	}
	buf[got] = '\0';
	close(pipefd[0]);
	if (pid < 0)
		return lite_err_sys(err, errno, "fork");
	if (image_cp_mount_wait(pid, &st) < 0)
		return lite_err_set(err, ECHILD, "the copy's process was lost");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (sscanf(buf, "%d %n", &code, &off) >= 1 && off > 0)
		return lite_err_set(err, code, "%s", buf + off);
	return lite_err_set(err, EIO, "the copy died");
}

int
image_cp_in(const char *data_root, const char *ctr_id, int pid, const char *dest, const char *name, bool is_dir,
	    bool contents, const char *in_path, struct lite_err *err)
{
	_cleanup_close_ int root = -1, in = -1;
	struct image_cp_mount m;
	int r;

	in = open(in_path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return lite_err_sys(err, errno, "cp: open the upload");
	if (pid <= 0) {
		if (image_cp_mount_open(data_root, ctr_id, &m, err) < 0)
			return lite_err_wrap(err, "cp: in container %.12s", ctr_id);
		r = extract_stopped(&m, in, dest, name, is_dir, contents, err);
		image_cp_mount_close(&m);
		return r < 0 ? lite_err_wrap(err, "cp: in container %.12s", ctr_id) : 0;
	}
	root = open_proc_root(pid, err);
	if (root < 0)
		return lite_err_wrap(err, "cp");
	if (become_ctr_root(pid, err) < 0)
		return lite_err_wrap(err, "cp");
	r = extract_in(root, in, dest, name, is_dir, contents, err);
	return r < 0 ? lite_err_wrap(err, "cp: in container %.12s", ctr_id) : 0;
}
