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
/* The signals lite-init forwards to its command; blocked from just before
 * lite-init's exec until it can forward them (a PID 1 drops a signal it
 * has no handler for, unless the signal is blocked: then it waits). */
size_t proc_init_signals(const int **ret);
void proc_block_init_signals(void);
void proc_unblock_init_signals(void);
/* execvp with env; reports 127/126 with Docker's messages. */
void proc_exec(char **cmd, char **env, int error_fd) __attribute__((noreturn));
