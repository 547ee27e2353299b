/* run: the request is decoded once (proto/run-spec.c); here it is checked
 * against the engine's state, the image is resolved, and the container is
 * created and started through its shim; attached runs then proxy the
 * shim's stream. */
#include "req.h"

#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctr.h"
#include "crash-point.h"
#include "ctr-sec.h"
#include "daemon.h"
#include "events.h"
#include "image.h"
#include "log.h"
#include "net-ctr.h"
#include "run-flags.h"
#include "run-spec.h"
#include "strv.h"

struct run_ctx {
	struct peer *peer;
	bool attach;
	bool pass_fd;
	bool keep;      /* start of an existing container: never remove it */
	bool direct_start; /* run_spec's: the shim may wait for the client's pipes */
};

/* Entrypoint + (the request's cmd, else the image's Cmd); --entrypoint
 * replaces the image's and, as in Docker, drops its Cmd. */
static char **
build_cmd(const struct run_spec *rs, json_t *img_cfg)
{
	json_t *all = json_array(), *entry, *cmd = NULL;
	char **v;

	entry = rs->entrypoint_set ? strv_to_json(rs->entrypoint) : json_incref(json_object_get(img_cfg, "Entrypoint"));
	if (rs->cmd && rs->cmd[0])
		cmd = strv_to_json(rs->cmd);
	else if (!rs->entrypoint_set)
		cmd = json_incref(json_object_get(img_cfg, "Cmd"));
	if (json_is_array(entry))
		json_array_extend(all, entry);
	if (json_is_array(cmd))
		json_array_extend(all, cmd);
	v = json_array_size(all) ? strv_from_json(all) : NULL;
	json_decref(entry);
	json_decref(cmd);
	json_decref(all);
	return v;
}

/* Defaults (PATH, HOSTNAME) < the image's Env < -e, key by key. HOME
 * (the user's from passwd, else "/") and TERM (with a TTY) are added by
 * the shim when unset, as Docker's are (proc_setup_env). */
static char **
build_env(const struct run_spec *rs, json_t *img_cfg, const char *hostname)
{
	char host[128];
	char *defaults[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", host, NULL };
	char **image_env = strv_from_json(json_object_get(img_cfg, "Env"));
	json_t *image_user, *all, *user = strv_to_json(rs->env);
	char **v;

	snprintf(host, sizeof(host), "HOSTNAME=%s", hostname);
	image_user = strv_env_overlay(image_env, user);
	all = strv_env_overlay(defaults, image_user);
	v = strv_from_json(all);
	json_decref(all);
	json_decref(image_user);
	json_decref(user);
	strv_free(image_env);
	return v;
}

/* The name is free; id, name and hostname into the spec. */
static int
set_identity(struct daemon *d, const struct run_spec *rs, struct ctr *c, struct lite_err *err)
{
	struct ctr *other = rs->name ? ctr_by_name(d, rs->name) : NULL;

	/* another user's container: its id is not the caller's to know */
	if (other && ctr_visible_to(other, c->spec.owner_uid))
		return lite_err_set(err, EEXIST, "the container name \"%s\" is already in use by container %.12s",
				    rs->name, other->spec.id);
	if (other)
		return lite_err_set(err, EEXIST, "the container name \"%s\" is already in use", rs->name);
	ctr_generate_id(c->spec.id);
	if (rs->name)
		snprintf(c->spec.name, sizeof(c->spec.name), "%s", rs->name);
	else
		ctr_generate_name(d, c->spec.name, sizeof(c->spec.name));
	snprintf(c->spec.hostname, sizeof(c->spec.hostname), "%.12s", rs->hostname ? rs->hostname : c->spec.id);
	if (rs->hostname)
		snprintf(c->spec.hostname, sizeof(c->spec.hostname), "%s", rs->hostname);
	return 0;
}

/* -t, -u, -w, --init, --stop-signal: how the command runs. */
static void
set_process(const struct run_spec *rs, const char *image_user, struct ctr_spec *s)
{
	s->tty = rs->tty;
	s->init = rs->init;
	s->rows = rs->rows;
	s->cols = rs->cols;
	snprintf(s->user, sizeof(s->user), "%s", rs->user ? rs->user : image_user);
	if (rs->workdir)
		snprintf(s->cwd, sizeof(s->cwd), "%s", rs->workdir);
	s->stop_signal = rs->stop_signal;
	s->stop_timeout = rs->stop_timeout;
	s->auto_remove = rs->auto_remove;
	s->open_stdin = rs->open_stdin;
}

/* What the image gives: command, environment, working dir, user, health check. */
static int
from_image(struct daemon *d, const struct run_spec *rs, struct ctr *c, char *user, size_t user_len,
	   struct lite_err *err)
{
	struct image *img = NULL;
	char *image_id = NULL;
	json_t *cfg;
	int r;

	r = image_resolve_for(d->cfg.data_root, rs->image, c->spec.owner_uid, &image_id, err);
	if (r == 0)
		r = image_load(d->cfg.data_root, image_id, &img, err);
	if (r < 0) {
		free(image_id);
		return r;
	}
	cfg = json_object_get(img->config, "config");
	snprintf(c->spec.image, sizeof(c->spec.image), "%s", rs->image);
	snprintf(c->spec.image_id, sizeof(c->spec.image_id), "%s", image_id);
	free(image_id);
	c->spec.cmd = build_cmd(rs, cfg);
	if (rs->entrypoint_set) /* Docker's Config.Entrypoint shows it apart from Cmd */
		c->spec.entrypoint = strv_to_json(rs->entrypoint);
	c->spec.env = build_env(rs, cfg, c->spec.hostname);
	if (json_is_string(json_object_get(cfg, "WorkingDir")))
		snprintf(c->spec.cwd, sizeof(c->spec.cwd), "%s", json_string_value(json_object_get(cfg, "WorkingDir")));
	snprintf(user, user_len, "%s", json_string_value(json_object_get(cfg, "User")) ?: "");
	r = ctr_health_config(&rs->health, cfg, &c->spec.healthcheck);
	image_free(img);
	if (r < 0 || !c->spec.env)
		return lite_err_set(err, ENOMEM, "out of memory");
	if (!c->spec.cmd || !c->spec.cmd[0] || !c->spec.cmd[0][0])
		return lite_err_set(err, EINVAL, "no command specified and image '%s' has no default command", rs->image);
	return 0;
}

/* "max-containers-per-user": a user's containers, running or not; root
 * is exempt. -EDQUOT (kind "limit") when uid has its share. */
static int
check_ctr_quota(struct daemon *d, uid_t uid, struct lite_err *err)
{
	int max = d->cfg.limits.max_ctrs_per_user, n = 0;
	struct ctr *c;

	if (uid == 0)
		return 0;
	TAILQ_FOREACH(c, &d->ctrs, entry)
		n += c->spec.owner_uid == uid;
	if (n < max)
		return 0;
	return lite_err_set(err, EDQUOT, "container limit reached: you have %d containers (max-containers-per-user %d); remove some first",
			    n, max);
}

static int
build_spec(struct daemon *d, const struct run_spec *rs, uid_t uid, struct ctr *c, struct lite_err *err)
{
	char image_user[256];
	struct cgroup_limits limits = rs->limits;
	int r;

	c->spec.owner_uid = uid; /* first: set_identity's messages depend on it */
	r = check_ctr_quota(d, uid, err);
	if (r == 0)
		r = cgroup_limits_check(&rs->limits, sysconf(_SC_NPROCESSORS_ONLN), err);
	if (r == 0)
		r = set_identity(d, rs, c, err);
	if (r == 0)
		r = from_image(d, rs, c, image_user, sizeof(image_user), err);
	if (r == 0) /* issue 11 A1 */
		r = userns_for_run(d, uid, rs->userns, &c->spec.userns, err);
	if (r < 0)
		return r;
	r = ctr_sec_from_run(&rs->sec, uid, &c->spec.sec, err);
	if (r < 0)
		return r;
	if (!rs->pids_limit_set)
		limits.pids_limit = d->cfg.default_pids_limit;
	{
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		c->spec.created = now.tv_sec;
		c->spec.created_nsec = now.tv_nsec;
	}
	set_process(rs, image_user, &c->spec);
	c->spec.restart = rs->restart;
	/* last: it creates named volumes */
	r = run_flags_apply(d, rs, uid, &c->spec, &limits, err);
	if (r == 0) {
		c->spec.limits = limits_pool_get(&limits);
		if (!c->spec.limits)
			r = lite_err_set(err, ENOMEM, "out of memory");
	}
	return r;
}

/* The attached run's line to its shim. "handoff" (issue 14): the client
 * takes the shim's socket and offers its pipes first; the shim, when the
 * container has no log and no TTY, starts init only then, with those pipes
 * as its stdout/stderr (shim-io-attach.c). */
static const char *
attach_line(const struct run_ctx *rc, const struct ctr *c)
{
	if (rc->direct_start)
		return c->spec.open_stdin ? "attach stdin start notify handoff\n" : "attach start notify handoff\n";
	return c->spec.open_stdin ? "attach stdin start notify\n" : "attach start notify\n";
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
	if (error == 0)
		CRASH_POINT("run.after-veth");
	if (error < 0) {
		log_info("container %.12s failed to start: %s", c->spec.id, msg);
		peer_reply_err(p, EIO, msg);
		if (rc->keep) {
			ctr_ctl_start_failed(d, c, msg);
			ctr_proc_start_failed(d, c);
		} else
			ctr_remove(d, c);
		goto out;
	}
	c->rt.status = CTR_RUNNING;
	c->rt.started_at = time(NULL);
	ctr_save_nosync(d, c); /* on the start path: see ctr.h */
	CRASH_POINT("run.after-state");
	ctr_proc_monitor(d, c);
	ctr_attach_connect_held(d, c); /* Docker's attach before start: connected before init runs */
	/* notify: the attach session's end while it runs is a "detach" (ctr-notes.c) */
	fd = ctr_shim_connect(d, c, !rc->attach ? "start\n" : attach_line(rc, c));
	CRASH_POINT("run.after-start");
	if (fd < 0) {
		peer_reply_err(p, fd, "connect to the container's shim");
		goto out;
	}
	log_info("started container %.12s (%s)", c->spec.id, c->spec.name);
	events_ctr(d, c, rc->attach ? "attach" : NULL, NULL); /* Docker's order: attach, then start */
	events_ctr(d, c, "start", NULL);
	if (!rc->attach) {
		close(fd);
		peer_reply(p, json_pack("{s:s, s:s}", "id", c->spec.id, "name", c->spec.name));
		goto out;
	}
	p->on_proxy_end = ctr_proc_stream_end;
	if (peer_reply_stream(p, json_pack("{s:s, s:s, s:b, s:b}", "id", c->spec.id, "name", c->spec.name,
					   "tty", c->spec.tty, "stream", 1),
			      fd, rc->pass_fd, c->spec.tty, c->spec.id, NULL))
		ctr_add_waiter(c, WAITER_CLOSE, p); /* EOF tells the client the exit is recorded */
out:
	lite_err_clear(&nerr);
	peer_unref(p);
	free(rc);
}

/* Build, prepare the network, and spawn; replies on p. */
static void
run(struct peer *p, const struct run_spec *rs)
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
	r = build_spec(d, rs, p->cred.uid, c, &err);
	userns_caller_from_peer(p, &c->spec.caller); /* issue 11 A2 */
	if (r == 0)
		CRASH_POINT("run.after-volumes");
	if (r == 0)
		r = net_ctr_prepare(d, c, &rs->net, p->cred.uid, &err);
	if (r == 0)
		CRASH_POINT("run.after-lease");
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		lite_err_clear(&err);
		ctr_free(c);
		return;
	}
	ctr_table_add(d, c);
	rc = calloc(1, sizeof(*rc));
	events_ctr(d, c, "create", NULL);
	r = rc ? ctr_shim_spawn(d, c, run_started, rc, &err) : lite_err_set(&err, ENOMEM, "out of memory");
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		ctr_remove(d, c);
		free(rc);
		lite_err_clear(&err);
		return;
	}
	*rc = (struct run_ctx){ .peer = p, .attach = rs->attach, .pass_fd = rs->pass_fd,
				.direct_start = rs->direct_start && rs->attach && rs->pass_fd };
	peer_ref(p);
}

/* A run waiting for its seccomp programs (a custom profile or capability
 * set compiles in a worker thread, never on the loop). */
struct run_wait {
	struct peer *peer;
	struct run_spec rs;
};

static void
run_compiled(void *arg, int error, const char *msg)
{
	struct run_wait *w = arg;

	if (error < 0)
		peer_reply_err(w->peer, error, msg);
	else if (!peer_is_closed(w->peer))
		run(w->peer, &w->rs);
	run_spec_free(&w->rs);
	peer_unref(w->peer);
	free(w);
}

void
req_run(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct run_wait *w = calloc(1, sizeof(*w));
	int r = w ? run_spec_decode(params, &w->rs, &err) : lite_err_set(&err, ENOMEM, "out of memory");

	if (r == 0)
		r = ctr_sec_prepare(p->d, &w->rs.sec, p->cred.uid, run_compiled, w, &err);
	if (r == 0) {
		w->peer = p;
		peer_ref(p);
		return;
	}
	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else
		run(p, &w->rs);
	lite_err_clear(&err);
	if (w)
		run_spec_free(&w->rs);
	free(w);
}

/* For create (req-ctl.c): the container run would make, validated alike. */
int
req_run_build_spec(struct daemon *d, const struct run_spec *rs, uid_t uid, struct ctr *c, struct lite_err *err)
{
	struct lite_err ignored = { 0 };

	/* the start will need its seccomp programs: a worker compiles them now */
	(void)ctr_sec_prepare(d, &rs->sec, uid, NULL, NULL, &ignored);
	lite_err_clear(&ignored);
	return build_spec(d, rs, uid, c, err);
}

/* Spawn an existing container's shim; replies on p from now on. */
static int
start_spawn(struct peer *p, struct ctr *c, bool attach, bool pass_fd, struct lite_err *err)
{
	struct run_ctx *rc = calloc(1, sizeof(*rc));
	int r;

	if (!rc)
		return lite_err_set(err, ENOMEM, "out of memory");
	*rc = (struct run_ctx){ .peer = p, .attach = attach, .pass_fd = pass_fd, .keep = true };
	r = ctr_shim_spawn(p->d, c, run_started, rc, err);
	if (r < 0) {
		free(rc);
		return r;
	}
	peer_ref(p);
	return 0;
}

/* A start waiting for its seccomp programs; the container is found again
 * by id afterwards (it may have been removed or started meanwhile). */
struct start_wait {
	struct peer *peer;
	char id[65];
	bool attach, pass_fd;
};

static void
start_compiled(void *arg, int error, const char *msg)
{
	struct start_wait *w = arg;
	struct lite_err err = { 0 };
	struct ctr *c = NULL;
	int r = ctr_lookup(w->peer->d, w->id, 0, &c, &err);

	if (r == 0 && (c->start_ev || ctr_is_running(c))) {
		c = NULL; /* another start won: leave it alone */
		r = lite_err_set(&err, EBUSY, "the container is starting already");
	}
	if (r == 0 && c->cp_busy) { /* a copy into it began meanwhile (req-cp.c): leave it alone */
		r = lite_err_set(&err, EBUSY, "container %s is busy: a copy into it is under way", c->spec.name);
		c = NULL;
	}
	if (r == 0 && error < 0)
		r = lite_err_set(&err, error, "%s", msg);
	if (r == 0 && !peer_is_closed(w->peer))
		r = start_spawn(w->peer, c, w->attach, w->pass_fd, &err);
	if (r < 0) {
		peer_reply_err(w->peer, r, err.msg);
		if (c) {
			ctr_ctl_start_failed(w->peer->d, c, err.msg);
			ctr_proc_start_failed(w->peer->d, c);
		}
	}
	lite_err_clear(&err);
	peer_unref(w->peer);
	free(w);
}

/* For start (req-ctl.c): spawn an existing container's shim and start it
 * as run does, replying on p; a failure marks it exited, never removes it.
 * Seccomp programs not cached yet compile in a worker first. */
int
req_run_start(struct peer *p, struct ctr *c, bool attach, bool pass_fd, struct lite_err *err)
{
	struct start_wait *w = calloc(1, sizeof(*w));
	int r = w ? ctr_sec_prepare_ctr(p->d, c, start_compiled, w, err) : lite_err_set(err, ENOMEM, "out of memory");

	if (r == 0) {
		*w = (struct start_wait){ .peer = p, .attach = attach, .pass_fd = pass_fd };
		snprintf(w->id, sizeof(w->id), "%s", c->spec.id);
		peer_ref(p);
		return 0;
	}
	free(w);
	return r < 0 ? r : start_spawn(p, c, attach, pass_fd, err);
}
