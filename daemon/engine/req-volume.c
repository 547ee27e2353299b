/* volume_create, volume_ls, volume_inspect, volume_rm, volume_prune. A
 * volume in use by any container (running or not) is never removed.
 *
 * Ownership (docs/SECURITY.md): a caller sees and uses only its own volumes
 * (another user's are "not found", and two users may both have "data");
 * root sees all, and names another user's volume as "_uUID/NAME" (the "ref"
 * volume_ls gives it). No message names another user's container. */
#include "req.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"
#include "daemon.h"
#include "events.h"
#include "mount-spec.h"
#include "size-job.h"
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

/* ["k=v", "k"] as {"k":"v","k":""}; NULL with err for an empty key. */
static json_t *
labels_object(json_t *list, struct lite_err *err)
{
	json_t *o = json_object(), *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *kv = json_string_value(e) ?: "", *eq = strchr(kv, '=');
		char key[256];

		if (eq == kv || !*kv || (size_t)(eq ? eq - kv : (ptrdiff_t)strlen(kv)) >= sizeof(key)) {
			json_decref(o);
			lite_err_set(err, EINVAL, "invalid --label \"%s\": expected KEY=VALUE", kv);
			return NULL;
		}
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);
		json_object_set_new(o, key, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

void
req_volume_create(struct peer *p, json_t *params)
{
	const char *name = proto_get_str(params, "name", NULL);
	json_auto_t *labels = NULL;
	struct lite_err err = { 0 };
	char gen[65], path[4096];
	bool existed;
	int r;

	if (json_array_size(json_object_get(params, "labels")) &&
	    !(labels = labels_object(json_object_get(params, "labels"), &err))) {
		peer_reply_err(p, EINVAL, err.msg);
		lite_err_clear(&err);
		return;
	}

	if (!name) {
		volume_anonymous_name(gen);
		name = gen;
	}
	existed = volume_exists(p->d->cfg.data_root, p->cred.uid, name);
	r = volume_ensure(p->d->cfg.data_root, p->cred.uid, name, false, path, sizeof(path), &err);
	if (r == 0 && !existed && labels && (r = volume_set_labels(p->d->cfg.data_root, p->cred.uid, name, labels)) < 0)
		lite_err_sys(&err, r, "record the labels of volume %s", name);
	if (r == 0 && !existed)
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

/* DATA_ROOT/volumes/...NAME of each volume of list, for lite-image du. */
static json_t *
volume_paths(struct peer *p, json_t *list)
{
	json_t *paths = json_array(), *v;
	size_t i;

	json_array_foreach(list, i, v) {
		char dir[PATH_MAX];

		if (volume_dir(p->d->cfg.data_root, (uid_t)json_integer_value(json_object_get(v, "owner_uid")),
			       json_string_value(json_object_get(v, "name")) ?: "", dir, sizeof(dir)) < 0)
			dir[0] = '\0'; /* du of "" is 0 */
		json_array_append_new(paths, json_string(dir));
	}
	return paths;
}

static void
ls_sized(struct peer *p, json_t *list, json_t *sizes)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		json_object_set_new(v, "size", json_integer(json_integer_value(json_array_get(sizes, i))));
	peer_reply(p, json_incref(list));
}

void
req_volume_ls(struct peer *p, json_t *params)
{
	json_t *list = list_with_refs(p);

	if (proto_get_bool(params, "size", false)) /* system df -v: walks every volume, off the loop */
		size_job_start(p, "blocks", volume_paths(p, list), list, ls_sized);
	else
		peer_reply(p, list);
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

/* label=K, label=K=V, label!=K, label!=K=V against v's labels. */
static bool
label_filter(json_t *labels, const char *spec, bool negate)
{
	const char *eq = strchr(spec, '=');
	char key[256];
	json_t *val;

	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - spec) : (int)strlen(spec), spec);
	val = json_object_get(labels, key);
	return negate != (val && (!eq || strcmp(json_string_value(val) ?: "", eq + 1) == 0));
}

/* Docker's volume prune: anonymous volumes only unless all; every
 * label filter must hold (validated by the client: others are ignored). */
static bool
prune_wanted(json_t *v, bool all, json_t *filters)
{
	json_t *labels = json_object_get(v, "labels"), *f;
	size_t i;

	if (!all && !json_is_true(json_object_get(v, "anonymous")))
		return false;
	json_array_foreach(filters, i, f) {
		const char *s = json_string_value(f) ?: "";

		if (!strncmp(s, "label=", 6) && !label_filter(labels, s + 6, false))
			return false;
		if (!strncmp(s, "label!=", 7) && !label_filter(labels, s + 7, true))
			return false;
	}
	return true;
}

/* The volumes prune removes; sizes: {"OWNER/NAME": bytes} or NULL. */
static json_t *
prune_list(struct peer *p, json_t *params, json_t *sizes, uint64_t *reclaimed)
{
	bool all_volumes = proto_get_bool(params, "all", false);
	json_t *all, *v, *out = json_array();
	size_t i;

	all = list_with_refs(p);
	json_array_foreach(all, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		uid_t owner = (uid_t)json_integer_value(json_object_get(v, "owner_uid"));
		char key[160];

		if (!prune_wanted(v, all_volumes, json_object_get(params, "filters")) || volume_user(p->d, owner, name))
			continue;
		if (!sizes) {
			json_array_append(out, v);
			continue;
		}
		if (volume_remove(p->d->cfg.data_root, owner, name, NULL) == 0) {
			json_array_append(out, json_object_get(v, "ref"));
			events_emit(p->d, "volume", "destroy", name, (int64_t)owner, events_attrs("driver", "local", NULL));
			snprintf(key, sizeof(key), "%u/%s", (unsigned)owner, name);
			*reclaimed += (uint64_t)json_integer_value(json_object_get(sizes, key));
		}
	}
	json_decref(all);
	return out;
}

/* state: {"params", "keys": ["OWNER/NAME"...] in the order of sizes}.
 * The volumes still unused now are removed (one may have been taken by
 * a container while lite-image measured). */
static void
prune_sized(struct peer *p, json_t *state, json_t *sizes)
{
	json_t *by_key = json_object(), *keys = json_object_get(state, "keys"), *k, *removed;
	uint64_t reclaimed = 0;
	size_t i;

	json_array_foreach(keys, i, k)
		json_object_set_new(by_key, json_string_value(k), json_integer(json_integer_value(json_array_get(sizes, i))));
	removed = prune_list(p, json_object_get(state, "params"), by_key, &reclaimed);
	json_decref(by_key);
	peer_reply(p, json_pack("{s:o, s:I}", "removed", removed, "space_reclaimed", (json_int_t)reclaimed));
}

/* Root prunes every unused volume, others their own: anonymous ones, or
 * with "all" named ones too, as Docker (API 1.42 on). What they free is
 * measured by lite-image first (size-job.c), then they go. */
void
req_volume_prune(struct peer *p, json_t *params)
{
	json_t *doomed = prune_list(p, params, NULL, NULL), *keys = json_array(), *v;
	size_t i;

	json_array_foreach(doomed, i, v) {
		char key[160];

		snprintf(key, sizeof(key), "%u/%s", (unsigned)json_integer_value(json_object_get(v, "owner_uid")),
			 json_string_value(json_object_get(v, "name")) ?: "");
		json_array_append_new(keys, json_string(key));
	}
	size_job_start(p, "blocks", volume_paths(p, doomed), json_pack("{s:O, s:o}", "params", params, "keys", keys),
		       prune_sized);
	json_decref(doomed);
}
