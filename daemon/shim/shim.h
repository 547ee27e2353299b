/* lite-shim: one small process per container. It creates the container's
 * init (spawn.c, rootfs.c), then holds the stdio of init and of every exec'd
 * process (shim-io.c, shim-exec.c), appends init's output to the log file,
 * serves attach clients on its own socket, reaps and records exit status.
 * It never links the daemon's event loop. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "proc.h"
#include "shim-config.h" /* struct shim_config: daemon/lib/, shared with the engine */

/* What spawn_container hands to the I/O loop. */
struct spawn_result {
	pid_t pid;
	int pidfd;
	int start_fd;   /* write a struct start_msg to let init execve */
	int error_fd;   /* init reports set-up/exec failure here, then EOF */
	int stdin_fd;   /* write end of the container's stdin, or -1 */
	int stdout_fd;  /* read ends; -1 with a TTY */
	int stderr_fd;
};

/* The shim's go-ahead to init: with a TTY, the pty the shim opened in the
 * container's devpts instance, which init makes its controlling terminal. */
struct start_msg {
	int pts;        /* /dev/pts/N inside, or -1 */
};

/* Create the container's init, blocked before execve until start_fd gets a
 * start_msg. On failure errbuf holds a one-line reason. */
int spawn_container(const struct shim_config *c, struct spawn_result *ret, char *errbuf, size_t errlen);

/* Child side of spawn: namespaces are already new. Never returns. */
void rootfs_setup_and_exec(const struct shim_config *c, int start_fd, int error_fd) __attribute__((noreturn));

/* rootfs-mounts.c: clone bind sources before pivot_root, attach after. */
void rootfs_mounts_clone(const struct shim_config *c, int error_fd);
void rootfs_mounts_attach(const struct shim_config *c, int error_fd);

/* rootfs-dev.c: --device nodes (cloned before pivot_root, attached after)
 * and, with a TTY, /dev/console bound to the container's pty /dev/pts/N. */
void rootfs_dev_clone(const struct shim_config *c, int error_fd);
void rootfs_dev_attach(const struct shim_config *c, int error_fd);
void rootfs_dev_console(int pts, int error_fd);

/* Serve stdio, attach clients, execs and the exit. Returns the shim's exit code. */
int shim_io_run(const struct shim_config *c, struct spawn_result *sp, int listen_fd);

/* --- shared by rootfs.c and shim-exec.c (proc-setup.c) --- */

/* Docker's default capability set; everything else leaves the bounding set. */
void proc_setup_drop_caps(int error_fd);
/* A user resolved from the container's /etc/passwd and /etc/group. */
struct proc_user {
	bool set;
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
	size_t n_groups;
};
/* Look "USER[:GROUP]" up in the current root's files; NULL or "" = root.
 * Split from the switch so that an unknown user fails during set-up. */
void proc_setup_resolve_user(const char *user, struct proc_user *ret, int error_fd);
void proc_setup_apply_user(const struct proc_user *u, int error_fd);
/* Both, for exec. */
void proc_setup_user(const char *user, int error_fd);
/* Make the pty slave fd the controlling terminal and stdio. */
void proc_setup_tty(int slave_fd, int error_fd);
/* Open a new pty in the devpts instance under root ("/" or
 * "/proc/PID/root"), sized rows x cols. Returns the master; *ret_slave gets
 * the peer (O_CLOEXEC, for a child to dup) and *ret_index its number. */
int pty_open(const char *root, unsigned short rows, unsigned short cols, int *ret_slave, int *ret_index);
/* --init: replace this process by lite-init (the static binary open at
 * init_fd, see rootfs.c) with cmd as its arguments. */
void proc_setup_exec_init(int init_fd, char **cmd, char **env, int error_fd) __attribute__((noreturn));

/* --- exec'd processes (shim-exec.c) --- */

struct exec_spec {
	char **cmd;
	char **env;
	char *cwd;
	char *user;
	bool tty, open_stdin;
	unsigned short rows, cols;
	unsigned timeout_ms;    /* > 0: SIGKILL its process group then (health checks) */
};

int shim_exec_spec_parse(const char *json, struct exec_spec *ret, char *errbuf, size_t errlen);
void shim_exec_spec_free(struct exec_spec *s);
/* Start an exec'd process in init's namespaces and cgroups. */
int shim_exec_spawn(const struct shim_config *cfg, pid_t init_pid, const struct exec_spec *spec,
	       struct spawn_result *ret, char *errbuf, size_t errlen);
