/* Restore at start-up: every container under DATA_ROOT/containers is loaded
 * from its state.json into the table, and each one that had a shim is
 * handed to the monitor, which finds the shim live (live restore) or gone
 * (the exit is recorded). Exited --rm containers left over are removed.
 * Above the table (ctr.c), the monitor and removal. */
#include "ctr.h"

#include <dirent.h>
#include <stdio.h>

#include "daemon.h"
#include "log.h"
#include "valid.h"

static struct ctr *
ctr_load(struct daemon *d, const char *id)
{
	char path[PATH_MAX], errbuf[128];
	json_error_t jerr;
	json_t *o;
	struct ctr *c;

	snprintf(path, sizeof(path), "%s/containers/%s/state.json", d->cfg.data_root, id);
	o = json_load_file(path, 0, &jerr);
	if (!o) {
		log_warnx("skip container %.12s: %s", id, jerr.text);
		return NULL;
	}
	c = ctr_new();
	if (c && ctr_state_from_json(o, &c->spec, &c->rt, errbuf, sizeof(errbuf)) < 0) {
		log_warnx("skip container %.12s: %s", id, errbuf);
		ctr_free(c);
		c = NULL;
	}
	json_decref(o);
	return c;
}

/* The recorded limits, written again: an update killed between writing
 * the cgroup and saving state.json left them apart (issue 13). The
 * record wins, so the interrupted update is undone, not half-done. */
static void
reapply_limits(struct daemon *d, struct ctr *c)
{
	struct lite_err err = { 0 };

	if (cgroup_create(&d->cgroups, c->spec.id, c->spec.limits, &err) < 0)
		log_warnx("container %.12s: limits: %s", c->spec.id, err.msg ? err.msg : "write");
	lite_err_clear(&err);
}

void
ctr_restore_all(struct daemon *d)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/containers", d->cfg.data_root);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		struct ctr *c;

		if (!valid_full_id(de->d_name) || !(c = ctr_load(d, de->d_name)))
			continue;
		ctr_table_add(d, c);
		if (c->rt.status == CTR_CREATED && c->rt.shim_pid <= 0)
			continue; /* created without a shim (lite create) */
		ctr_restart_restore(d, c); /* issue 13: what the restart policy brings back */
		if (c->rt.status == CTR_RUNNING || c->rt.status == CTR_CREATED) {
			/* finds it dead (then c may be gone: --rm) or live */
			if (ctr_proc_monitor(d, c) == 0 && c->rt.status == CTR_RUNNING)
				reapply_limits(d, c);
		} else if (c->spec.auto_remove)
			ctr_remove(d, c);
	}
	closedir(dir);
}
