/* lite-shim: one small process per container. It creates the container's
 * init (spawn.c), then holds its stdio, appends it to the log file, serves
 * attach clients on its own socket, reaps init and records the exit status
 * (shim-io.c). It never links the daemon's event loop. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Everything the shim needs, read from the config.json the daemon writes. */
struct shim_config {
	char *id;
	char *rootfs;        /* mount point for the overlay */
	char *lowerdir;      /* "top:...:bottom" */
	char *upperdir;
	char *workdir;
	char **cmd;          /* NULL-terminated */
	char **env;          /* NULL-terminated */
	char *hostname;
	char *cwd;
	char **cgroup_procs; /* cgroup.procs files to join, NULL-terminated */
	char *oom_file;      /* may be NULL */
	char *log_path;
	size_t log_max;      /* rotate past this many bytes */
	char *exit_path;     /* exit.json, written atomically */
	char *attach_path;   /* the shim's UNIX socket */
	bool open_stdin;
	char **etc_files;    /* pairs: target in the container, file to bind there */
	bool net_host;       /* share the host's network namespace */
};

/* What the container-side setup reports back when it cannot run. */
struct spawn_result {
	pid_t pid;
	int pidfd;
	int start_fd;   /* write one byte to let init execve */
	int error_fd;   /* init reports setup/exec failure here, then EOF */
	int stdin_fd;   /* write end of the container's stdin, or -1 */
	int stdout_fd;  /* read ends */
	int stderr_fd;
};

int shim_config_load(const char *path, struct shim_config *ret, char *errbuf, size_t errlen);
void shim_config_free(struct shim_config *c);

/* Create the container's init, blocked before execve until start_fd gets a
 * byte. On failure errbuf holds a one-line reason. */
int spawn_container(const struct shim_config *c, struct spawn_result *ret, char *errbuf, size_t errlen);

/* Child side of spawn: namespaces are already new. Never returns. */
void rootfs_setup_and_exec(const struct shim_config *c, int start_fd, int error_fd) __attribute__((noreturn));

/* Serve stdio, attach clients and the exit. Returns the shim's exit code. */
int shim_io_run(const struct shim_config *c, struct spawn_result *sp, int listen_fd);

/* Error record sent over error_fd by the container side: errno + message. */
struct spawn_error {
	int err;
	int exit_code; /* 125 set-up, 126 cannot execute, 127 not found */
	char msg[480];
};
