/* The last step of every container process (see proc.h): failure reports,
 * fd hygiene and execve. Linked into lite-shim and, on its own, into the
 * static lite-init, so it uses nothing but libc.
 *
 * Safety invariants: runs inside the container, after set-up; it changes
 * no privileges and reports every failure over error_fd before _exit. */
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

void
proc_die(int error_fd, int err, int exit_code, const char *fmt, ...)
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
	if (error_fd >= 0)
		(void)!write(error_fd, &e, sizeof(e));
	else /* lite-init: no pipe back to the shim, only the container's stderr */
		dprintf(2, "lite-init: %s\n", e.msg);
	_exit(exit_code);
}

void
proc_close_fds_except(const int *keep, size_t n)
{
	unsigned int from = 3;

	/* keep is short; close the gaps between its members, in order */
	for (;;) {
		int next = -1;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)from && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0) {
			syscall(SYS_close_range, from, ~0U, 0);
			return;
		}
		if ((unsigned int)next > from)
			syscall(SYS_close_range, from, (unsigned int)next - 1, 0);
		from = (unsigned int)next + 1;
	}
}

void
proc_exec(char **cmd, char **env, int error_fd)
{
	environ = env;
	execvp(cmd[0], cmd);
	if (errno == ENOENT)
		proc_die(error_fd, 0, 127, "exec: \"%s\": executable file not found in $PATH", cmd[0]);
	if (errno == EACCES || errno == EPERM || errno == ENOEXEC || errno == EISDIR)
		proc_die(error_fd, 0, 126, "exec: \"%s\": permission denied", cmd[0]);
	proc_die(error_fd, errno, 126, "exec \"%s\"", cmd[0]);
}

static const int init_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM };

size_t
proc_init_signals(const int **ret)
{
	*ret = init_signals;
	return sizeof(init_signals) / sizeof(init_signals[0]);
}

void
proc_block_init_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(init_signals) / sizeof(init_signals[0]); i++)
		sigaddset(&set, init_signals[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

void
proc_unblock_init_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(init_signals) / sizeof(init_signals[0]); i++)
		sigaddset(&set, init_signals[i]);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}
