/* lite-init: PID 1 inside a container started with --init. It runs the
 * command as its child, forwards signals to it, reaps every orphan and exits
 * with the command's status (Docker's tini, in miniature).
 *
 * A program of its own, not the shim: it runs inside the container, where
 * the host's libraries are out of reach, so it is linked statically, and it
 * is built without sanitizers even when the rest of the tree has them (their
 * runtimes do not link statically). libc and proc.c only.
 *
 *   usage: lite-init CMD [ARG...]   (exec'd by the shim, see rootfs.c) */
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t init_child = 0;

static void
forward_signal(int sig)
{
	if (init_child > 0)
		kill(init_child, sig);
}

/* The command gets the terminal's foreground; init stays out of the way. */
static void __attribute__((noreturn))
run_child(char **cmd, const int *forwarded, size_t n_forwarded)
{
	for (size_t i = 0; i < n_forwarded; i++)
		signal(forwarded[i], SIG_DFL);
	proc_unblock_init_signals();
	if (isatty(0)) {
		signal(SIGTTOU, SIG_IGN); /* we are not yet the foreground */
		(void)setpgid(0, 0);
		(void)tcsetpgrp(0, getpid());
		signal(SIGTTOU, SIG_DFL);
	}
	proc_exec(cmd, environ, -1);
}

/* Reap everything; the command's status is ours. */
static void __attribute__((noreturn))
reap_until(pid_t child)
{
	int status = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, 0)) != child || (!WIFEXITED(status) && !WIFSIGNALED(status)))
		if (pid < 0 && errno == ECHILD)
			break;
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		kill(getpid(), WTERMSIG(status)); /* pid 1 ignores this; fall back below */
		_exit(128 + WTERMSIG(status));
	}
	_exit(WEXITSTATUS(status));
}

int
main(int argc, char **argv)
{
	const int *forwarded;
	const size_t n = proc_init_signals(&forwarded);
	struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
	pid_t child;

	if (argc < 2) {
		fprintf(stderr, "usage: lite-init CMD [ARG...] (PID 1 of lite run --init)\n");
		return 2;
	}
	/* exec'd from an fd: without this, ps would show the fd's number */
	prctl(PR_SET_NAME, "lite-init");
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++)
		sigaction(forwarded[i], &sa, NULL);
	proc_close_fds_except(NULL, 0); /* PID 1 lives long: hold nothing extra */
	child = fork();
	if (child < 0)
		proc_die(-1, errno, 125, "--init: fork");
	if (child == 0)
		run_child(argv + 1, forwarded, n);
	init_child = child;
	/* blocked since the shim exec'd us (proc_setup_exec_init): what came
	 * meanwhile is delivered now, and forwarded */
	proc_unblock_init_signals();
	reap_until(child);
}
