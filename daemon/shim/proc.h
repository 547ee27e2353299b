/* The last step of every container process, shared by lite-shim (the
 * container's init and exec'd processes) and lite-init (--init's PID 1):
 * report a failure, close stray fds, execve. libc only, so that lite-init
 * links statically without the shim's libraries (and without sanitizers). */
#pragma once

#include <stddef.h>

/* Error record sent over error_fd by the container side: errno + message.
 * exit_code 0 with msg "ready" means set-up finished. */
struct spawn_error {
	int err;
	int exit_code;  /* 125 set-up, 126 cannot execute, 127 not found */
	char msg[480];
};

/* Report a failure over error_fd (or, if it is -1, as lite-init on
 * stderr) and _exit(exit_code). */
void proc_die(int error_fd, int err, int exit_code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));
/* Close every fd from 3 up except those in keep. */
void proc_close_fds_except(const int *keep, size_t n);
/* execvp with env; reports 127/126 with Docker's messages. */
void proc_exec(char **cmd, char **env, int error_fd) __attribute__((noreturn));
