/* Restart policies (--restart): when a container exits and its policy
 * says so (restart-policy.c, Docker's rules), a timer on the daemon's loop
 * starts it again after the back-off: 100 ms, doubled per restart up to a
 * minute, back to 100 ms after a run of 10 s. No thread, no sleep.
 *
 * The state that must survive a daemon restart is in state.json
 * (ctr-state-ext.c): the policy, restart_count, user_stopped. A stop or
 * kill by a user sets user_stopped: the policy leaves the container
 * stopped; for "always" only until the daemon starts again, for
 * "unless-stopped" until a user starts it. At daemon start (a reboot) the
 * containers the policy brings back are scheduled like any exit.
 *
 * Above ctr-proc.c (it starts the shim and hands it to the monitor);
 * ctr-proc.c reaches ctr_restart_on_exit through d->ctr_exited. */
#include "ctr.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctr-sec.h"
#include "daemon.h"
#include "events.h"
#include "log.h"
#include "net-ctr.h"

void
ctr_restart_cancel(struct ctr *c)
{
	if (c->restart_timer)
		event_del(c->restart_timer);
}

static void
restarted(struct ctr *c, int error, const char *msg, void *arg)
{
	struct daemon *d = arg;
	struct lite_err nerr = { 0 };
	int fd;

	if (error == 0 && net_ctr_attach(d, c, &nerr) < 0) {
		kill(c->rt.init_pid, SIGKILL); /* blocked before execve: nothing ran */
		error = -EIO;
		msg = nerr.msg;
	}
	if (error < 0) {
		log_warnx("container %.12s: restart failed: %s", c->spec.id, msg ? msg : "");
		ctr_ctl_start_failed(d, c, msg);
		events_ctr(d, c, "die", events_attrs("exitCode", "128", NULL));
		lite_err_clear(&nerr);
		if (ctr_wait_has(c, WAITER_RM)) { /* an rm -f came during it: removed, no retry */
			ctr_proc_start_failed(d, c);
			return;
		}
		ctr_restart_on_exit(d, c); /* a failed start counts as an exit: back off and try again */
		return;
	}
	c->rt.status = CTR_RUNNING;
	c->rt.started_at = time(NULL);
	ctr_save(d, c);
	ctr_proc_monitor(d, c);
	ctr_attach_connect_held(d, c); /* attaches waiting for a start (issue 16) */
	fd = ctr_shim_connect(d, c, "start\n");
	if (fd >= 0)
		close(fd);
	else
		log_warnx("container %.12s: restart: cannot reach its shim", c->spec.id);
	log_info("restarted container %.12s (%s), restart %d", c->spec.id, c->spec.name, c->rt.restart_count);
	events_ctr(d, c, "start", NULL);
}

static void
spawn(struct daemon *d, struct ctr *c)
{
	struct lite_err err = { 0 };

	if (ctr_shim_spawn(d, c, restarted, d, &err) < 0)
		restarted(c, -EIO, err.msg ? err.msg : "cannot start its shim", d);
	lite_err_clear(&err);
}

/* Its seccomp programs compiled (after a daemon restart the cache may be
 * cold): find it again by id, it may be gone. */
static void
compiled(void *arg, int error, const char *msg)
{
	char *ref = arg, id[65];
	struct daemon *d;
	struct ctr *c = NULL;

	memcpy(&d, ref, sizeof(d));
	snprintf(id, sizeof(id), "%s", ref + sizeof(d));
	free(ref);
	if (ctr_lookup(d, id, 0, &c, NULL) < 0 || c->removing || c->start_ev || ctr_is_running(c))
		return;
	if (error < 0)
		restarted(c, error, msg, d);
	else
		spawn(d, c);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct ctr *c = arg;
	struct daemon *d = c->d;
	struct lite_err err = { 0 };
	char *ref;
	int r;

	if (c->removing || c->start_ev || ctr_is_running(c) || c->rt.user_stopped)
		return;
	if (c->cp_busy) { /* a copy into it (req-cp.c): once it ends */
		evtimer_add(c->restart_timer, &(struct timeval){ .tv_sec = 1 });
		return;
	}
	c->rt.restart_count++;
	ctr_ctl_prepare_start(d, c);
	ref = malloc(sizeof(d) + sizeof(c->spec.id));
	if (!ref)
		return;
	memcpy(ref, &d, sizeof(d));
	memcpy(ref + sizeof(d), c->spec.id, sizeof(c->spec.id));
	r = ctr_sec_prepare_ctr(d, c, compiled, ref, &err);
	if (r != 0)
		free(ref);
	if (r > 0)
		spawn(d, c);
	else if (r < 0)
		restarted(c, r, err.msg, d);
	lite_err_clear(&err);
}

static void
schedule(struct daemon *d, struct ctr *c)
{
	struct timeval tv;
	int64_t ran = c->rt.finished_at - c->rt.started_at;

	c->d = d;
	if (!c->restart_timer && !(c->restart_timer = evtimer_new(d->base, on_timer, c))) {
		log_warnx("container %.12s: cannot schedule its restart: out of memory", c->spec.id);
		return;
	}
	c->restart_delay_ms = restart_policy_next_delay(c->restart_delay_ms, ran > 0 ? ran : 0);
	tv = (struct timeval){ .tv_sec = c->restart_delay_ms / 1000, .tv_usec = c->restart_delay_ms % 1000 * 1000 };
	evtimer_add(c->restart_timer, &tv);
	log_info("container %.12s exited (%d): restart %d in %lld ms (policy %s)", c->spec.id, c->rt.exit_code,
		 c->rt.restart_count + 1, (long long)c->restart_delay_ms, restart_policy_name_str(c->spec.restart.name));
}

void
ctr_restart_on_exit(struct daemon *d, struct ctr *c)
{
	if (c->removing ||
	    !restart_policy_should_restart(&c->spec.restart, c->rt.exit_code, c->rt.user_stopped, c->rt.restart_count))
		return;
	schedule(d, c);
}

void
ctr_restart_user_start(struct daemon *d, struct ctr *c)
{
	ctr_restart_cancel(c);
	c->restart_delay_ms = 0;
	if (c->rt.restart_count || c->rt.user_stopped) {
		c->rt.restart_count = 0;
		c->rt.user_stopped = false;
		ctr_save(d, c);
	}
}

void
ctr_restart_user_stop(struct daemon *d, struct ctr *c)
{
	ctr_restart_cancel(c);
	if (c->spec.restart.name != RESTART_NO && !c->rt.user_stopped) {
		c->rt.user_stopped = true;
		ctr_save(d, c);
	}
}

void
ctr_restart_restore(struct daemon *d, struct ctr *c)
{
	if (c->spec.restart.name == RESTART_ALWAYS && c->rt.user_stopped) {
		c->rt.user_stopped = false; /* a stop ends "always" until the daemon starts again */
		ctr_save(d, c);
	}
	/* running ones: the monitor finds them live, or dead and calls us */
	if (c->rt.status == CTR_EXITED && !c->spec.auto_remove)
		ctr_restart_on_exit(d, c);
}

int
ctr_restart_update(struct daemon *d, struct ctr *c, json_t *params, struct lite_err *err)
{
	struct restart_policy p;
	bool set = false;
	int r = restart_policy_decode(params, &p, &set, err);

	if (r < 0 || !set)
		return r;
	if (c->spec.auto_remove && p.name != RESTART_NO)
		return lite_err_set(err, EINVAL, "conflicting options: --restart and --rm (container %s)", c->spec.name);
	c->spec.restart = p;
	ctr_save(d, c);
	return 0;
}
