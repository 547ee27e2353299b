/* lite-shim entry point: read the config the daemon wrote, open the attach
 * socket, create the container's init, report "ok PID" or "err CODE MSG" on
 * fd 3 to the daemon, then serve the container until it exits.
 *
 * Usage: lite-shim CONFIG.json   (fd 3: the daemon's sync pipe) */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"
#include "strv.h"

#define SYNC_FD 3

static char *
dup_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static int
load_mounts(json_t *arr, struct shim_config *c)
{
	size_t i;
	json_t *m;

	c->mounts = calloc(json_array_size(arr) + 1, sizeof(*c->mounts));
	if (!c->mounts)
		return -1;
	json_array_foreach(arr, i, m) {
		struct shim_mount *sm = &c->mounts[c->n_mounts++];

		sm->tmpfs = strcmp(json_string_value(json_object_get(m, "type")) ?: "", "tmpfs") == 0;
		sm->source = dup_str(m, "source");
		sm->target = dup_str(m, "target");
		sm->options = dup_str(m, "options");
		sm->readonly = json_is_true(json_object_get(m, "readonly"));
		sm->copy_up = json_is_true(json_object_get(m, "copy_up"));
		sm->tree_fd = -1;
		if (!sm->target || (!sm->tmpfs && !sm->source))
			return -1;
	}
	return 0;
}

static int
load_rlimits(json_t *arr, struct shim_config *c)
{
	size_t i;
	json_t *r;

	c->rlimits = calloc(json_array_size(arr) + 1, sizeof(*c->rlimits));
	if (!c->rlimits)
		return -1;
	json_array_foreach(arr, i, r) {
		struct shim_rlimit *rl = &c->rlimits[c->n_rlimits++];

		rl->resource = (int)json_integer_value(json_object_get(r, "resource"));
		rl->soft = (unsigned long long)json_integer_value(json_object_get(r, "soft"));
		rl->hard = (unsigned long long)json_integer_value(json_object_get(r, "hard"));
	}
	return 0;
}

/* {"/etc/hosts": "/path", ...} -> {target, source, ..., NULL} */
static char **
etc_files_load(json_t *o)
{
	json_t *a = json_array(), *v;
	const char *k;
	char **r;

	json_object_foreach(o, k, v) {
		if (!json_is_string(v))
			continue;
		json_array_append_new(a, json_string(k));
		json_array_append(a, v);
	}
	r = json_array_size(a) ? strv_from_json(a) : NULL;
	json_decref(a);
	return r;
}

int
shim_config_load(const char *path, struct shim_config *c, char *errbuf, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);

	memset(c, 0, sizeof(*c));
	if (!root) {
		snprintf(errbuf, errlen, "read %s: %s", path, jerr.text);
		return -1;
	}
	c->id = dup_str(root, "id");
	c->rootfs = dup_str(root, "rootfs");
	c->lowerdir = dup_str(root, "lowerdir");
	c->upperdir = dup_str(root, "upperdir");
	c->workdir = dup_str(root, "workdir");
	c->cmd = strv_from_json(json_object_get(root, "cmd"));
	c->env = strv_from_json(json_object_get(root, "env"));
	c->hostname = dup_str(root, "hostname");
	c->cwd = dup_str(root, "cwd");
	c->cgroup_procs = strv_from_json(json_object_get(root, "cgroup_procs"));
	c->oom_file = dup_str(root, "oom_file");
	c->log_path = dup_str(root, "log_path");
	c->log_max = (size_t)json_integer_value(json_object_get(root, "log_max"));
	c->exit_path = dup_str(root, "exit_path");
	c->attach_path = dup_str(root, "attach_path");
	c->open_stdin = json_is_true(json_object_get(root, "open_stdin"));
	c->etc_files = etc_files_load(json_object_get(root, "etc_files"));
	c->net_host = json_is_true(json_object_get(root, "net_host"));
	c->tty = json_is_true(json_object_get(root, "tty"));
	c->init = json_is_true(json_object_get(root, "init"));
	c->user = dup_str(root, "user");
	c->rows = (unsigned short)json_integer_value(json_object_get(root, "rows"));
	c->shm_size = dup_str(root, "shm_size");
	c->read_only = json_is_true(json_object_get(root, "read_only"));
	c->set_oom_score = json_is_integer(json_object_get(root, "oom_score_adj"));
	c->oom_score_adj = (int)json_integer_value(json_object_get(root, "oom_score_adj"));
	if (load_mounts(json_object_get(root, "mounts"), c) < 0 || load_rlimits(json_object_get(root, "rlimits"), c) < 0) {
		json_decref(root);
		snprintf(errbuf, errlen, "%s: malformed mounts or rlimits", path);
		return -1;
	}
	c->cols = (unsigned short)json_integer_value(json_object_get(root, "cols"));
	json_decref(root);
	if (!c->id || !c->rootfs || !c->lowerdir || !c->upperdir || !c->workdir || !c->cmd ||
	    !c->cmd[0] || !c->env || !c->log_path || !c->exit_path || !c->attach_path) {
		snprintf(errbuf, errlen, "%s: missing required fields", path);
		return -1;
	}
	if (!c->log_max)
		c->log_max = 64u << 20;
	return 0;
}

void
shim_config_free(struct shim_config *c)
{
	free(c->id);
	free(c->rootfs);
	free(c->lowerdir);
	free(c->upperdir);
	free(c->workdir);
	strv_free(c->cmd);
	strv_free(c->env);
	free(c->hostname);
	free(c->cwd);
	free(c->user);
	free(c->shm_size);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].target);
		free(c->mounts[i].options);
	}
	free(c->mounts);
	free(c->rlimits);
	strv_free(c->cgroup_procs);
	free(c->oom_file);
	free(c->log_path);
	free(c->exit_path);
	free(c->attach_path);
	strv_free(c->etc_files);
}

static int
listen_unix(const char *path, char *errbuf, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(errbuf, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		close(fd);
		goto fail;
	}
	return fd;
fail:
	snprintf(errbuf, errlen, "attach socket %s: %s", path, strerror(errno));
	return -1;
}

/* Wait for init's "ready" record, or its set-up failure. */
static int
await_ready(struct spawn_result *sp, char *errbuf, size_t errlen)
{
	struct spawn_error e;
	ssize_t n = read_all(sp->error_fd, &e, sizeof(e));

	if (n == (ssize_t)sizeof(e) && e.exit_code == 0)
		return 0;
	if (n == (ssize_t)sizeof(e)) {
		e.msg[sizeof(e.msg) - 1] = '\0';
		snprintf(errbuf, errlen, "%s", e.msg);
	} else {
		snprintf(errbuf, errlen, "container init died during set-up");
	}
	return -1;
}

/* One line to the daemon: "ok PID" or "err CODE MESSAGE". */
static void
report(bool ok, long n, const char *msg)
{
	char line[600];
	int len = ok ? snprintf(line, sizeof(line), "ok %ld\n", n)
		     : snprintf(line, sizeof(line), "err %ld %s\n", n, msg);

	(void)!write_all(SYNC_FD, line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
	close(SYNC_FD);
}

int
main(int argc, char **argv)
{
	struct shim_config c;
	struct spawn_result sp;
	char err[512] = "";
	int listen_fd, r;

	log_init("lite-shim", LOG_LVL_INFO);
	if (argc != 2) {
		fprintf(stderr, "usage: lite-shim CONFIG.json (started by containerd-lite)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL); /* inherited dispositions must not auto-reap init */
	if (fcntl(SYNC_FD, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "lite-shim: fd 3 must be the daemon's sync pipe\n");
		return 2;
	}
	if (shim_config_load(argv[1], &c, err, sizeof(err)) < 0) {
		report(false, 125, err);
		shim_config_free(&c);
		return 1;
	}
	listen_fd = listen_unix(c.attach_path, err, sizeof(err));
	if (listen_fd < 0 || spawn_container(&c, &sp, err, sizeof(err)) < 0 ||
	    await_ready(&sp, err, sizeof(err)) < 0) {
		report(false, 125, err);
		if (c.attach_path)
			unlink(c.attach_path);
		shim_config_free(&c);
		return 1;
	}
	report(true, (long)sp.pid, NULL);
	r = shim_io_run(&c, &sp, listen_fd);
	unlink(c.attach_path);
	shim_config_free(&c);
	return r;
}
