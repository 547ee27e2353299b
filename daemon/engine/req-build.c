/* lite build's daemon side (issue 15): image_derive, build_cache and
 * builder_prune. The builder itself (Dockerfile, stages, cache keys, RUN
 * in ordinary containers) runs on the caller's side of the socket
 * (client/build-*.c), so every container it starts is the caller's own,
 * under the caller's rules (user namespace, limits); the daemon only
 * turns each step into an image, in lite-image (image-derive.c), and keeps
 * the per-user cache index (daemon/lib/image-cache.c). */
#include "req.h"
#include "image-job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"
#include "daemon.h"
#include "image-cache.h"
#include "image.h"
#include "strv.h"
#include "userns.h"

/* An upload's bytes follow the request: after an error, do not read them
 * as requests. */
static void
refuse(struct peer *p, bool upload, int code, const char *msg)
{
	peer_reply_err(p, code, msg);
	if (upload)
		peer_close_after_flush(p);
}

/* The lite-image spec from the request: ids resolved for the caller. */
static json_t *
derive_spec(struct peer *p, json_t *params, struct lite_err *err)
{
	const char *parent = proto_get_str(params, "parent", ""), *ctr = proto_get_str(params, "container", "");
	json_t *spec = json_pack("{s:O?,s:s,s:s,s:s,s:O?,s:O?}", "config", json_object_get(params, "config"), "created_by",
				 proto_get_str(params, "created_by", ""), "comment", proto_get_str(params, "comment", ""),
				 "cache_key", proto_get_str(params, "cache_key", ""), "mkdir", json_object_get(params, "mkdir"),
				 "mkdir_owner", json_object_get(params, "mkdir_owner"));
	char *id = NULL, idmap[48];
	struct ctr *c = NULL;

	if (spec && *parent && image_resolve_for(p->d->cfg.data_root, parent, p->cred.uid, &id, err) == 0) {
		json_object_set_new(spec, "parent", json_string(id));
		free(id);
	} else if (spec && *parent) {
		json_decref(spec);
		return NULL;
	}
	if (spec && *ctr) {
		if (ctr_lookup(p->d, ctr, p->cred.uid, &c, err) < 0) {
			json_decref(spec);
			return NULL;
		}
		userns_idmap_arg(&c->spec.userns, idmap, sizeof(idmap));
		json_object_set_new(spec, "container", json_string(c->spec.id));
		json_object_set_new(spec, "idmap", json_string(idmap));
	}
	if (!spec)
		lite_err_set(err, ENOMEM, "out of memory");
	return spec;
}

void
req_image_derive(struct peer *p, json_t *params)
{
	bool upload = proto_get_bool(params, "layer", false);
	long long size = proto_get_int(params, "size", -1);
	struct lite_err err = { 0 };
	json_auto_t *spec = NULL;
	struct image_job *j;
	char *s;

	if (upload && *proto_get_str(params, "container", "")) {
		refuse(p, upload, EINVAL, "image_derive: give a container or a layer, not both");
		return;
	}
	spec = derive_spec(p, params, &err);
	s = spec ? json_dumps(spec, JSON_COMPACT) : NULL;
	if (!s || !(j = image_job_new(p, "build step"))) {
		refuse(p, upload, err.code ? err.code : ENOMEM, err.msg ? err.msg : "out of memory");
		lite_err_clear(&err);
		free(s);
		return;
	}
	if (upload) {
		j->upload_limit = size >= 0 ? (uint64_t)size : UINT64_MAX;
		image_job_upload(j, strv_new("derive-layer", "@SPOOL", s, NULL));
	} else {
		image_job_start(j, strv_new("derive", s, NULL));
	}
	free(s);
}

void
req_build_cache(struct peer *p, json_t *params)
{
	char *id = NULL;
	int r = image_cache_get(p->d->cfg.data_root, p->cred.uid, proto_get_str(params, "key", ""), &id);

	if (r < 0)
		peer_reply_err(p, ENOENT, "no cached image for this step");
	else
		peer_reply(p, json_pack("{s:s}", "id", id));
	free(id);
}

void
req_builder_prune(struct peer *p, json_t *params)
{
	struct image_job *j = image_job_new(p, "builder prune");

	if (!j) {
		peer_reply_err(p, ENOMEM, "out of memory");
		return;
	}
	image_job_start(j, strv_new("builder-prune", proto_get_bool(params, "all", false) && p->cred.uid == 0 ? "1" : "0",
				    NULL));
}
