/* The shim's configuration: one struct that the engine fills and writes
 * as EXEC_ROOT/ID/config.json (ctr-shim.c) and the shim reads
 * back (shim-main.c). The JSON keys are a contract across versions: a
 * shim of this version must read what an older engine wrote. Pure code,
 * unit-tested in tests/unit/test-shim-config.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A mount the container's init makes: a bind (a host path or a volume's
 * directory, cloned with open_tree before pivot_root) or a tmpfs. */
struct shim_mount {
	bool tmpfs;
	char *source;        /* bind: host path */
	char *target;        /* inside the container */
	char *options;       /* tmpfs options */
	bool readonly;
	bool copy_up;        /* a volume: fill it from the image if it is empty */
	bool caller_check;   /* issue 11 A2: a non-root caller's host path, opened with its credentials */
	int tree_fd;         /* open_tree() clone, set up before pivot_root (not in the JSON) */
};

/* --device: a host device node bound into the container (root only; the
 * engine's device filter allows its MAJ:MIN with perm). */
struct shim_device {
	char *host;          /* the node on the host */
	char *path;          /* where it appears in the container */
	char *perm;          /* "rwm" subset, for the record */
	int tree_fd;         /* open_tree() clone, set up before pivot_root (not in the JSON) */
};
#define SHIM_CONFIG_MAX_GROUPS 64

struct shim_rlimit {
	int resource;
	unsigned long long soft, hard;
};

/* Everything the shim needs to create and serve one container. */
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
	char *user;          /* "uid[:gid]" or a name from the image's /etc/passwd; NULL = root */
	char **cgroup_procs; /* cgroup.procs files to join, NULL-terminated */
	char *oom_file;      /* may be NULL */
	char *log_path;
	size_t log_max;      /* rotate past this many bytes */
	char *exit_path;     /* exit.json, written atomically */
	char *attach_path;   /* the shim's UNIX socket */
	bool open_stdin;
	char **etc_files;    /* pairs: target in the container, file to bind there */
	bool net_host;       /* share the host's network namespace */
	bool tty;
	bool init;           /* run our own init as PID 1 (--init) */
	unsigned short rows, cols;
	struct shim_mount *mounts;
	size_t n_mounts;
	struct shim_rlimit *rlimits;
	size_t n_rlimits;
	char *shm_size;      /* "64m"-style tmpfs size for /dev/shm, or NULL */
	bool read_only;      /* remount the root read-only once set up */
	bool set_oom_score;
	int oom_score_adj;
	struct shim_device *devices; /* "devices": [{"host","path","perm"}]; absent = none */
	size_t n_devices;
	/* issue 11 A1: a user namespace mapping container 0..size-1 to
	 * uid_base.. and gid_base.. on the host; size 0 = none (JSON "userns") */
	struct shim_userns {
		unsigned uid_base, gid_base, size;
	} userns;
	/* issue 11 A2: who asked for the container (JSON "caller"), whose
	 * credentials open caller_check binds; n_groups -1 = no caller */
	struct shim_caller {
		unsigned uid, gid;
		unsigned groups[SHIM_CONFIG_MAX_GROUPS];
		int n_groups;
	} caller;
	/* hardening (the shim's rootfs-harden.c, proc-setup.c, seccomp-load.c) */
	uint64_t caps;           /* bounding = effective = permitted (uid 0); inheritable, ambient: none */
	bool no_new_privs;
	char **seccomp;          /* raw BPF files, loaded in order; NULL = unconfined */
	char **masked_paths;     /* /dev/null or an empty read-only tmpfs over each */
	char **readonly_paths;   /* bound read-only over themselves */
	bool sys_rw;             /* /sys writable (--privileged) */
	bool cgroupns;           /* a cgroup namespace, the hierarchies below mounted read-only */
	char **cgroup_mounts;    /* "cgroup2", or v1 hierarchy names ("memory", "cpu,cpuacct") */
	bool pid_host, ipc_host; /* share the host's PID / IPC namespace (root's --pid/--ipc host) */
	/* issue 13: log files kept (container.log, .1, ... .N-1), each at
	 * most log_max bytes; 0 (an older config): 2. log_off: --log-driver
	 * none, no log file at all. JSON "log_files", "log_off". */
	int log_files;
	bool log_off;
	/* issue 14: a --rm container's exit.json is written without fsync (a
	 * power cut makes it moot: the container is removed at the next
	 * start). JSON "exit_nosync". */
	bool exit_nosync;
};

#define SHIM_CONFIG_LOG_MAX (64u << 20) /* log_max when the config has none */
#define SHIM_CONFIG_CAPS_DEFAULT UINT64_C(0x00000000a80425fb) /* caps when the config has none: CAPS_DEFAULT */

/* The config as config.json holds it; NULL when out of memory. */
json_t *shim_config_to_json(const struct shim_config *c);
/* Read a config (this version's or an older engine's). On failure a
 * one-line reason in errbuf; ret is zeroed first, so it can always be
 * freed. */
int shim_config_from_json(json_t *o, struct shim_config *ret, char *errbuf, size_t errlen);
void shim_config_free(struct shim_config *c);
