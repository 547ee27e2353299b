/* run: validate every param, resolve the image, create the container and
 * start it through its shim; attached runs then proxy the shim's stream. */
#include "req.h"

#include <ctype.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctr.h"
#include "daemon.h"
#include "image-store.h"
#include "log.h"
#include "net-ctr.h"
#include "run-flags.h"
#include "str-util.h"
#include "strv.h"

#define MIN_MEMORY (6ULL << 20) /* Docker's floor: smaller limits cannot start a process */
#define DEFAULT_PIDS_LIMIT 4096 /* a fork bomb stays inside its container; -1 lifts it */

struct run_ctx {
	struct peer *peer;
	bool attach;
	bool pass_fd;
	bool keep;      /* start of an existing container: never remove it */
};

static bool
hostname_is_valid(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 63 || h[0] == '-' || h[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.')
			return false;
	return true;
}

/* Entrypoint + (cmd param, else the image's Cmd); --entrypoint replaces
 * the image's and, as in Docker, drops its Cmd. */
static char **
build_cmd(json_t *params, json_t *img_cfg)
{
	json_t *entry = json_object_get(params, "entrypoint");
	json_t *cmd = json_object_get(params, "cmd");
	json_t *all = json_array();
	char **v;

	if (!entry)
		entry = json_object_get(img_cfg, "Entrypoint");
	if ((!cmd || json_array_size(cmd) == 0) && !json_object_get(params, "entrypoint"))
		cmd = json_object_get(img_cfg, "Cmd");
	if (json_is_array(entry))
		json_array_extend(all, entry);
	if (json_is_array(cmd))
		json_array_extend(all, cmd);
	v = json_array_size(all) ? strv_from_json(all) : NULL;
	json_decref(all);
	return v;
}

/* Defaults (PATH, HOSTNAME, HOME) < the image's Env < -e, key by key. */
static char **
build_env(json_t *params, json_t *img_cfg, const char *hostname)
{
	char host[128];
	char *defaults[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", host,
			     "HOME=/root", NULL };
	char **image_env = strv_from_json(json_object_get(img_cfg, "Env"));
	json_t *image_user, *all;
	char **v;

	snprintf(host, sizeof(host), "HOSTNAME=%s", hostname);
	image_user = env_overlay(image_env, json_object_get(params, "env"));
	all = env_overlay(defaults, image_user);
	v = strv_from_json(all);
	json_decref(all);
	json_decref(image_user);
	strv_free(image_env);
	return v;
}

static int
parse_limits(json_t *params, struct cgroup_limits *l, struct lite_err *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int r;

	r = proto_get_size(params, "memory", &l->memory_bytes);
	if (r < 0 && r != -ENOENT)
		return lite_err_set(err, EINVAL, "invalid --memory \"%s\": expected a size like 512m",
				    proto_get_str(params, "memory", "?"));
	if (l->memory_bytes && l->memory_bytes < MIN_MEMORY)
		return lite_err_set(err, EINVAL, "invalid --memory: minimum memory limit allowed is 6MB");
	l->memory_swap_bytes = proto_get_int(params, "memory_swap", 0);
	if (l->memory_swap_bytes > 0 && (uint64_t)l->memory_swap_bytes < l->memory_bytes)
		return lite_err_set(err, EINVAL, "invalid --memory-swap: must be at least --memory");
	if (l->memory_swap_bytes && !l->memory_bytes)
		return lite_err_set(err, EINVAL, "invalid --memory-swap: requires --memory");
	r = proto_get_cpus(params, "cpus", &l->millicpus);
	if (r < 0 && r != -ENOENT)
		return lite_err_set(err, EINVAL, "invalid --cpus: expected a number like 0.5");
	if (l->millicpus && (l->millicpus < 10 || l->millicpus > (uint64_t)ncpu * 1000))
		return lite_err_set(err, EINVAL, "invalid --cpus: range of CPUs is from 0.01 to %ld.00, "
				    "as there are only %ld CPUs available", ncpu, ncpu);
	l->cpu_shares = (uint64_t)proto_get_int(params, "cpu_shares", 0);
	if (proto_get_int(params, "cpu_shares", 0) < 0 || (l->cpu_shares && (l->cpu_shares < 2 || l->cpu_shares > 262144)))
		return lite_err_set(err, EINVAL, "invalid --cpu-shares: expected 2 to 262144");
	l->pids_limit = proto_get_int(params, "pids_limit", DEFAULT_PIDS_LIMIT);
	if (l->pids_limit < -1 || l->pids_limit == 0)
		return lite_err_set(err, EINVAL, "invalid --pids-limit: expected a positive number or -1");
	return 0;
}

static int
check_identity(struct daemon *d, json_t *params, struct ctr *c, struct lite_err *err)
{
	const char *name = proto_get_str(params, "name", NULL);
	const char *host = proto_get_str(params, "hostname", NULL);
	json_t *env = json_object_get(params, "env"), *e;
	size_t i;

	json_array_foreach(env, i, e)
		if (!env_is_valid(json_string_value(e)))
			return lite_err_set(err, EINVAL, "invalid -e \"%s\": expected KEY=VALUE", json_string_value(e));
	if (name && !name_is_valid(name))
		return lite_err_set(err, EINVAL, "invalid --name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
	if (name && ctr_by_name(d, name))
		return lite_err_set(err, EEXIST, "the container name \"%s\" is already in use by container %.12s",
				    name, ctr_by_name(d, name)->spec.id);
	if (host && !hostname_is_valid(host))
		return lite_err_set(err, EINVAL, "invalid --hostname \"%s\"", host);
	ctr_generate_id(c->spec.id);
	if (name)
		snprintf(c->spec.name, sizeof(c->spec.name), "%s", name);
	else
		ctr_generate_name(d, c->spec.name, sizeof(c->spec.name));
	snprintf(c->spec.hostname, sizeof(c->spec.hostname), "%.12s", host ? host : c->spec.id);
	if (host)
		snprintf(c->spec.hostname, sizeof(c->spec.hostname), "%s", host);
	return 0;
}

/* -t, -u, -w, --init, --stop-signal: how the command runs. */
static int
parse_process(json_t *params, const char *image_user, struct ctr_spec *s, struct lite_err *err)
{
	const char *user = proto_get_str(params, "user", image_user);
	const char *workdir = proto_get_str(params, "workdir", NULL);
	long long rows = proto_get_int(params, "rows", 0), cols = proto_get_int(params, "cols", 0);

	s->tty = proto_get_bool(params, "tty", false);
	s->init = proto_get_bool(params, "init", false);
	if (rows < 0 || rows > 65535 || cols < 0 || cols > 65535)
		return lite_err_set(err, EINVAL, "invalid terminal size %lldx%lld", rows, cols);
	s->rows = (unsigned short)rows;
	s->cols = (unsigned short)cols;
	if (strlen(user) >= sizeof(s->user) || strchr(user, '\n'))
		return lite_err_set(err, EINVAL, "invalid --user \"%s\"", user);
	snprintf(s->user, sizeof(s->user), "%s", user);
	if (workdir && (workdir[0] != '/' || strlen(workdir) >= sizeof(s->cwd)))
		return lite_err_set(err, EINVAL, "invalid --workdir \"%s\": must be an absolute path", workdir);
	if (workdir)
		snprintf(s->cwd, sizeof(s->cwd), "%s", workdir);
	if (json_object_get(params, "stop_signal") && proto_get_signal(params, "stop_signal", &s->stop_signal) < 0)
		return lite_err_set(err, EINVAL, "invalid --stop-signal");
	s->stop_timeout = (int)proto_get_int(params, "stop_timeout", -1);
	if (s->stop_timeout < -1 || s->stop_timeout > 3600)
		return lite_err_set(err, EINVAL, "invalid --stop-timeout %d: expected 0 to 3600 seconds", s->stop_timeout);
	return 0;
}

static int
build_spec(struct daemon *d, json_t *params, uid_t uid, struct ctr *c, struct lite_err *err)
{
	const char *ref = proto_get_str(params, "image", "");
	struct image *img = NULL;
	char *image_id = NULL, cfg_user[256];
	json_t *cfg;
	int r;

	r = check_identity(d, params, c, err);
	if (r < 0 || (r = parse_limits(params, &c->spec.limits, err)) < 0 ||
	    (r = run_flags_parse(d, params, uid, &c->spec, err)) < 0)
		return r;
	r = image_resolve(d->cfg.data_root, ref, &image_id, err);
	if (r < 0 || (r = image_load(d->cfg.data_root, image_id, &img, err)) < 0) {
		free(image_id);
		return r;
	}
	cfg = json_object_get(img->config, "config");
	if ((r = ctr_health_from_params(params, cfg, &c->spec.healthcheck, err)) < 0) {
		image_free(img);
		free(image_id);
		return r;
	}
	snprintf(c->spec.image, sizeof(c->spec.image), "%s", ref);
	snprintf(c->spec.image_id, sizeof(c->spec.image_id), "%s", image_id);
	free(image_id);
	c->spec.cmd = build_cmd(params, cfg);
	c->spec.env = build_env(params, cfg, c->spec.hostname);
	if (json_is_string(json_object_get(cfg, "WorkingDir")))
		snprintf(c->spec.cwd, sizeof(c->spec.cwd), "%s", json_string_value(json_object_get(cfg, "WorkingDir")));
	snprintf(cfg_user, sizeof(cfg_user), "%s", json_string_value(json_object_get(cfg, "User")) ?: "");
	image_free(img);
	if (!c->spec.cmd || !c->spec.cmd[0] || !c->spec.cmd[0][0])
		return lite_err_set(err, EINVAL, "no command specified and image '%s' has no default command", ref);
	if (!c->spec.env)
		return lite_err_set(err, ENOMEM, "out of memory");
	c->spec.owner_uid = uid;
	c->spec.created = time(NULL);
	c->spec.auto_remove = proto_get_bool(params, "rm", false);
	c->spec.open_stdin = proto_get_bool(params, "stdin", false);
	return parse_process(params, cfg_user, &c->spec, err);
}

static void
run_started(struct ctr *c, int error, const char *msg, void *arg)
{
	struct run_ctx *rc = arg;
	struct peer *p = rc->peer;
	struct daemon *d = p->d;
	struct lite_err nerr = { 0 };
	int fd;

	if (error == 0 && net_ctr_attach(d, c, &nerr) < 0) {
		kill(c->rt.init_pid, SIGKILL); /* blocked before execve: nothing ran */
		error = -EIO;
		msg = nerr.msg;
	}
	if (error < 0) {
		log_info("container %.12s failed to start: %s", c->spec.id, msg);
		peer_reply_err(p, EIO, msg);
		if (rc->keep)
			ctr_start_failed(d, c, msg);
		else
			ctr_remove(d, c);
		goto out;
	}
	c->rt.status = CTR_RUNNING;
	c->rt.started_at = time(NULL);
	ctr_save(d, c);
	ctr_monitor_shim(d, c);
	fd = ctr_shim_connect(d, c, !rc->attach ? "start\n" : c->spec.open_stdin ? "attach stdin start\n" : "attach start\n");
	if (fd < 0) {
		peer_reply_err(p, fd, "connect to the container's shim");
		goto out;
	}
	log_info("started container %.12s (%s)", c->spec.id, c->spec.name);
	if (!rc->attach) {
		close(fd);
		peer_reply(p, json_pack("{s:s, s:s}", "id", c->spec.id, "name", c->spec.name));
		goto out;
	}
	p->on_proxy_end = ctr_stream_end;
	if (peer_reply_stream(p, json_pack("{s:s, s:s, s:b, s:b}", "id", c->spec.id, "name", c->spec.name,
					   "tty", c->spec.tty, "stream", 1),
			      fd, rc->pass_fd, c->spec.tty, c->spec.id, NULL))
		ctr_add_waiter(c, WAITER_CLOSE, p); /* EOF tells the client the exit is recorded */
out:
	lite_err_clear(&nerr);
	peer_unref(p);
	free(rc);
}

void
req_run(struct peer *p, json_t *params)
{
	struct daemon *d = p->d;
	struct lite_err err = { 0 };
	struct run_ctx *rc = NULL;
	struct ctr *c = ctr_new();
	int r;

	if (!c) {
		peer_reply_err(p, ENOMEM, NULL);
		return;
	}
	r = build_spec(d, params, p->cred.uid, c, &err);
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		goto fail;
	}
	r = net_ctr_prepare(d, c, params, p->cred.uid, &err);
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		goto fail;
	}
	TAILQ_INSERT_TAIL(&d->ctrs, c, entry);
	rc = calloc(1, sizeof(*rc));
	r = rc ? ctr_create_and_spawn(d, c, run_started, rc, &err) : lite_err_set(&err, ENOMEM, "out of memory");
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		ctr_remove(d, c);
		free(rc);
		lite_err_clear(&err);
		return;
	}
	rc->peer = p;
	rc->attach = proto_get_bool(params, "attach", false);
	rc->pass_fd = proto_get_bool(params, "pass_fd", false);
	peer_ref(p);
	lite_err_clear(&err);
	return;
fail:
	lite_err_clear(&err);
	ctr_free(c);
}

/* For create (req-ctl.c): the container run would make, validated alike. */
int
req_run_build_spec(struct daemon *d, json_t *params, uid_t uid, struct ctr *c, struct lite_err *err)
{
	return build_spec(d, params, uid, c, err);
}

/* For start (req-ctl.c): spawn an existing container's shim and start it
 * as run does, replying on p; a failure marks it exited, never removes it. */
int
req_run_start(struct peer *p, struct ctr *c, bool attach, bool pass_fd, struct lite_err *err)
{
	struct run_ctx *rc = calloc(1, sizeof(*rc));
	int r;

	if (!rc)
		return lite_err_set(err, ENOMEM, "out of memory");
	*rc = (struct run_ctx){ .peer = p, .attach = attach, .pass_fd = pass_fd, .keep = true };
	r = ctr_create_and_spawn(p->d, c, run_started, rc, err);
	if (r < 0) {
		free(rc);
		return r;
	}
	peer_ref(p);
	return 0;
}
