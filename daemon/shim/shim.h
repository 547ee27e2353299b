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
	int stdio;      /* issue 14 hand-off: bit 0 stdout, bit 1 stderr: a client's
			 * pipe for each came with this message (SCM_RIGHTS, in
			 * that order) and replaces init's own */
};

/* Create the container's init, blocked before execve until start_fd gets a
 * start_msg. On failure errbuf holds a one-line reason. */
int spawn_container(const struct shim_config *c, struct spawn_result *ret, char *errbuf, size_t errlen);

/* cgroup-join.c: init joins its cgroups without the global lock (v1:
 * "0" to each tasks file from the child; v2: CLONE_INTO_CGROUP). */
#define CGROUP_JOIN_MAX 16
struct cgroup_join {
	bool fast;                    /* v1: the child writes tasks_fds */
	size_t n_tasks;
	int tasks_fds[CGROUP_JOIN_MAX];
	int v2_fd;                    /* v2: the cgroup's dir for clone3, or -1 */
};
/* Before clone3, in the shim; on anything unexpected neither way is set
 * up and the shim writes the pid as before. */
void cgroup_join_open(const struct shim_config *c, struct cgroup_join *j);
/* In the child: true when it is in every hierarchy now. */
bool cgroup_join_self(struct cgroup_join *j);
void cgroup_join_close(struct cgroup_join *j);
/* The child's word to the shim on the set-up socket, and the shim's wait. */
void cgroup_join_report(int sock, bool joined);
int cgroup_join_wait(int sock, bool *joined);

/* rootfs-prepare.c: the shim's half of the root file system (plan §3). */
#define ROOTFS_ETC_FILES 8
#define ROOTFS_DEV_NODES 6
struct rootfs_fds {
	int init_fd;                    /* lite-init for --init, or -1 */
	int etc_fds[ROOTFS_ETC_FILES];  /* clones of etc_files' sources, in order */
	int dev_fds[ROOTFS_DEV_NODES];  /* user namespace: clones of host /dev nodes */
	int overlay_fd;                 /* received by the child after clone3 */
	int mountpoint_fd;
};
/* Before clone3: every host source as a detached mount (also the bind
 * mounts' tree_fd), and lite-init. -1 with errbuf on failure. */
int rootfs_prepare_sources(const struct shim_config *c, struct rootfs_fds *f, char *errbuf, size_t errlen);
void rootfs_prepare_sources_close(struct rootfs_fds *f);
/* /dev/NAME of dev_fds[i]. */
const char *rootfs_prepare_dev_name(size_t i);
/* After clone3, in the shim: maps, cgroups, limits, the overlay; sends the
 * child its overlay and mount point over sock. */
int rootfs_prepare_child(const struct shim_config *c, pid_t pid, int sock, bool in_cgroups, char *errbuf,
			 size_t errlen);
/* In the child: wait for those two fds. */
int rootfs_prepare_receive(int sock, struct rootfs_fds *f);

/* Child side of spawn: namespaces are already new. Never returns. */
void rootfs_setup_and_exec(const struct shim_config *c, struct rootfs_fds *f, int sock, int start_fd, int error_fd)
	__attribute__((noreturn));

/* caller-open.c (issue 11 A2): the detached clone of m's source, opened
 * with the caller's credentials; -1 with a one-line reason in errbuf. */
int caller_open_tree(const struct shim_config *c, const struct shim_mount *m, char *errbuf, size_t errlen);

/* rootfs-mounts.c: clone bind sources in the shim before clone3 (-1 with
 * errbuf), attach them after pivot_root. */
int rootfs_mounts_clone(const struct shim_config *c, char *errbuf, size_t errlen);
void rootfs_mounts_attach(const struct shim_config *c, int error_fd);

/* rootfs-dev.c: --device nodes (cloned before pivot_root, attached after)
 * and, with a TTY, /dev/console bound to the container's pty /dev/pts/N. */
void rootfs_dev_clone(const struct shim_config *c, int error_fd);
void rootfs_dev_attach(const struct shim_config *c, int error_fd);
void rootfs_dev_console(int pts, int error_fd);
/* rootfs-harden.c: cgroup namespace (after joining the cgroups), its
 * read-only mounts (before pivot_root), masked and read-only paths (after). */
void rootfs_harden_cgroupns(const struct shim_config *c, int error_fd);
void rootfs_harden_cgroup_mounts(const struct shim_config *c, const char *rootfs, int error_fd);
void rootfs_harden_paths(const struct shim_config *c, int error_fd);

/* seccomp-load.c: read the engine's compiled programs (at shim start);
 * load them into the calling process. */
int seccomp_load_read(char **paths, char *errbuf, size_t errlen);
void seccomp_load_apply(int error_fd);

/* Serve stdio, attach clients, execs and the exit. Returns the shim's exit code. */
int shim_io_run(const struct shim_config *c, struct spawn_result *sp, int listen_fd);

/* --- shared by rootfs.c and shim-exec.c (proc-setup.c) --- */

/* A user resolved from the container's /etc/passwd and /etc/group. */
struct proc_user {
	bool set;
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
	size_t n_groups;
	char home[256];  /* passwd's home, else "/" (Docker's) */
};
/* Look "USER[:GROUP]" up in the current root's files; NULL or "" = root.
 * Split from the switch so that an unknown user fails during set-up. */
void proc_setup_resolve_user(const char *user, struct proc_user *ret, int error_fd);
void proc_setup_apply_user(const struct proc_user *u, int error_fd);
/* env plus what Docker adds when it is not set: HOME (u->home) and, with
 * a TTY, TERM=xterm. A new array (the process execs next); env on ENOMEM. */
char **proc_setup_env(char **env, const struct proc_user *u, bool tty);
/* The privilege drop, last before execve: no_new_privs, the bounding set
 * (c->caps), the user switch, effective = permitted = c->caps for uid 0
 * (none for others), inheritable and ambient empty, seccomp last (before
 * the switch when no_new_privs is off: loading needs CAP_SYS_ADMIN then). */
void proc_setup_privileges(const struct shim_config *c, const struct proc_user *u, int error_fd);
/* Make the pty slave fd the controlling terminal and stdio. */
void proc_setup_tty(int slave_fd, int error_fd);
/* Open a new pty in the devpts instance under root ("/" or
 * "/proc/PID/root"), sized rows x cols. Returns the master; *ret_slave gets
 * the peer (O_CLOEXEC, for a child to dup) and *ret_index its number. */
int pty_open(const char *root, unsigned short rows, unsigned short cols, int *ret_slave, int *ret_index);
/* The same for a container of c: owned by its root (user namespace). */
int pty_open_ctr(const struct shim_config *c, const char *root, unsigned short rows, unsigned short cols, int *ret_slave,
		 int *ret_index);
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
