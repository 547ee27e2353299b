/* stats and top: a sample of each container's resource use per call (the
 * client calls again each second and computes CPU % from two samples), and
 * the host PIDs of a container's processes (the client runs ps). */
#include "req.h"

#include <errno.h>

#include "ctr-stats.h"
#include "ctr.h"
#include "events.h"
#include "daemon.h"

void
req_stats(struct peer *p, json_t *params)
{
	json_t *ids = json_object_get(params, "ids"), *out = json_array(), *e;
	bool all = proto_get_bool(params, "all", false);
	struct ctr *c;
	size_t i;

	if (!out) {
		peer_reply_err(p, ENOMEM, NULL);
		return;
	}
	json_array_foreach(ids, i, e) {
		struct lite_err err = { 0 };
		int r = ctr_lookup(p->d, json_string_value(e) ?: "", p->cred.uid, &c, &err);

		if (r < 0) {
			json_decref(out);
			peer_reply_err(p, -r, err.msg);
			lite_err_clear(&err);
			return;
		}
		json_array_append_new(out, ctr_stats_sample(p->d, c));
	}
	if (json_array_size(ids) == 0)
		TAILQ_FOREACH(c, &p->d->ctrs, entry)
			if (ctr_visible_to(c, p->cred.uid) && (all || c->rt.status == CTR_RUNNING))
				json_array_append_new(out, ctr_stats_sample(p->d, c));
	peer_reply(p, json_pack("{s:o}", "containers", out));
}

void
req_top(struct peer *p, json_t *params)
{
	struct ctr *c = req_target(p, params);
	json_t *pids;
	int r;

	if (!c)
		return;
	if (c->rt.status != CTR_RUNNING) {
		peer_reply_err(p, EINVAL, "container is not running");
		return;
	}
	r = ctr_stats_pids(p->d, c, &pids);
	if (r < 0) {
		peer_reply_err(p, -r, "read the container's cgroup");
		return;
	}
	events_ctr(p->d, c, "top", NULL); /* Docker's */
	peer_reply(p, json_pack("{s:o, s:i}", "pids", pids, "init_pid", (int)c->rt.init_pid));
}
