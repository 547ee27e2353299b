/* volume_create, volume_ls, volume_inspect, volume_rm, volume_prune. A
 * volume in use by any container (running or not) is never removed. */
#include "req.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctr.h"
#include "daemon.h"
#include "mount-spec.h"
#include "volume.h"

/* The first container whose mounts use volume name, or NULL. */
static struct ctr *
volume_user(struct daemon *d, const char *name)
{
	struct ctr *c;
	size_t i;
	json_t *m;

	TAILQ_FOREACH(c, &d->ctrs, entry)
		json_array_foreach(c->spec.mounts, i, m)
			if (strcmp(json_string_value(json_object_get(m, "volume")) ?: "", name) == 0)
				return c;
	return NULL;
}

void
req_volume_create(struct peer *p, json_t *params)
{
	const char *name = proto_get_str(params, "name", NULL);
	struct lite_err err = { 0 };
	char gen[65], path[4096];
	int r;

	if (!name) {
		volume_anonymous_name(gen);
		name = gen;
	}
	r = volume_ensure(p->d->cfg.data_root, name, false, path, sizeof(path), &err);
	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else
		peer_reply(p, volume_info(p->d->cfg.data_root, name));
	lite_err_clear(&err);
}

void
req_volume_ls(struct peer *p, json_t *params)
{
	peer_reply(p, volume_list(p->d->cfg.data_root));
}

void
req_volume_inspect(struct peer *p, json_t *params)
{
	const char *name = proto_get_str(params, "name", "");
	json_t *v = mount_spec_volume_name_is_valid(name) ? volume_info(p->d->cfg.data_root, name) : NULL;

	if (!v) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "no such volume: %s", name);
		return;
	}
	peer_reply(p, v);
}

void
req_volume_rm(struct peer *p, json_t *params)
{
	const char *name = proto_get_str(params, "name", "");
	struct lite_err err = { 0 };
	struct ctr *user = volume_user(p->d, name);
	int r;

	if (p->cred.uid != 0) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_PERMISSION, "removing volumes is for root");
		return;
	}
	if (user) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "volume %s is in use by container %s", name,
				 user->spec.name);
		return;
	}
	r = volume_remove(p->d->cfg.data_root, name, &err);
	peer_reply_status(p, r, &err);
}

void
req_volume_prune(struct peer *p, json_t *params)
{
	json_t *all, *v, *removed = json_array();
	size_t i;

	if (p->cred.uid != 0) {
		json_decref(removed);
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_PERMISSION, "removing volumes is for root");
		return;
	}
	all = volume_list(p->d->cfg.data_root);
	json_array_foreach(all, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		if (!volume_user(p->d, name) && volume_remove(p->d->cfg.data_root, name, NULL) == 0)
			json_array_append_new(removed, json_string(name));
	}
	json_decref(all);
	peer_reply(p, json_pack("{s:o}", "removed", removed));
}
