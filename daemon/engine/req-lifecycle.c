/* stop, kill, rm and wait: requests that act on one container and may be
 * answered only when it has exited. */
#include "req.h"

#include <signal.h>

#include "ctr.h"
#include "daemon.h"
#include "finished.h"
#include "log.h"
#include "wait-opts.h"

void
req_stop(struct peer *p, json_t *params)
{
	struct ctr *c = req_target(p, params);
	long long timeout;

	if (!c)
		return;
	ctr_restart_user_stop(p->d, c);
	/* -t wins; else the container's --stop-timeout; else Docker's 10 s */
	timeout = proto_get_int(params, "timeout", c->spec.stop_timeout >= 0 ? c->spec.stop_timeout : 10);
	if (timeout < 0 || timeout > 3600) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "invalid timeout %lld: expected 0 to 3600 seconds", timeout);
		return;
	}
	if (!ctr_is_running(c)) {
		peer_reply(p, json_pack("{s:b}", "was_running", 0));
		return;
	}
	log_info("stopping container %.12s (timeout %llds)", c->spec.id, timeout);
	ctr_add_waiter(c, WAITER_STOP, p);
	ctr_proc_stop(p->d, c, c->spec.stop_signal ? c->spec.stop_signal : SIGTERM, (int)timeout);
}

void
req_kill(struct peer *p, json_t *params)
{
	int sig = SIGKILL, r;
	struct ctr *c = req_target(p, params);

	if (!c)
		return;
	if (json_object_get(params, "signal") && proto_get_signal(params, "signal", &sig) < 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "invalid signal");
		return;
	}
	if (!ctr_is_running(c)) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "container %s is not running", c->spec.name);
		return;
	}
	ctr_restart_user_stop(p->d, c);
	r = ctr_proc_signal(p->d, c, sig);
	if (r < 0)
		peer_reply_err(p, r, "send signal");
	else if (sig == SIGKILL) /* as Docker: answered once the exit is recorded */
		ctr_add_waiter(c, WAITER_STOP, p);
	else /* delivered: pidfd_send_signal queued it */
		peer_reply(p, json_object());
}

void
req_rm(struct peer *p, json_t *params)
{
	bool force = proto_get_bool(params, "force", false);
	struct ctr *c = req_target(p, params);

	if (!c)
		return;
	c->remove_volumes = proto_get_bool(params, "volumes", false);
	if (ctr_is_running(c) && !force) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT,
				 "cannot remove running container %s: stop it first or use rm -f", c->spec.name);
		return;
	}
	if (ctr_is_running(c)) {
		ctr_add_waiter(c, WAITER_RM, p);
		ctr_proc_stop(p->d, c, SIGKILL, 0);
		return;
	}
	if (c->start_ev && force) {
		/* mid-start (a restart policy's, a client's): killed as soon as
		 * it runs, removed at its exit, or removed when the start fails
		 * (ctr-shim.c, ctr_proc_start_failed), as Docker's rm -f */
		ctr_add_waiter(c, WAITER_RM, p);
		return;
	}
	if (c->start_ev) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "container %s is starting", c->spec.name);
		return;
	}
	if (c->cp_busy) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT,
				 "container %s is busy: a copy into it is under way", c->spec.name);
		return;
	}
	ctr_remove(p->d, c);
	peer_reply(p, json_object());
}

/* Docker's conditions (wait-opts.h): the reply now, or a waiter of the
 * condition's kind and the "waiting" note, after which the client may
 * send the start whose exit the wait must see. */
static void
wait_condition(struct peer *p, struct ctr *c, enum wait_condition cond)
{
	bool running = ctr_is_running(c);

	if (cond == WAIT_COND_NOT_RUNNING && !running) {
		/* a created container: 0 (moby's State.Wait: ExitCode of the state) */
		peer_reply(p, json_pack("{s:i, s:b}", "exit_code", c->rt.status == CTR_EXITED ? c->rt.exit_code : 0,
					"oom_killed", c->rt.status == CTR_EXITED && c->rt.oom_killed));
		return;
	}
	(void)ctr_wait_register(c, cond == WAIT_COND_NOT_RUNNING ? WAITER_WAIT
				   : cond == WAIT_COND_NEXT_EXIT ? WAITER_NEXT_EXIT
								 : WAITER_REMOVED, p);
}

void
req_wait(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct wait_opts wo;
	const struct finished *f;
	struct ctr *c;

	if (wait_opts_decode(params, &wo, &err) < 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "%s", err.msg);
		lite_err_clear(&err);
		return;
	}
	/* removed already (--rm): its full id still has an answer. Only the
	 * 64 hex digits of the id find it, so it reveals nothing guessable.
	 * next-exit: a removed container exits no more (not found). */
	f = wo.condition != WAIT_COND_NEXT_EXIT ? finished_lookup_for(&p->d->finished, wo.id, p->cred.uid) : NULL;
	if (f) {
		peer_reply(p, json_pack("{s:i, s:b, s:s?}", "exit_code", f->exit_code, "oom_killed", f->oom_killed,
					"error", f->error[0] ? f->error : NULL));
		return;
	}
	c = req_target(p, params);
	if (!c)
		return;
	if (wo.condition != WAIT_COND_NONE) {
		wait_condition(p, c, wo.condition);
		return;
	}
	if (c->rt.status == CTR_EXITED) {
		peer_reply(p, json_pack("{s:i, s:b}", "exit_code", c->rt.exit_code, "oom_killed", c->rt.oom_killed));
		return;
	}
	ctr_add_waiter(c, WAITER_WAIT, p);
}
