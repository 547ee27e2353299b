/* Issue 11 A2: a non-root caller's bind mount source, opened with the
 * caller's own credentials, so that it can mount only what it could open
 * itself.
 *
 * Safety invariants: the check and the mount use one fd: a forked child
 * takes the caller's fsuid, fsgid and groups, resolves the path with
 * openat2(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) (a symlink anywhere
 * in it is refused, so swapping a component for a link cannot redirect
 * it), checks write access for a read-write bind on that fd, and clones
 * that very fd with open_tree; only the clone comes back. Only regular
 * files and directories are accepted (no devices, FIFOs or sockets). */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child: 0 and the tree fd, or -errno (EISDIR: wrong file type,
 * EROFS: no write access). */
static int
open_as_caller(const struct shim_caller *who, const char *src, bool readonly, int *ret_fd)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	char self[64];
	struct stat st;
	int path_fd, fd;

	if (setgroups((size_t)who->n_groups, (const gid_t *)who->groups) < 0)
		return -errno;
	setfsgid(who->gid);
	setfsuid(who->uid);
	if ((unsigned)setfsuid((uid_t)-1) != who->uid)
		return -EPERM;
	path_fd = (int)syscall(SYS_openat2, AT_FDCWD, src, &how, sizeof(how));
	if (path_fd < 0)
		return -errno;
	if (fstat(path_fd, &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
		return -EISDIR;
	/* reopening checks read permission on the object itself, as the caller */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", path_fd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0)
		return -errno;
	if (!readonly && syscall(SYS_faccessat2, fd, "", W_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
		return -EROFS;
	*ret_fd = (int)syscall(SYS_open_tree, fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	return *ret_fd < 0 ? -errno : 0;
}

static void __attribute__((noreturn))
child(const struct shim_caller *who, const char *src, bool readonly, int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	int fd = -1, r = open_as_caller(who, src, readonly, &fd);
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (r == 0) {
		struct cmsghdr *cm;

		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	_exit(sendmsg(sock, &msg, 0) < 0 ? 1 : 0);
}

/* The child's answer: 0 and *ret_fd, or -errno. */
static int
receive(int sock, int *ret_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	int r = -EIO;
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(r))
		return -EIO;
	cm = CMSG_FIRSTHDR(&msg);
	if (r == 0 && (!cm || cm->cmsg_type != SCM_RIGHTS))
		return -EIO;
	if (r == 0)
		memcpy(ret_fd, CMSG_DATA(cm), sizeof(int));
	return r;
}

static int
explain(const char *src, int r, char *errbuf, size_t errlen)
{
	if (r == -ELOOP)
		snprintf(errbuf, errlen, "bind source \"%s\" contains a symlink; use its real path", src);
	else if (r == -EISDIR)
		snprintf(errbuf, errlen, "bind source \"%s\": only files and directories can be bound", src);
	else if (r == -EROFS)
		snprintf(errbuf, errlen, "bind source \"%s\": you cannot write to it (Permission denied); bind it :ro",
			 src);
	else
		snprintf(errbuf, errlen, "bind source \"%s\": you cannot open it (%s)", src, strerror(-r));
	return -1;
}

int
caller_open_tree(const struct shim_config *c, const struct shim_mount *m, char *errbuf, size_t errlen)
{
	int sock[2], fd = -1, r;
	pid_t pid;

	if (c->caller.n_groups < 0 || c->caller.uid == 0) {
		snprintf(errbuf, errlen, "bind source \"%s\": the caller's credentials are unknown", m->source);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0 || (pid = fork()) < 0) {
		snprintf(errbuf, errlen, "bind source \"%s\": %s", m->source, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(sock[0]);
		child(&c->caller, m->source, m->readonly, sock[1]);
	}
	close(sock[1]);
	r = receive(sock[0], &fd);
	close(sock[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r < 0 ? explain(m->source, r, errbuf, errlen) : fd;
}
