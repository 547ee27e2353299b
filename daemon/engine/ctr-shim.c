/* Bringing a container to life: its directories, cgroups and the shim's
 * config.json, then fork+exec of lite-shim, whose one-line report on a sync
 * pipe is read asynchronously so the event loop never waits for it.
 *
 * Safety invariants: the shim gets only paths the daemon computed from a
 * validated ctr_spec and an image from its own store; the shim runs in its
 * own session so it outlives the daemon. */
#include "ctr.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "crash-point.h"
#include "ctr-sec.h"
#include "daemon.h"
#include "fd-util.h"
#include "fs-util.h"
#include "image.h"
#include "log.h"
#include "net-ctr.h"
#include "run-flags.h"
#include "shim-config.h"
#include "strv.h"

struct start_ctx {
	struct daemon *d;
	struct ctr *c;
	ctr_started_fn done;
	void *arg;
};

static char *
join_lowerdirs(char **dirs)
{
	size_t len = 1;
	char *s;

	for (char **p = dirs; *p; p++)
		len += strlen(*p) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (char **p = dirs; *p; p++) {
		if (p != dirs)
			strcat(s, ":");
		strcat(s, *p);
	}
	return s;
}

/* A heap "a" + "b"; NULL when out of memory. */
static char *
join(const char *a, const char *b)
{
	char *s;

	return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

/* The paths: overlay dirs, log, exit file, socket, cgroups. */
static int
config_paths(struct daemon *d, struct ctr *c, const char *dir, const char *xdir, struct shim_config *cfg,
	     struct lite_err *err)
{
	struct image *img = NULL;
	char **layers = NULL, oom[PATH_MAX];
	int r;

	r = image_load(d->cfg.data_root, c->spec.image_id, &img, err);
	if (r < 0)
		return r;
	r = image_layer_dirs(d->cfg.data_root, img, &layers, err);
	image_free(img);
	if (r < 0)
		return r;
	cfg->lowerdir = join_lowerdirs(layers);
	cgroup_strv_free(layers);
	r = cgroup_procs_files(&d->cgroups, c->spec.id, &cfg->cgroup_procs);
	if (r < 0)
		return lite_err_sys(err, r, "list cgroup files");
	if (cgroup_oom_file(&d->cgroups, c->spec.id, oom, sizeof(oom)) == 0)
		cfg->oom_file = strdup(oom);
	cfg->rootfs = join(xdir, "/rootfs");
	cfg->upperdir = join(dir, "/upper");
	cfg->workdir = join(dir, "/work");
	cfg->log_path = join(dir, "/container.log");
	cfg->exit_path = join(dir, "/exit.json");
	cfg->exit_nosync = c->spec.auto_remove;
	cfg->attach_path = join(xdir, "/attach.sock");
	cfg->log_max = SHIM_CONFIG_LOG_MAX;
	return 0;
}

/* The process: command, environment, terminal, user. */
static void
config_process(struct ctr *c, struct shim_config *cfg)
{
	cfg->id = strdup(c->spec.id);
	cfg->cmd = strv_copy(c->spec.cmd);
	cfg->env = strv_copy(c->spec.env);
	cfg->hostname = strdup(c->spec.hostname);
	cfg->cwd = strdup(c->spec.cwd[0] ? c->spec.cwd : "/");
	cfg->user = strdup(c->spec.user);
	cfg->open_stdin = c->spec.open_stdin;
	cfg->tty = c->spec.tty;
	cfg->init = c->spec.init;
	cfg->rows = c->spec.rows;
	cfg->cols = c->spec.cols;
}

static bool
config_complete(const struct shim_config *cfg)
{
	return cfg->id && cfg->rootfs && cfg->lowerdir && cfg->upperdir && cfg->workdir && cfg->cmd && cfg->env &&
	       cfg->hostname && cfg->cwd && cfg->user && cfg->log_path && cfg->exit_path && cfg->attach_path;
}

/* A volume's _data still root's and empty: new, so it becomes the
 * container root's. (Owner records of volumes are volume.c's.) */
static int
new_volume_chown(const struct userns_range *u, const char *data)
{
	_cleanup_close_ int fd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return fd < 0 ? -errno : 0;
	if (st.st_uid != 0 || st.st_gid != 0 || fs_dir_is_empty(fd) != 1)
		return 0;
	return fchown(fd, u->uid_base, u->gid_base) < 0 ? -errno : 0;
}

/* Issue 11 A1: the container's range; its /etc files and a new volume's
 * _data become its root's (else read-only to it, and owned by nobody). */
static int
config_userns(struct ctr *c, struct shim_config *cfg, struct lite_err *err)
{
	const struct userns_range *u = &c->spec.userns;
	int r;

	/* a non-root user's container from before user namespaces: never as root */
	if (!u->on && c->spec.owner_uid != 0)
		return lite_err_set(err, EPERM, "container %s was created without a user namespace; remove it and "
					      "run it again", c->spec.name);
	if (!u->on)
		return 0;
	if (cfg->net_host)
		return lite_err_set(err, EINVAL, "--net host cannot be used in a user namespace");
	cfg->userns = (struct shim_userns){ .uid_base = u->uid_base, .gid_base = u->gid_base, .size = u->size };
	for (char **p = cfg->etc_files; p && p[0] && p[1]; p += 2)
		if ((r = userns_chown(u, p[1])) < 0)
			return lite_err_sys(err, r, "chown %s", p[1]);
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].copy_up && (r = new_volume_chown(u, cfg->mounts[i].source)) < 0)
			return lite_err_sys(err, r, "chown %s", cfg->mounts[i].source);
	return 0;
}

static int
write_shim_config(struct daemon *d, struct ctr *c, const char *dir, const char *xdir, struct lite_err *err)
{
	struct shim_config cfg = { 0 };
	char path[PATH_MAX + 32];
	_cleanup_free_ char *dump = NULL;
	json_t *o;
	int r;

	r = config_paths(d, c, dir, xdir, &cfg, err);
	if (r == 0) {
		config_process(c, &cfg);
		if (run_flags_shim_config(&c->spec, &cfg) < 0 || !config_complete(&cfg))
			r = lite_err_set(err, ENOMEM, "build shim config");
	}
	if (r == 0)
		r = net_ctr_shim_config(d, c, &cfg, err);
	if (r == 0)
		r = config_userns(c, &cfg, err);
	if (r == 0)
		r = ctr_sec_shim_config(d, c, &cfg, err);
	o = r == 0 ? shim_config_to_json(&cfg) : NULL;
	shim_config_free(&cfg);
	if (r < 0)
		return r;
	dump = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!dump)
		return lite_err_set(err, ENOMEM, "build shim config");
	snprintf(path, sizeof(path), "%s/config.json", xdir);
	/* the exec root is volatile: no fsync on the start path */
	r = fs_write_file_replace(path, dump, strlen(dump), 0600);
	return r < 0 ? lite_err_sys(err, r, "write %s", path) : 0;
}

static int
make_dirs(struct daemon *d, struct ctr *c, char *dir, char *xdir, struct lite_err *err)
{
	static const char *subdirs[] = { "upper", "work" };
	char path[PATH_MAX + 16];
	int r;

	ctr_dir(d, c, dir, PATH_MAX);
	ctr_exec_dir(d, c, xdir, PATH_MAX);
	r = fs_mkdir_p(dir, 0700); /* keeps host users out of the container's files */
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(subdirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		/* upper's own mode is the container's "/": 0755 as in images */
		r = mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
		if (r == 0)
			r = chmod(path, 0755) < 0 ? -errno : 0;
		if (r == 0) /* the container's root owns its "/" (issue 11) */
			r = userns_chown(&c->spec.userns, path);
	}
	if (r < 0)
		return lite_err_sys(err, r, "create %s", path);
	snprintf(path, sizeof(path), "%s/rootfs", xdir);
	r = fs_mkdir_p(path, 0700);
	if (r < 0)
		return lite_err_sys(err, r, "create %s", path);
	return 0;
}

/* The child of vfork: it shares the daemon's memory until execve, so it
 * only makes system calls on what the parent prepared (no allocation, no
 * stdio). A fork would copy the daemon's page tables (its heap grows with
 * the number of containers) and leave every page copy-on-write for the
 * loop to fault on afterwards. */
static void __attribute__((noreturn))
exec_shim(const char *shim_path, const char *config, const char *logpath, const struct rlimit *nofile, int sync_fd)
{
	char msg[PATH_MAX + 64];
	int null_fd, log_fd, n;

	setsid();
	if (nofile->rlim_cur) /* the container inherits the limit the daemon was given */
		(void)setrlimit(RLIMIT_NOFILE, nofile);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	log_fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 ||
	    dup2(log_fd >= 0 ? log_fd : null_fd, 2) < 0 || dup2(sync_fd, 3) < 0)
		_exit(125);
	syscall(SYS_close_range, 4, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL); /* the daemon ignores it; the shim must reap */
	execl(shim_path, "lite-shim", config, (char *)NULL);
	n = snprintf(msg, sizeof(msg), "err 125 exec %s: %s\n", shim_path, strerror(errno));
	(void)!write(3, msg, n > 0 && (size_t)n < sizeof(msg) ? (size_t)n : 0);
	_exit(125);
}

static void
on_shim_report(evutil_socket_t fd, short what, void *arg)
{
	struct start_ctx *sc = arg;
	struct ctr *c = sc->c;
	char line[640] = "";
	ssize_t n = read(fd, line, sizeof(line) - 1);
	long pid = 0;
	int code = 0;

	event_free(c->start_ev);
	c->start_ev = NULL;
	close(c->start_sync_fd);
	c->start_sync_fd = -1;
	if (n > 0)
		line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, "ok %ld", &pid) == 1 && pid > 0) {
		c->rt.init_pid = (pid_t)pid;
		CRASH_POINT("run.after-mount"); /* init is set up: overlay and mounts in its namespace */
		sc->done(c, 0, NULL, sc->arg);
	} else if (sscanf(line, "err %d", &code) == 1 && strchr(line + 4, ' ')) {
		sc->done(c, -EIO, strchr(line + 4, ' ') + 1, sc->arg);
	} else {
		sc->done(c, -EIO, "the shim died during start-up (see shim.log)", sc->arg);
	}
	free(sc);
}

int
ctr_shim_spawn(struct daemon *d, struct ctr *c, ctr_started_fn done, void *arg, struct lite_err *err)
{
	char dir[PATH_MAX], xdir[PATH_MAX], config[PATH_MAX + 16], logpath[PATH_MAX + 16];
	int sync[2];
	struct start_ctx *sc;
	pid_t pid;
	int r;

	if (c->cp_busy) /* the last guard: a copy has its overlay mounted (req-cp.c) */
		return lite_err_set(err, EBUSY, "container %s is busy: a copy into it is under way", c->spec.name);
	r = make_dirs(d, c, dir, xdir, err);
	if (r < 0)
		return r;
	CRASH_POINT("run.after-dirs");
	r = cgroup_create(&d->cgroups, c->spec.id, c->spec.limits, err);
	if (r < 0)
		return r;
	CRASH_POINT("run.after-cgroup");
	r = write_shim_config(d, c, dir, xdir, err);
	CRASH_POINT("run.after-config");
	/* a --rm container's state without fsync: a power cut makes it moot
	 * (after one the next daemon removes it, whatever the file holds:
	 * torn or missing, reconcile.c; "created" with a dead shim, the exit
	 * path and then --rm) */
	if (r < 0 || (r = c->spec.auto_remove ? ctr_save_nosync(d, c) : ctr_save(d, c)) < 0)
		return r < 0 && err->msg ? r : lite_err_sys(err, r, "save container state");
	CRASH_POINT("run.after-created-state");
	if (pipe2(sync, O_CLOEXEC) < 0)
		return lite_err_sys(err, errno, "create sync pipe");
	snprintf(config, sizeof(config), "%s/config.json", xdir);
	snprintf(logpath, sizeof(logpath), "%s/shim.log", dir);
	sc = calloc(1, sizeof(*sc));
	pid = sc ? vfork() : -1;
	if (pid < 0) {
		free(sc);
		close(sync[0]);
		close(sync[1]);
		return lite_err_sys(err, sc ? errno : ENOMEM, "start shim");
	}
	if (pid == 0)
		exec_shim(d->shim_path, config, logpath, &d->nofile_orig, sync[1]);
	close(sync[1]);
	*sc = (struct start_ctx){ .d = d, .c = c, .done = done, .arg = arg };
	c->rt.shim_pid = pid;
	c->start_sync_fd = sync[0];
	c->start_ev = event_new(d->base, sync[0], EV_READ, on_shim_report, sc);
	event_add(c->start_ev, NULL);
	CRASH_POINT("run.after-shim");
	return 0;
}

int
ctr_shim_connect(struct daemon *d, struct ctr *c, const char *command)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	char xdir[PATH_MAX];

	ctr_exec_dir(d, c, xdir, sizeof(xdir));
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/attach.sock", xdir) >= (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	if (fd_write_all(fd, command, strlen(command)) < 0)
		return -errno;
	return TAKE_FD(fd);
}
