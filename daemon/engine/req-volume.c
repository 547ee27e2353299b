/* volume_create, volume_ls, volume_inspect, volume_rm, volume_prune. A
 * volume in use by any container (running or not) is never removed.
 *
 * Ownership (docs/SECURITY.md): a caller sees and uses only its own volumes
 * (another user's are "not found", and two users may both have "data");
 * root sees all, and names another user's volume as "_uUID/NAME" (the "ref"
 * volume_ls gives it). No message names another user's container. */
#include "req.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"
#include "daemon.h"
#include "events.h"
#include "mount-spec.h"
#include "volume.h"

/* The first container whose mounts use owner's volume name, or NULL. */
static struct ctr *
volume_user(struct daemon *d, uid_t owner, const char *name)
{
	struct ctr *c;
	size_t i;
	json_t *m;

	TAILQ_FOREACH(c, &d->ctrs, entry)
		json_array_foreach(c->spec.mounts, i, m)
			if (strcmp(json_string_value(json_object_get(m, "volume")) ?: "", name) == 0 &&
			    volume_mount_owner(m) == owner)
				return c;
	return NULL;
}

/* The caller's reference to a volume: NAME (the caller's own), or for root
 * also _uUID/NAME. Sets *owner and returns the bare name (inside ref). */
static const char *
volume_ref(struct peer *p, const char *ref, uid_t *owner)
{
	const char *slash = strchr(ref, '/');
	char *end;
	unsigned long long v;

	*owner = p->cred.uid;
	if (p->cred.uid != 0 || !slash || strncmp(ref, "_u", 2) != 0 || ref[2] < '1' || ref[2] > '9')
		return ref;
	v = strtoull(ref + 2, &end, 10);
	if (end != slash || v >= UINT32_MAX)
		return ref; /* not a valid volume name: "not found" later */
	*owner = (uid_t)v;
	return slash + 1;
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
	bool fresh = !volume_exists(p->d->cfg.data_root, p->cred.uid, name);
	r = volume_ensure(p->d->cfg.data_root, p->cred.uid, name, false, path, sizeof(path), &err);
	if (r == 0 && fresh)
		events_emit(p->d, "volume", "create", name, (int64_t)p->cred.uid, events_attrs("driver", "local", NULL));
	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else
		peer_reply(p, volume_info(p->d->cfg.data_root, p->cred.uid, name));
	lite_err_clear(&err);
}

/* Every volume the caller may see, each with its "ref": what this caller
 * passes to inspect and rm (_uUID/NAME for root and another user's). */
static json_t *
list_with_refs(struct peer *p)
{
	json_t *list = volume_list(p->d->cfg.data_root, p->cred.uid), *v;
	size_t i;

	json_array_foreach(list, i, v) {
		json_int_t owner = json_integer_value(json_object_get(v, "owner_uid"));
		const char *name = json_string_value(json_object_get(v, "name"));
		char ref[160];

		if (owner != (json_int_t)p->cred.uid)
			snprintf(ref, sizeof(ref), "_u%lld/%s", (long long)owner, name);
		else
			snprintf(ref, sizeof(ref), "%s", name);
		json_object_set_new(v, "ref", json_string(ref));
	}
	return list;
}

void
req_volume_ls(struct peer *p, json_t *params)
{
	peer_reply(p, list_with_refs(p));
}

void
req_volume_inspect(struct peer *p, json_t *params)
{
	const char *ref = proto_get_str(params, "name", "");
	uid_t owner;
	const char *name = volume_ref(p, ref, &owner);
	json_t *v = volume_info(p->d->cfg.data_root, owner, name);

	if (!v) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "no such volume: %s", ref);
		return;
	}
	peer_reply(p, v);
}

void
req_volume_rm(struct peer *p, json_t *params)
{
	const char *ref = proto_get_str(params, "name", "");
	struct lite_err err = { 0 };
	uid_t owner;
	const char *name = volume_ref(p, ref, &owner);
	struct ctr *user;
	int r;

	if (!volume_exists(p->d->cfg.data_root, owner, name)) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "no such volume: %s", ref);
		return;
	}
	user = volume_user(p->d, owner, name);
	if (user && ctr_visible_to(user, p->cred.uid)) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "volume %s is in use by container %s", ref,
				 user->spec.name);
		return;
	}
	if (user) { /* root's container (--volumes-from): not the caller's to know */
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "volume %s is in use by a container", ref);
		return;
	}
	r = volume_remove(p->d->cfg.data_root, owner, name, &err);
	if (r == 0)
		events_emit(p->d, "volume", "destroy", name, (int64_t)owner, events_attrs("driver", "local", NULL));
	peer_reply_status(p, r, &err);
}

/* Root prunes every unused volume, others their own. */
void
req_volume_prune(struct peer *p, json_t *params)
{
	json_t *all, *v, *removed = json_array();
	size_t i;

	all = list_with_refs(p);
	json_array_foreach(all, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		uid_t owner = (uid_t)json_integer_value(json_object_get(v, "owner_uid"));

		if (!volume_user(p->d, owner, name) && volume_remove(p->d->cfg.data_root, owner, name, NULL) == 0) {
			json_array_append(removed, json_object_get(v, "ref"));
			events_emit(p->d, "volume", "destroy", name, (int64_t)owner, events_attrs("driver", "local", NULL));
		}
	}
	json_decref(all);
	peer_reply(p, json_pack("{s:o}", "removed", removed));
}
