/* create, start, rename, pause, unpause and update: Docker's container
 * control verbs beyond run/stop/kill/rm. The container-table side
 * is ctr-ctl.c; create and start share run's spec and start-up (req-run.c). */
#include "req.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"
#include "daemon.h"
#include "events.h"
#include "log.h"
#include "net-ctr.h"
#include "image-job.h"
#include "run-spec.h"
#include "valid.h"
#include "bind-check.h"

/* "container NAME WHAT" as a conflict error. */
static void
conflict(struct peer *p, const char *name, const char *what)
{
	peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "container %s %s", name, what);
}

static void
create(struct peer *p, const struct run_spec *rs)
{
	struct lite_err err = { 0 };
	struct ctr *c = ctr_new();
	int r;

	if (!c) {
		peer_reply_err(p, -ENOMEM, NULL);
		return;
	}
	r = req_run_build_spec(p->d, rs, p->cred.uid, c, &err);
	userns_caller_from_peer(p, &c->spec.caller); /* issue 11 A2 */
	if (r == 0) /* refused now, not at the first start (Docker's create) */
		r = bind_check_caller(&c->spec, &err);
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		ctr_free(c);
	} else {
		ctr_table_add(p->d, c);
		r = ctr_ctl_create(p->d, c, &err);
		if (r == 0) /* checked and recorded now; leased at each start */
			r = net_ctr_define(p->d, c, &rs->net, p->cred.uid, &err);
		if (r < 0) {
			peer_reply_err(p, r, err.msg);
			ctr_remove(p->d, c);
		} else {
			peer_reply(p, json_pack("{s:s, s:s}", "id", c->spec.id, "name", c->spec.name));
			events_ctr(p->d, c, "create", NULL);
		}
	}
	lite_err_clear(&err);
}

void
req_create(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct run_spec rs;
	int r = run_spec_decode(params, &rs, &err);

	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else
		create(p, &rs);
	run_spec_free(&rs);
	lite_err_clear(&err);
}

/* A stop, a kill -9 or an rm -f is under way: the exit is coming. */
static bool
going_down(const struct ctr *c)
{
	const struct waiter *w;

	TAILQ_FOREACH(w, &c->waiters, entry)
		if (w->kind == WAITER_STOP || w->kind == WAITER_RM)
			return true;
	return c->stop_timer && evtimer_pending(c->stop_timer, NULL);
}

void
req_start(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct ctr *c = req_target(p, params);
	int r;

	if (!c)
		return;
	if (c->start_ev) {
		conflict(p, c->spec.name, "is starting");
		return;
	}
	if (c->cp_busy) { /* its file system is mounted for a copy (req-cp.c) */
		conflict(p, c->spec.name, "is busy: a copy into it is under way (start it once the copy ends)");
		return;
	}
	if (ctr_is_running(c) && going_down(c)) {
		conflict(p, c->spec.name, "is stopping: start it again once it has exited (lite wait)");
		return;
	}
	if (ctr_is_running(c)) {
		if (c->rt.paused)
			conflict(p, c->spec.name, "is paused: unpause it instead");
		else
			peer_reply(p, json_pack("{s:s, s:s, s:b}", "id", c->spec.id, "name", c->spec.name,
						"was_running", 1));
		return;
	}
	ctr_ctl_prepare_start(p->d, c);
	ctr_restart_user_start(p->d, c);
	if (proto_get_bool(params, "restart", false))
		events_ctr(p->d, c, "restart", NULL); /* lite restart: stop, then this start */
	r = req_run_start(p, c, proto_get_bool(params, "attach", false), proto_get_bool(params, "pass_fd", false),
			  &err);
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		ctr_ctl_start_failed(p->d, c, err.msg);
		ctr_proc_start_failed(p->d, c);
	}
	lite_err_clear(&err);
}

void
req_rename(struct peer *p, json_t *params)
{
	const char *name = proto_get_str(params, "name", "");
	struct ctr *c = req_target(p, params), *other;
	json_t *old;

	if (!c)
		return;
	if (!valid_name(name)) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
				 "invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
		return;
	}
	other = ctr_by_name(p->d, name);
	if (other && other != c && !ctr_visible_to(other, p->cred.uid)) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "the container name \"%s\" is already in use", name);
		return;
	}
	if (other && other != c) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT,
				 "the container name \"%s\" is already in use by container %.12s", name, other->spec.id);
		return;
	}
	old = events_attrs("oldName", c->spec.name, NULL);
	log_info("renamed container %.12s: %s -> %s", c->spec.id, c->spec.name, name);
	ctr_table_rename(p->d, c, name);
	ctr_save(p->d, c);
	events_ctr(p->d, c, "rename", old);
	peer_reply(p, json_object());
}

static void
pause_or_unpause(struct peer *p, json_t *params, bool pause)
{
	struct lite_err err = { 0 };
	struct ctr *c = req_target(p, params);
	int r;

	if (!c)
		return;
	if (!ctr_is_running(c)) {
		conflict(p, c->spec.name, "is not running");
		return;
	}
	if (c->rt.paused == pause) {
		conflict(p, c->spec.name, pause ? "is already paused" : "is not paused");
		return;
	}
	r = ctr_ctl_pause(p->d, c, pause, &err);
	peer_reply_status(p, r, &err);
}

void
req_pause(struct peer *p, json_t *params)
{
	pause_or_unpause(p, params, true);
}

void
req_unpause(struct peer *p, json_t *params)
{
	pause_or_unpause(p, params, false);
}

/* The params over the current limits, through run's decoder. */
void
req_update(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct ctr *c = req_target(p, params);
	struct cgroup_limits l;
	int r;

	if (!c)
		return;
	l = *c->spec.limits;
	r = cgroup_limits_decode(params, &l, &err);
	if (r == 0)
		r = ctr_restart_update(p->d, c, params, &err); /* --restart */
	if (r == 0)
		r = cgroup_limits_check(&l, sysconf(_SC_NPROCESSORS_ONLN), &err);
	if (r == 0)
		r = ctr_ctl_update_limits(p->d, c, &l, &err);
	if (r == 0)
		events_ctr(p->d, c, "update", NULL);
	peer_reply_status(p, r, &err);
	lite_err_clear(&err);
}

/* diff: lite-image reads the upper dir off the loop and replies. */
void
req_diff(struct peer *p, json_t *params)
{
	struct ctr *c = req_target(p, params);
	struct image_job *j;
	char **argv;

	if (!c || !(j = image_job_new(p, "diff")))
		return c ? peer_reply_err(p, -ENOMEM, NULL) : (void)0;
	argv = calloc(3, sizeof(char *));
	if (argv && (argv[0] = strdup("diff")))
		argv[1] = strdup(c->spec.id);
	image_job_start(j, argv);
}
