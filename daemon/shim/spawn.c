/* Shim side of container creation: stdio pipes, the host-side mount sources
 * (rootfs-prepare.c), then clone3 into new PID, mount, UTS, IPC, network
 * and (issue 11) user namespaces with a pidfd for race-free reaping; then
 * the shim finishes the child's set-up from outside and hands it its root
 * file system. The child continues in rootfs.c and waits there for the
 * start byte. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

#define PIPE_BYTES (1 << 20) /* large pipes: fewer wake-ups when streaming */

/* cgroup_fd >= 0: born in that (v2) cgroup; if the kernel refuses,
 * *cgroup_fd becomes -1 and the child is cloned where the shim is. */
static pid_t
clone3_with_pidfd(uint64_t flags, int *cgroup_fd, int *ret_pidfd)
{
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD | (*cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
		.pidfd = (uint64_t)(uintptr_t)ret_pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = *cgroup_fd >= 0 ? (uint64_t)*cgroup_fd : 0,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0 && *cgroup_fd >= 0) {
		/* shim.log: the VM suite (pure v2) checks this never shows */
		log_warnx("clone3 into the container's cgroup: %s; init joins it by pid", strerror(errno));
		close(*cgroup_fd);
		*cgroup_fd = -1;
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	}
	return pid;
}

static int
make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	(void)fcntl(fds[0], F_SETPIPE_SZ, PIPE_BYTES);
	return 0;
}

static void
close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void __attribute__((noreturn))
child_main(const struct shim_config *c, struct rootfs_fds *f, struct cgroup_join *cg, int sock, int in[2], int out[2],
	   int err[2], int start[2], int errp[2])
{
	int devnull;

	/* --init: a stop right after run -d must not be lost. PID 1 drops a
	 * signal it has no handler for unless the signal is blocked, so from
	 * here until lite-init can forward them they are (lite-init unblocks) */
	if (c->init)
		proc_block_init_signals();
	/* first of all, so nothing is charged outside the container */
	cgroup_join_report(sock, cg->v2_fd >= 0 || cgroup_join_self(cg));
	cgroup_join_close(cg);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* with a TTY, stdio becomes the terminal once the shim starts us */
	if (dup2(in[0] >= 0 ? in[0] : devnull, 0) < 0 || dup2(out[1] >= 0 ? out[1] : devnull, 1) < 0 ||
	    dup2(err[1] >= 0 ? err[1] : devnull, 2) < 0)
		_exit(125);
	setsid();
	signal(SIGPIPE, SIG_DFL);
	/* every inherited descriptor but stdio closes on execve */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	close(start[1]);
	close(errp[0]);
	rootfs_setup_and_exec(c, f, sock, start[0], errp[1]);
}

/* The shim could not finish the child's set-up: it must not run. */
static void
kill_child(pid_t pid, int pidfd)
{
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(pidfd);
}

int
spawn_container(const struct shim_config *c, struct spawn_result *ret, char *errbuf, size_t errlen)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int start[2] = { -1, -1 }, errp[2] = { -1, -1 }, sock[2] = { -1, -1 };
	struct rootfs_fds f;
	struct cgroup_join cg;
	bool in_cgroups = false;
	int pidfd = -1;
	pid_t pid;

	if (rootfs_prepare_sources(c, &f, errbuf, errlen) < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0 ||
	    (c->open_stdin && !c->tty && make_pipe(in) < 0) || (!c->tty && (make_pipe(out) < 0 || make_pipe(err) < 0)) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, start) < 0 || /* fds may come with start */
	    pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(errbuf, errlen, "create pipes: %s", strerror(errno));
		goto fail;
	}
	cgroup_join_open(c, &cg);
	pid = clone3_with_pidfd(CLONE_NEWNS | CLONE_NEWUTS | (c->pid_host ? 0 : CLONE_NEWPID) |
				(c->ipc_host ? 0 : CLONE_NEWIPC) | (c->net_host ? 0 : CLONE_NEWNET) |
				(c->userns.size ? CLONE_NEWUSER : 0), &cg.v2_fd, &pidfd);
	if (pid < 0) {
		snprintf(errbuf, errlen, "clone new namespaces: %s", strerror(errno));
		cgroup_join_close(&cg);
		goto fail;
	}
	if (pid == 0) {
		close(sock[0]);
		child_main(c, &f, &cg, sock[1], in, out, err, start, errp);
	}
	cgroup_join_close(&cg);
	close(sock[1]);
	sock[1] = -1;
	rootfs_prepare_sources_close(&f);
	for (size_t i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].tree_fd >= 0) {
			close(c->mounts[i].tree_fd); /* the child's copy is the one used */
			c->mounts[i].tree_fd = -1;
		}
	if (cgroup_join_wait(sock[0], &in_cgroups) < 0) {
		snprintf(errbuf, errlen, "the container's init died at once");
		kill_child(pid, pidfd);
		goto fail;
	}
	if (!in_cgroups && c->cgroup_procs && c->cgroup_procs[0])
		log_warnx("init did not join its cgroups itself (cgroup-join.c): the shim moves it by pid");
	if (rootfs_prepare_child(c, pid, sock[0], in_cgroups, errbuf, errlen) < 0) {
		kill_child(pid, pidfd);
		goto fail;
	}
	close(sock[0]);
	close(start[0]);
	close(errp[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (err[1] >= 0)
		close(err[1]);
	*ret = (struct spawn_result){
		.pid = pid, .pidfd = pidfd, .start_fd = start[1], .error_fd = errp[0],
		.stdin_fd = in[1], .stdout_fd = out[0], .stderr_fd = err[0],
	};
	return 0;
fail:
	rootfs_prepare_sources_close(&f);
	close_pair(sock);
	close_pair(in);
	close_pair(out);
	close_pair(err);
	close_pair(start);
	close_pair(errp);
	return -1;
}
