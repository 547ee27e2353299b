/* Container control beyond run and stop (Docker's create, start, pause,
 * unpause, update): the container-table side; the requests are in
 * req-ctl.c.
 *
 * A created container (lite create) has its state.json and data dir but no
 * cgroups and no shim: start does the rest through ctr_shim_spawn(),
 * exactly as run does, which is also how an exited container starts again
 * (its upper dir, and so its writable layer, is kept). */
#include "ctr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crash-point.h"
#include "daemon.h"
#include "events.h"
#include "fs-util.h"
#include "log.h"
#include "net-ctr.h"

int
ctr_ctl_pause(struct daemon *d, struct ctr *c, bool pause, struct lite_err *err)
{
	int r = cgroup_freeze(&d->cgroups, c->spec.id, pause, err);

	if (r < 0)
		return r;
	c->rt.paused = pause;
	ctr_save(d, c);
	log_info("%s container %.12s", pause ? "paused" : "unpaused", c->spec.id);
	events_ctr(d, c, pause ? "pause" : "unpause", NULL);
	return 0;
}

void
ctr_ctl_thaw_if_paused(struct daemon *d, struct ctr *c)
{
	struct lite_err err = { 0 };

	if (c->rt.paused && ctr_ctl_pause(d, c, false, &err) < 0)
		log_warnx("thaw %.12s: %s", c->spec.id, err.msg ? err.msg : "failed");
	lite_err_clear(&err);
}

int
ctr_ctl_create(struct daemon *d, struct ctr *c, struct lite_err *err)
{
	char dir[PATH_MAX];
	int r;

	r = ctr_dir(d, c, dir, sizeof(dir));
	if (r == 0)
		r = fs_mkdir_p(dir, 0700);
	if (r == 0)
		CRASH_POINT("create.after-dir");
	if (r == 0)
		r = ctr_save(d, c);
	if (r < 0)
		return lite_err_sys(err, -r, "create container %s", c->spec.name);
	CRASH_POINT("create.after-state");
	log_info("created container %.12s (%s)", c->spec.id, c->spec.name);
	return 0;
}

void
ctr_ctl_prepare_start(struct daemon *d, struct ctr *c)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];

	ctr_dir(d, c, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/exit.json", dir);
	(void)unlink(path); /* a shim dying early must not leave the old outcome */
	free(c->rt.error);
	c->rt.error = NULL;
	c->rt.exit_code = 0;
	c->rt.oom_killed = false;
	c->rt.paused = false;
	c->rt.health[0] = '\0'; /* checks begin at "starting" again */
	c->rt.health_streak = 0;
}

void
ctr_ctl_start_failed(struct daemon *d, struct ctr *c, const char *msg)
{
	c->rt.status = CTR_EXITED;
	c->rt.exit_code = 128;
	c->rt.finished_at = time(NULL);
	free(c->rt.error);
	c->rt.error = msg ? strdup(msg) : NULL;
	(void)cgroup_destroy(&d->cgroups, c->spec.id, NULL);
	net_ctr_detach(d, c); /* the leases and ports a start took */
	ctr_save(d, c);
}

int
ctr_ctl_update_limits(struct daemon *d, struct ctr *c, const struct cgroup_limits *l, struct lite_err *err)
{
	const struct cgroup_limits *shared = limits_pool_get(l);
	int r = 0;

	if (!shared)
		return lite_err_set(err, ENOMEM, "out of memory");
	/* cgroup_create is idempotent: on an existing cgroup it writes the limits */
	if (ctr_is_running(c))
		r = cgroup_create(&d->cgroups, c->spec.id, l, err);
	if (r < 0) {
		limits_pool_put(shared);
		return r;
	}
	CRASH_POINT("update.after-cgroup"); /* written, not yet saved: restore writes the saved ones */
	limits_pool_put(c->spec.limits);
	c->spec.limits = shared;
	ctr_save(d, c);
	log_info("updated limits of container %.12s", c->spec.id);
	return 0;
}
