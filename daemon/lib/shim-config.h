/* The shim's configuration: one struct that the engine fills and writes
 * as EXEC_ROOT/ID/config.json (ctr-shim.c) and the shim reads
 * back (shim-main.c). The JSON keys are a contract across versions: a
 * shim of this version must read what an older engine wrote. Pure code,
 * unit-tested in tests/unit/test-shim-config.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A mount the container's init makes: a bind (a host path or a volume's
 * directory, cloned with open_tree before pivot_root) or a tmpfs. */
struct shim_mount {
	bool tmpfs;
	char *source;        /* bind: host path */
	char *target;        /* inside the container */
	char *options;       /* tmpfs options */
	bool readonly;
	bool copy_up;        /* a volume: fill it from the image if it is empty */
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
};

#define SHIM_CONFIG_LOG_MAX (64u << 20) /* log_max when the config has none */

/* The config as config.json holds it; NULL when out of memory. */
json_t *shim_config_to_json(const struct shim_config *c);
/* Read a config (this version's or an older engine's). On failure a
 * one-line reason in errbuf; ret is zeroed first, so it can always be
 * freed. */
int shim_config_from_json(json_t *o, struct shim_config *ret, char *errbuf, size_t errlen);
void shim_config_free(struct shim_config *c);
