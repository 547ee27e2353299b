/* lite cp into a stopped container (issue 16): its file system as the
 * shim would build it, but read-write for lite-image, in a mount namespace
 * private to this process: an overlay of the container's upper and work
 * dirs over its image layers (idmapped into a user namespace carrying the
 * container's id map when it has one, as rootfs-prepare.c does), with its
 * volumes and binds attached at their targets in the order and with the
 * rules of rootfs-mounts.c (read-only ones read-only, a volume's first use
 * filled from the image). A tmpfs exists only while the container runs:
 * it is not mounted (what is copied there lands in the rootfs, hidden by
 * the tmpfs once it runs).
 *
 * Safety invariants: the daemon holds the container busy for the whole job
 * (req-cp.c): it is not running and cannot start, so the overlay is never
 * mounted twice on its upper dir at once. Mount points are created by a
 * child chrooted in the container's root as the container's root (in its
 * user namespace when it has one) and resolved with RESOLVE_IN_ROOT: a
 * symlink in the image never reaches the host. A non-root creator's host
 * bind is opened with that user's credentials, as caller-open.c does for
 * the shim, so a copy can reach only what a start could mount. Everything
 * is detached by image_cp_mount_close() before the job's result is
 * written, so nothing is mounted when the daemon releases the container. */
#include "image-cp-mount.h"

#include "caller-path.h"
#include "image-ctr.h"
#include "image-internal.h"
#include "image.h"

#include "cleanup.h"
#include "copy-tree.h"
#include "fs-util.h"
#include "valid.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct cp_range {
	unsigned uid_base, gid_base, size; /* size 0: no user namespace */
};

static json_t *
read_state(const char *data_root, const char *ctr_id, struct lite_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	json_t *st = NULL;
	size_t len;
	int r;

	if (!valid_full_id(ctr_id) || strlen(ctr_id) != 64) {
		lite_err_set(err, EINVAL, "invalid container id");
		return NULL;
	}
	r = image_path(path, sizeof(path), data_root, "containers/%s/state.json", ctr_id);
	if (r == 0)
		r = fs_read_file(path, &buf, &len);
	if (r == 0 && !(st = json_loadb(buf, len, 0, NULL)))
		r = -EINVAL;
	if (r < 0)
		lite_err_sys(err, -r, "container %.12s: read state", ctr_id);
	return st;
}

static void
parse_range(json_t *run, struct cp_range *u)
{
	json_int_t uid = 0, gid = 0, size = 0;

	*u = (struct cp_range){ 0 };
	if (json_unpack(json_object_get(run, "userns"), "{s:I, s:I, s:I}", "uid_base", &uid, "gid_base", &gid, "size",
			&size) == 0 && uid > 0 && gid > 0 && size > 0 && uid <= UINT32_MAX - size &&
	    gid <= UINT32_MAX - size)
		*u = (struct cp_range){ .uid_base = (unsigned)uid, .gid_base = (unsigned)gid, .size = (unsigned)size };
}

/* A user namespace with the container's id map, owned by host root: a
 * child unshares it and waits while its maps are written; the namespace
 * outlives the child through the fd. */
static int
make_userns(const struct cp_range *u)
{
	char path[64], map[64];
	int go[2], ready[2], fd = -1, r = 0;
	char byte;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ready, O_CLOEXEC) < 0) {
		r = -errno;
		close(go[0]), close(go[1]);
		return r;
	}
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		(void)!write(ready[1], "u", 1);
		(void)!read(go[0], &byte, 1); /* the parent closes go when done */
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (pid < 0 || read(ready[0], &byte, 1) != 1)
		r = -EPERM;
	snprintf(map, sizeof(map), "0 %u %u\n", u->uid_base, u->size);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (r == 0)
		r = fs_write_string(path, map);
	snprintf(map, sizeof(map), "0 %u %u\n", u->gid_base, u->size);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	if (r == 0)
		r = fs_write_string(path, map);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (r == 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		r = -errno;
	close(go[1]);
	close(ready[0]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return r < 0 ? r : fd;
}

int
image_cp_mount_enter(const struct image_cp_mount *m)
{
	if (m->userns_fd < 0)
		return 0;
	if (setns(m->userns_fd, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 ||
	    setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* One layer for the overlay: with a user namespace a clone idmapped into
 * it, attached at DIR/lN (overlay takes a lower layer from the caller's
 * own mount namespace only, before Linux 6.15), else the directory. */
static int
lower_fd(struct image_cp_mount *m, const char *layer)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)m->userns_fd };
	char mp[PATH_MAX + 16];
	int t, r;

	if (m->userns_fd < 0) {
		t = open(layer, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return t < 0 ? -errno : t;
	}
	t = (int)syscall(SYS_open_tree, AT_FDCWD, layer, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (t < 0)
		return -errno;
	snprintf(mp, sizeof(mp), "%s/l%zu", m->dir, m->n_lowers);
	if (syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
	    (mkdir(mp, 0700) < 0 && errno != EEXIST) ||
	    syscall(SYS_move_mount, t, "", AT_FDCWD, mp, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		r = -errno;
		close(t);
		return r;
	}
	m->n_lowers++;
	return t;
}

static void
close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* "/proc/self/fd/A:/proc/self/fd/B:...": short whatever the data root. */
static char *
lowers_option(const int *fds, size_t n)
{
	char *opt = malloc(n * 32 + 1), *p = opt;

	for (size_t i = 0; opt && i < n; i++)
		p += sprintf(p, "%s/proc/self/fd/%d", i ? ":" : "", fds[i]);
	if (opt)
		*p = '\0';
	return opt;
}

/* The overlay of the container's upper and work dirs over layers (top
 * first), attached at DIR/root. */
static int
mount_overlay(struct image_cp_mount *m, char **layers, const char *upper, const char *work, struct lite_err *err)
{
	size_t n = 0, max = 0;
	_cleanup_free_ char *opt = NULL;
	char mp[PATH_MAX + 16], why[256];
	int *fds, fs = -1, mnt = -1, r = 0;
	ssize_t k;

	while (layers[max])
		max++;
	if (!(fds = calloc(max + 1, sizeof(int))))
		return lite_err_set(err, ENOMEM, "out of memory");
	for (; n < max; n++)
		if ((fds[n] = lower_fd(m, layers[n])) < 0) {
			r = lite_err_sys(err, -fds[n], "layer %s%s", layers[n], m->userns_fd >= 0 ? " (idmapped)" : "");
			close_fds(fds, n);
			return r;
		}
	opt = lowers_option(fds, n);
	fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (!opt || fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", opt, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0) {
		r = opt ? errno : ENOMEM;
		k = fs >= 0 ? read(fs, why, sizeof(why) - 1) : -1;
		why[k > 0 ? k : 0] = '\0';
		why[strcspn(why, "\n")] = '\0';
		r = lite_err_set(err, r, "mount the container's file system: %s%s%s%s", strerror(r), *why ? " (" : "",
				 why, *why ? ")" : "");
	}
	snprintf(mp, sizeof(mp), "%s/root", m->dir);
	if (r == 0 && (mkdir(mp, 0700) < 0 || syscall(SYS_move_mount, mnt, "", AT_FDCWD, mp, MOVE_MOUNT_F_EMPTY_PATH) < 0))
		r = lite_err_sys(err, errno, "mount the container's file system");
	if (fs >= 0)
		close(fs);
	if (mnt >= 0)
		close(mnt);
	close_fds(fds, n);
	if (r == 0 && (m->root_fd = open(mp, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = lite_err_sys(err, errno, "open the container's file system");
	return r;
}

/* Its upper and work dirs, as start makes them (ctr-shim.c make_dirs): a
 * container created but never started has none yet. */
static int
make_dir(const char *path, const struct cp_range *u)
{
	if (mkdir(path, 0755) == 0) {
		if (chmod(path, 0755) < 0 || (u->size && chown(path, u->uid_base, u->gid_base) < 0))
			return -errno;
	} else if (errno != EEXIST) {
		return -errno;
	}
	return 0;
}

/* A non-root creator's host path, opened as that user (caller-path.c's
 * rules: no symlink in it, files and directories only, write access for a
 * read-write bind), cloned from that very fd. In a child: the fd comes
 * back over a socket. */
static int
open_as(json_t *caller, const char *src, bool readonly)
{
	gid_t groups[64];
	size_t n = 0, i;
	json_t *g;
	uid_t uid = (uid_t)json_integer_value(json_object_get(caller, "uid"));
	gid_t gid = (gid_t)json_integer_value(json_object_get(caller, "gid"));
	int fd, r;

	json_array_foreach(json_object_get(caller, "groups"), i, g)
		if (n < 64)
			groups[n++] = (gid_t)json_integer_value(g);
	if (uid == 0 || setgroups(n, groups) < 0)
		return -EPERM;
	setfsgid(gid);
	setfsuid(uid);
	if ((unsigned)setfsuid((uid_t)-1) != uid)
		return -EPERM;
	r = caller_path_open(src, readonly, &fd);
	if (r < 0)
		return r;
	fd = (int)syscall(SYS_open_tree, fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	return fd < 0 ? -errno : fd;
}

static int
clone_as_caller(json_t *caller, const char *src, bool readonly)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	int sock[2], r = -EIO, fd = -1;
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return -errno;
	if ((pid = fork()) == 0) {
		close(sock[0]);
		r = fd = open_as(caller, src, readonly);
		if (fd >= 0) {
			r = 0;
			msg.msg_control = cbuf;
			msg.msg_controllen = sizeof(cbuf);
			cm = CMSG_FIRSTHDR(&msg);
			*cm = (struct cmsghdr){ .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS,
						.cmsg_len = CMSG_LEN(sizeof(int)) };
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		}
		_exit(sendmsg(sock[1], &msg, 0) < 0 ? 1 : 0);
	}
	close(sock[1]);
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if (pid < 0 || recvmsg(sock[0], &msg, MSG_CMSG_CLOEXEC) != sizeof(r))
		r = -EIO;
	cm = CMSG_FIRSTHDR(&msg);
	if (r == 0 && cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	else if (r == 0)
		r = -EIO;
	close(sock[0]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return r < 0 ? r : fd;
}

/* A new volume's _data, still root's and empty, becomes the container
 * root's (ctr-shim.c new_volume_chown, done there at start). */
static void
volume_chown(const char *data, const struct cp_range *u)
{
	_cleanup_close_ int fd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (u->size && fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == 0 && st.st_gid == 0 && fs_dir_is_empty(fd) == 1)
		(void)!fchown(fd, u->uid_base, u->gid_base);
}

/* In a child chrooted in the container's root, as its root: the mount
 * point (a file for a file bind), and a volume's first filling. */
static int
prepare_target(const struct image_cp_mount *m, const char *target, int tree, bool copy_up)
{
	struct stat st;
	int fd, src, r;

	if (image_cp_mount_enter(m) < 0 || fchdir(m->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return -errno;
	if (fstat(tree, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fd = open(target, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EISDIR && errno != ELOOP)
			return -errno;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if ((r = fs_mkdir_p(target, 0755)) < 0)
		return r;
	if (!copy_up || (src = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	return copy_tree_fill_empty(src, tree);
}

int
image_cp_mount_wait(pid_t pid, int *status)
{
	pid_t r;

	while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? 0 : -ECHILD;
}

static int
run_prepare(const struct image_cp_mount *m, const char *target, int tree, bool copy_up)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(-prepare_target(m, target, tree, copy_up) & 0xff);
	if (pid < 0)
		return -errno;
	if (image_cp_mount_wait(pid, &st) < 0)
		return -ECHILD;
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -EIO;
}

/* One volume or bind, at its target inside the root. */
static int
attach_mount(const struct image_cp_mount *m, json_t *mt, json_t *caller, bool as_caller, const struct cp_range *u,
	     struct lite_err *err)
{
	const char *src = json_string_value(json_object_get(mt, "source")) ?: "";
	const char *target = json_string_value(json_object_get(mt, "target")) ?: "";
	const char *volume = json_string_value(json_object_get(mt, "volume")) ?: "";
	json_t *cu = json_object_get(mt, "copy_up");
	bool ro = json_is_true(json_object_get(mt, "readonly"));
	bool copy_up = json_is_boolean(cu) ? json_is_true(cu) : *volume != '\0';
	struct mount_attr attr = { .propagation = MS_PRIVATE, .attr_set = ro ? MOUNT_ATTR_RDONLY : 0 };
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int tree = -1, at = -1;
	int r;

	if (!strcmp(json_string_value(json_object_get(mt, "type")) ?: "", "tmpfs"))
		return 0;
	as_caller = as_caller && !*volume; /* a non-root owner's host path (caller-open.c) */
	if (as_caller && !caller)
		return lite_err_set(err, EPERM, "bind source \"%s\": the caller's credentials are unknown", src);
	tree = as_caller ? clone_as_caller(caller, src, ro)
			 : (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0 && !as_caller)
		tree = -errno;
	if (tree < 0)
		return lite_err_sys(err, -tree, "mount %s on %s: its source", src, target);
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return lite_err_sys(err, errno, "mount %s on %s", src, target);
	if (copy_up)
		volume_chown(src, u);
	if ((r = run_prepare(m, target, tree, copy_up)) < 0)
		return lite_err_sys(err, -r, "create mount point %s", target);
	at = (int)syscall(SYS_openat2, m->root_fd, target, &how, sizeof(how));
	if (at < 0 || syscall(SYS_move_mount, tree, "", at, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return lite_err_sys(err, errno, "mount %s on %s", src, target);
	return 0;
}

static int
read_only_root(const struct image_cp_mount *m, struct lite_err *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	char mp[PATH_MAX + 16];

	snprintf(mp, sizeof(mp), "%s/root", m->dir);
	if (syscall(SYS_mount_setattr, AT_FDCWD, mp, 0, &attr, sizeof(attr)) < 0)
		return lite_err_sys(err, errno, "make the root file system read-only");
	return 0;
}

static int
ctr_paths(const char *data_root, const char *ctr_id, char *upper, char *work, const struct cp_range *u,
	  struct lite_err *err)
{
	int r = image_path(upper, PATH_MAX, data_root, "containers/%s/upper", ctr_id);

	if (r == 0)
		r = image_path(work, PATH_MAX, data_root, "containers/%s/work", ctr_id);
	if (r == 0 && (r = make_dir(upper, u)) == 0)
		r = make_dir(work, u);
	return r < 0 ? lite_err_sys(err, -r, "container %.12s: its upper dir", ctr_id) : 0;
}

static int
mount_all(const char *data_root, const char *ctr_id, struct image_cp_mount *m, json_t *st, struct lite_err *err)
{
	json_t *run = json_object_get(st, "run");
	bool owned = json_integer_value(json_object_get(st, "owner_uid")) != 0;
	char upper[PATH_MAX], work[PATH_MAX], **layers = NULL;
	struct image *img = NULL;
	struct cp_range u;
	json_t *mt, *caller = json_object_get(run, "caller");
	size_t i;
	int r;

	parse_range(run, &u);
	/* as a start refuses it (ctr-shim.c config_userns): never as root */
	if (owned && !u.size)
		return lite_err_set(err, EPERM, "container %.12s was created without a user namespace; remove it and "
						"run it again", ctr_id);
	r = image_ctr_load_image(data_root, ctr_id, &img, err);
	if (r == 0)
		r = image_layer_dirs(data_root, img, &layers, err);
	image_free(img);
	if (r == 0)
		r = ctr_paths(data_root, ctr_id, upper, work, &u, err);
	if (r == 0 && (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0))
		r = lite_err_sys(err, errno, "private mount namespace");
	if (r == 0 && (image_path(m->dir, sizeof(m->dir), data_root, "tmp/job-cpmnt-XXXXXX") < 0 || !mkdtemp(m->dir)))
		r = lite_err_sys(err, errno, "create staging dir");
	if (r < 0)
		m->dir[0] = '\0';
	if (r == 0 && u.size && (m->userns_fd = make_userns(&u)) < 0)
		r = lite_err_sys(err, -m->userns_fd, "a user namespace with the container's id map");
	if (r == 0)
		r = mount_overlay(m, layers, upper, work, err);
	json_array_foreach(json_object_get(run, "mounts"), i, mt)
		if (r == 0)
			r = attach_mount(m, mt, caller, owned, &u, err);
	/* --read-only: the root, once its mount points exist (as the shim) */
	if (r == 0 && json_is_true(json_object_get(run, "read_only")))
		r = read_only_root(m, err);
	for (i = 0; layers && layers[i]; i++)
		free(layers[i]);
	free(layers);
	return r;
}

int
image_cp_mount_open(const char *data_root, const char *ctr_id, struct image_cp_mount *m, struct lite_err *err)
{
	json_auto_t *st = read_state(data_root, ctr_id, err);
	int r;

	*m = (struct image_cp_mount){ .root_fd = -1, .userns_fd = -1 };
	/* the daemon ignores SIGCHLD and exec keeps that: without this no
	 * child of ours could be waited for, and its status would be lost */
	signal(SIGCHLD, SIG_DFL);
	if (!st)
		return -err->code;
	r = mount_all(data_root, ctr_id, m, st, err);
	if (r < 0)
		image_cp_mount_close(m);
	return r;
}

void
image_cp_mount_close(struct image_cp_mount *m)
{
	char p[PATH_MAX + 16];

	if (m->root_fd >= 0)
		close(m->root_fd);
	m->root_fd = -1;
	if (m->userns_fd >= 0)
		close(m->userns_fd);
	m->userns_fd = -1;
	if (!m->dir[0])
		return;
	snprintf(p, sizeof(p), "%s/root", m->dir);
	(void)umount2(p, MNT_DETACH); /* with the volumes and binds on it */
	rmdir(p);
	for (size_t i = 0; i < m->n_lowers; i++) {
		snprintf(p, sizeof(p), "%s/l%zu", m->dir, i);
		(void)umount2(p, MNT_DETACH);
		rmdir(p);
	}
	rmdir(m->dir);
	m->dir[0] = '\0';
}
