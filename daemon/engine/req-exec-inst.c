/* exec_create and exec_start: Docker's exec in two steps (issue 16). The
 * instance waits in exec-table.c between them, so the start may come on
 * another connection (the Docker API front end opens one per request);
 * starting it is lite's own exec (req-exec.c), the same shim request.
 * exec_inspect is here too: an instance, else the finished ring. */
#include "req.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"
#include "daemon.h"
#include "events.h"
#include "exec-drain.h"
#include "exec-table.h"
#include "finished.h"
#include "lite-err.h"

/* The daemon's table, made on first use. */
static struct exec_table *
table(struct daemon *d)
{
	if (!d->execs && (d->execs = calloc(1, sizeof(*d->execs))))
		exec_table_init(d->execs);
	return d->execs;
}

/* "exec_create: CMD" and "exec_start: CMD", as events_exec names them. */
static void
emit(struct daemon *d, const struct ctr *c, const char *what, const struct exec_inst *e)
{
	char action[512];
	size_t i, n = (size_t)snprintf(action, sizeof(action), "%s:", what);
	json_t *a;

	json_array_foreach(json_object_get(e->params, "cmd"), i, a)
		if (n < sizeof(action))
			n += (size_t)snprintf(action + n, sizeof(action) - n, " %s", json_string_value(a));
	events_ctr(d, c, action, events_attrs("execID", e->id, NULL));
}

void
req_exec_create(struct peer *p, json_t *params)
{
	char errbuf[256], id[65];
	struct exec_inst *e;
	struct ctr *c;

	if (req_exec_check_params(params, errbuf, sizeof(errbuf)) < 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "%s", errbuf);
		return;
	}
	/* kept in memory until forgotten: bounded */
	if (json_dumpb(params, NULL, 0, JSON_COMPACT) > EXEC_TABLE_PARAMS_MAX) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_TOO_LARGE,
				 "exec command and environment too large (at most %d bytes)", EXEC_TABLE_PARAMS_MAX);
		return;
	}
	c = req_exec_target(p, proto_get_str(params, "id", ""));
	if (!c)
		return;
	/* an exec takes its container's privileges: more is not lite's to give */
	if (proto_get_bool(params, "privileged", false) && !c->spec.sec.privileged) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
				 "privileged exec is not supported: an exec has its container's privileges (run it with --privileged)");
		return;
	}
	ctr_generate_id(id);
	e = table(p->d) ? exec_table_add(p->d->execs, &p->d->finished, id, c->spec.id, p->cred.uid, params) : NULL;
	if (!e) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_LIMIT,
				 "too many exec instances running (at most %d, %d of a user's)", EXEC_TABLE_MAX,
				 EXEC_TABLE_PER_USER);
		return;
	}
	emit(p->d, c, "exec_create", e);
	peer_reply(p, json_pack("{s:s}", "exec_id", e->id));
}

/* What the shim runs: the stored params, attached (a detached one is
 * drained), with the start's terminal size. */
static json_t *
spawn_params(const struct exec_inst *e, json_t *start, bool detach)
{
	json_t *sp = json_deep_copy(e->params);

	json_object_set_new(sp, "detach", json_false());
	if (detach)
		json_object_set_new(sp, "stdin", json_false());
	if (proto_get_int(start, "rows", 0) > 0 && proto_get_int(start, "cols", 0) > 0) {
		json_object_set(sp, "rows", json_object_get(start, "rows"));
		json_object_set(sp, "cols", json_object_get(start, "cols"));
	}
	return sp;
}

void
req_exec_start(struct peer *p, json_t *params)
{
	const char *id = proto_get_str(params, "id", "");
	bool detach = proto_get_bool(params, "detach", false);
	struct exec_inst *e = exec_table_find(p->d->execs, id, p->cred.uid);
	struct ctr *c;
	json_t *sp;
	int fd;

	if (!e) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "no such exec instance: %s", id);
		return;
	}
	if (e->started) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, exec_table_running(&p->d->finished, e)
				 ? "exec instance %s is already running" : "exec instance %s has already run", id);
		return;
	}
	c = req_exec_target(p, e->ctr_id);
	if (!c)
		return;
	sp = spawn_params(e, params, detach);
	fd = sp ? req_exec_spawn(p, c, sp, e->id) : -1;
	if (!sp)
		peer_reply_err(p, -ENOMEM, "exec");
	json_decref(sp);
	if (fd < 0)
		return;
	e->started = true;
	emit(p->d, c, "exec_start", e);
	if (detach) {
		int r = exec_drain_start(p->d, fd, c->spec.id, e->id, p->cred.uid);

		if (r < 0)
			peer_reply_err(p, r, "watch the detached exec");
		else
			peer_reply(p, json_pack("{s:s}", "exec_id", e->id));
		return;
	}
	peer_reply_stream(p, json_pack("{s:s, s:b}", "exec_id", e->id, "stream", 1), fd, false,
			  proto_get_bool(e->params, "tty", false), c->spec.id, e->id);
}

static bool
inspect_instance(struct peer *p, const char *id)
{
	struct exec_inst *e = exec_table_find(p->d->execs, id, p->cred.uid);
	const struct finished *f;
	struct lite_err err = { 0 };
	struct ctr *c = NULL;
	json_t *o;

	if (!e)
		return false;
	f = finished_lookup(&p->d->finished, e->id);
	if (ctr_lookup(p->d, e->ctr_id, 0, &c, &err) < 0)
		c = NULL;
	lite_err_clear(&err);
	o = json_pack("{s:s, s:s, s:b, s:i, s:O, s:s, s:b, s:b, s:b, s:b, s:b, s:s, s:b, s:I}",
		      "id", e->id, "container_id", e->ctr_id,
		      "running", exec_table_running(&p->d->finished, e) && c && ctr_is_running(c), "pid", 0,
		      "cmd", json_object_get(e->params, "cmd"), "user", proto_get_str(e->params, "user", ""),
		      "tty", proto_get_bool(e->params, "tty", false), "privileged", proto_get_bool(e->params, "privileged", false),
		      "stdin", proto_get_bool(e->params, "stdin", false), "stdout", proto_get_bool(e->params, "stdout", true),
		      "stderr", proto_get_bool(e->params, "stderr", true),
		      "detach_keys", proto_get_str(e->params, "detach_keys", ""), "started", e->started,
		      "created_nsec", (json_int_t)e->created);
	if (o && f) {
		json_object_set_new(o, "exit_code", json_integer(f->exit_code));
		json_object_set_new(o, "oom_killed", json_boolean(f->oom_killed));
		if (f->error[0])
			json_object_set_new(o, "error", json_string(f->error));
	}
	peer_reply(p, o);
	return true;
}

/* An exec_create instance, else a finished exec of any kind. */
void
req_exec_inspect(struct peer *p, json_t *params)
{
	const struct finished *f;

	if (inspect_instance(p, proto_get_str(params, "id", ""))) /* exec_create's */
		return;
	f = finished_lookup_for(&p->d->finished, proto_get_str(params, "id", ""), p->cred.uid);
	if (!f) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "no finished exec '%s'",
				 proto_get_str(params, "id", ""));
		return;
	}
	peer_reply(p, json_pack("{s:s, s:b, s:i, s:b, s:s?}", "id", f->id, "running", 0, "exit_code", f->exit_code,
				"oom_killed", f->oom_killed, "error", f->error[0] ? f->error : NULL));
}
