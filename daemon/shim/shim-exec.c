/* lite exec inside the shim: a process started in the namespaces and
 * cgroups of the container's init, with its own pipes or terminal.
 *
 * The shim forks A; A joins init's cgroups and, through init's pidfd, its
 * mount, UTS, IPC, network and PID namespaces; a PID namespace applies to
 * children only, so A forks B, which is inside. B takes the same privilege
 * drop as init and execs the command; A waits for B and exits with its
 * status, which the shim reaps. A failure of B before execve reaches the
 * shim over a CLOEXEC error pipe, as for init. */
#include "shim.h"

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs-util.h"
#include "strv.h"

int
shim_exec_spec_parse(const char *json, struct exec_spec *ret, char *errbuf, size_t errlen)
{
	json_t *o = json_loads(json, 0, NULL), *v;

	memset(ret, 0, sizeof(*ret));
	if (!o) {
		snprintf(errbuf, errlen, "malformed exec request");
		return -1;
	}
	ret->cmd = strv_from_json(json_object_get(o, "cmd"));
	ret->env = strv_from_json(json_object_get(o, "env"));
	if ((v = json_object_get(o, "cwd")) && json_is_string(v))
		ret->cwd = strdup(json_string_value(v));
	if ((v = json_object_get(o, "user")) && json_is_string(v))
		ret->user = strdup(json_string_value(v));
	ret->tty = json_is_true(json_object_get(o, "tty"));
	ret->open_stdin = json_is_true(json_object_get(o, "stdin"));
	ret->rows = (unsigned short)json_integer_value(json_object_get(o, "rows"));
	ret->cols = (unsigned short)json_integer_value(json_object_get(o, "cols"));
	ret->timeout_ms = (unsigned)json_integer_value(json_object_get(o, "timeout_ms"));
	json_decref(o);
	if (!ret->cmd || !ret->cmd[0] || !ret->env) {
		shim_exec_spec_free(ret);
		snprintf(errbuf, errlen, "exec request without a command");
		return -1;
	}
	return 0;
}

void
shim_exec_spec_free(struct exec_spec *s)
{
	strv_free(s->cmd);
	strv_free(s->env);
	free(s->cwd);
	free(s->user);
	s->cmd = s->env = NULL;
	s->cwd = s->user = NULL;
}

static void __attribute__((noreturn))
exec_inside(const struct shim_config *cfg, const struct exec_spec *spec, int slave, int error_fd)
{
	struct proc_user u;

	if (slave >= 0)
		proc_setup_tty(slave, error_fd);
	else if (spec->timeout_ms)
		(void)setpgid(0, 0); /* its own group, so a timeout kills its children too */
	if (chdir(spec->cwd && *spec->cwd ? spec->cwd : "/") < 0)
		proc_die(error_fd, errno, 126, "chdir to %s", spec->cwd);
	proc_setup_resolve_user(spec->user, &u, error_fd);
	proc_setup_privileges(cfg, &u, error_fd); /* as init's: caps, no_new_privs, seccomp */
	proc_exec(spec->cmd, proc_setup_env(spec->env, &u, slave >= 0), error_fd);
}

static pid_t timeout_victim;

static void
on_exec_timeout(int sig)
{
	(void)sig;
	kill(-timeout_victim, SIGKILL);
	kill(timeout_victim, SIGKILL);
}

/* With a timeout, A kills B's process group when it expires. */
static void
arm_timeout(pid_t b, unsigned ms)
{
	struct itimerval it = { .it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 } };

	if (!ms)
		return;
	timeout_victim = b;
	(void)setpgid(b, b); /* also here: whichever of A and B runs first */
	signal(SIGALRM, on_exec_timeout);
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

/* Process A: join, fork B, relay B's status as our own. root_fd is
 * init's root (/proc/PID/root, opened before setns): setns(CLONE_NEWNS)
 * puts A at the mount namespace's root, which is not the container's when
 * the shim itself runs under another root (a chrooted daemon, systemd's
 * RootDirectory=); A enters it explicitly, as nsenter --root does. */
static void __attribute__((noreturn))
exec_supervise(const struct shim_config *cfg, int init_pidfd, int root_fd, const struct exec_spec *spec, int slave,
	       int error_fd)
{
	struct cgroup_join cg;
	bool joined;
	int status;
	pid_t b;

	/* v1: "0" to tasks skips the kernel's global cgroup lock (cgroup-join.c) */
	cgroup_join_open(cfg, &cg);
	joined = cgroup_join_self(&cg);
	cgroup_join_close(&cg);
	for (char **p = cfg->cgroup_procs; !joined && p && *p; p++)
		if (fs_write_string(*p, "0") < 0)
			proc_die(error_fd, errno, 126, "join cgroup %s", *p);
	/* with a user namespace, join it too (one call, K8) and become its root */
	if (setns(init_pidfd, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID |
				      (cfg->userns.size ? CLONE_NEWUSER : 0) | (cfg->cgroupns ? CLONE_NEWCGROUP : 0)) < 0)
		proc_die(error_fd, errno, 126, "join the container's namespaces");
	if (cfg->userns.size && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 || setgroups(0, NULL) < 0))
		proc_die(error_fd, errno, 126, "become root of the container's user namespace");
	if (fchdir(root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		proc_die(error_fd, errno, 126, "enter the container's root");
	close(root_fd);
	b = fork();
	if (b < 0)
		proc_die(error_fd, errno, 126, "fork into the container");
	if (b == 0)
		exec_inside(cfg, spec, slave, error_fd);
	close(error_fd);
	if (slave >= 0)
		close(slave);
	if (slave < 0)
		arm_timeout(b, spec->timeout_ms);
	while (waitpid(b, &status, 0) < 0)
		if (errno != EINTR)
			_exit(255);
	_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}

static int
pipe_pair(int fds[2], bool want)
{
	fds[0] = fds[1] = -1;
	return want && pipe2(fds, O_CLOEXEC) < 0 ? -errno : 0;
}

int
shim_exec_spawn(const struct shim_config *cfg, pid_t init_pid, const struct exec_spec *spec,
	   struct spawn_result *ret, char *errbuf, size_t errlen)
{
	int in[2], out[2], err[2], errp[2] = { -1, -1 }, slave = -1, master = -1, pts, init_pidfd, root_fd;
	char root[64];
	pid_t a;

	init_pidfd = (int)syscall(SYS_pidfd_open, init_pid, 0);
	snprintf(root, sizeof(root), "/proc/%d/root", (int)init_pid);
	/* after the pidfd: a root opened then is init's, not a reused pid's */
	root_fd = init_pidfd < 0 ? -1 : open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		snprintf(errbuf, errlen, "the container is not running");
		if (init_pidfd >= 0)
			close(init_pidfd);
		return -1;
	}
	if (spec->tty && (master = pty_open_ctr(cfg, root, spec->rows, spec->cols, &slave, &pts)) < 0) {
		snprintf(errbuf, errlen, "open a terminal in the container: %s", strerror(-master));
		close(init_pidfd);
		close(root_fd);
		return -1;
	}
	if (pipe_pair(in, spec->open_stdin && !spec->tty) < 0 || pipe_pair(out, !spec->tty) < 0 ||
	    pipe_pair(err, !spec->tty) < 0 || pipe2(errp, O_CLOEXEC) < 0 || (a = fork()) < 0) {
		snprintf(errbuf, errlen, "start exec: %s", strerror(errno));
		close(init_pidfd);
		close(root_fd);
		return -1; /* a failing exec is rare; its few fds are reclaimed at exit */
	}
	if (a == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		signal(SIGPIPE, SIG_DFL);
		if (!spec->tty && (dup2(in[0] >= 0 ? in[0] : devnull, 0) < 0 || dup2(out[1], 1) < 0 ||
				   dup2(err[1], 2) < 0))
			_exit(126);
		/* A lives as long as B: it must not hold the shim's other fds
		 * (another exec's stdin pipe would never see EOF) */
		proc_close_fds_except((int[]){ errp[1], slave, init_pidfd, root_fd }, 4);
		exec_supervise(cfg, init_pidfd, root_fd, spec, slave, errp[1]);
	}
	close(init_pidfd);
	close(root_fd);
	close(errp[1]);
	if (slave >= 0)
		close(slave);
	for (int *fd = (int[]){ in[0], out[1], err[1] }, i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	*ret = (struct spawn_result){
		.pid = a, .pidfd = -1, .start_fd = -1, .error_fd = errp[0],
		.stdin_fd = spec->tty ? (spec->open_stdin ? fcntl(master, F_DUPFD_CLOEXEC, 3) : -1) : in[1],
		.stdout_fd = spec->tty ? master : out[0], .stderr_fd = spec->tty ? -1 : err[0],
	};
	return 0;
}
