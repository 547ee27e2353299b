/* Removing a container that is not running: its network endpoints, the
 * last exit in the finished list, its cgroups, its directories, its
 * anonymous volumes (--rm, rm -v), and its table entry. Above the table
 * (ctr.c) and the subsystems it undoes; called by the monitor (--rm), by
 * restore and by the request handlers.
 *
 * Safety: removes only the container's own directories (DATA_ROOT and
 * EXEC_ROOT joined with its validated 64-hex id) and its own cgroups.
 * The data directory (the user's upper: any size, any depth) is renamed
 * into DATA_ROOT/tmp and deleted off the loop (trash.c). */
#include "ctr.h"
#include "events.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crash-point.h"
#include "daemon.h"
#include "finished.h"
#include "fs-util.h"
#include "log.h"
#include "net-ctr.h"
#include "trash.h"
#include "volume.h"

/* --rm and rm -v take the container's anonymous volumes with it. */
static void
remove_anonymous_volumes(struct daemon *d, struct ctr *c)
{
	size_t i;
	json_t *m;

	if (!c->remove_volumes && !c->spec.auto_remove)
		return;
	json_array_foreach(c->spec.mounts, i, m)
		if (json_is_true(json_object_get(m, "anonymous")) &&
		    volume_remove(d->cfg.data_root, volume_mount_owner(m), json_string_value(json_object_get(m, "volume")),
				  NULL) == 0)
			events_emit(d, "volume", "destroy", json_string_value(json_object_get(m, "volume")),
				    (int64_t)volume_mount_owner(m), events_attrs("driver", "local", NULL));
}

void
ctr_remove(struct daemon *d, struct ctr *c)
{
	char dir[PATH_MAX], trash[PATH_MAX];
	struct lite_err err = { 0 };
	int r;

	c->removing = true;
	ctr_health_stop(c); /* its timer must not fire on a freed container */
	net_ctr_remove(d, c);
	CRASH_POINT("rm.after-network");
	if (c->rt.status == CTR_EXITED)
		finished_record(&d->finished, c->spec.id, c->spec.owner_uid, c->rt.exit_code, c->rt.oom_killed, c->rt.error);
	if (cgroup_destroy(&d->cgroups, c->spec.id, &err) < 0)
		log_warnx("remove %.12s: %s", c->spec.id, err.msg ? err.msg : "cgroup");
	lite_err_clear(&err);
	CRASH_POINT("rm.after-cgroup");
	ctr_exec_dir(d, c, dir, sizeof(dir));
	fs_rm_rf(dir);
	CRASH_POINT("rm.after-unmount"); /* the run dir (rootfs mount point, socket) is gone */
	ctr_dir(d, c, dir, sizeof(dir));
	r = trash_move(d->cfg.data_root, dir, "ctr", trash, sizeof(trash));
	if (r == 0) {
		CRASH_POINT("rm.after-rename"); /* out of sight, not yet deleted */
		trash_delete(trash);
	} else if (r != -ENOENT && (r = fs_rm_rf(dir)) < 0) { /* DATA_ROOT/tmp elsewhere: in place */
		log_warnx("remove %s: %s", dir, strerror(-r));
	}
	CRASH_POINT("rm.after-dir");
	remove_anonymous_volumes(d, c);
	ctr_table_remove(d, c);
	log_info("removed container %.12s (%s)", c->spec.id, c->spec.name);
	events_ctr(d, c, "destroy", NULL);
	ctr_wait_on_remove(c); /* Docker's removed condition; any wait or held attach ends */
	ctr_free(c);
}
