/* Issue 11 A2: a non-root caller's bind mount source, opened with the
 * caller's own credentials, so that it can mount only what it could open
 * itself.
 *
 * Safety invariants: the check and the mount use one fd: a forked child
 * takes the caller's fsuid, fsgid and groups, opens the path by
 * common/caller-path.c's rules (no symlink in it, files and directories
 * only, write access for a read-write bind) and clones that very fd with
 * open_tree; only the clone comes back. */
#include "shim.h"

#include "caller-path.h"

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

/* In the child: 0 and the tree fd, or -errno (caller_path_open's). */
static int
open_as_caller(const struct shim_caller *who, const char *src, bool readonly, int *ret_fd)
{
	int fd, r;

	if (setgroups((size_t)who->n_groups, (const gid_t *)who->groups) < 0)
		return -errno;
	setfsgid(who->gid);
	setfsuid(who->uid);
	if ((unsigned)setfsuid((uid_t)-1) != who->uid)
		return -EPERM;
	r = caller_path_open(src, readonly, &fd);
	if (r < 0)
		return r;
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
	if (r < 0) {
		caller_path_explain(m->source, r, errbuf, errlen);
		return -1;
	}
	return fd;
}
