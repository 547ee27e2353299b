/* Image methods beyond import/images: load, save, rmi, tag, image_prune,
 * system_df, image_inspect, history, commit, export, pull. Everything that
 * touches the store's lock or parses an archive runs in lite-image
 * (image-job.c); inspect and history only read one config. */
#include "req.h"
#include "image-job.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"
#include "daemon.h"
#include "image.h"
#include "image-ref.h"
#include "strv.h"

/* A NULL-terminated argv from literal strings and a JSON string array. */
static char **
job_argv(const char *const *head, size_t n_head, json_t *tail)
{
	size_t n = json_array_size(tail), i;
	char **v = calloc(n_head + n + 1, sizeof(char *));
	json_t *e;

	if (!v)
		return NULL;
	for (i = 0; i < n_head; i++)
		if (!(v[i] = strdup(head[i] ? head[i] : "")))
			goto oom;
	json_array_foreach(tail, i, e)
		if (!(v[n_head + i] = strdup(json_string_value(e) ?: "")))
			goto oom;
	return v;
oom:
	strv_free(v);
	return NULL;
}

static struct image_job *
job_or_reply(struct peer *p, const char *what)
{
	struct image_job *j = image_job_new(p, what);

	if (!j)
		peer_reply_err(p, ENOMEM, "out of memory");
	return j;
}

/* An empty output file in DATA_ROOT/tmp for the helper to fill. */
static int
job_out_file(struct image_job *j)
{
	int fd;

	snprintf(j->out, sizeof(j->out), "%s/tmp/job-out-XXXXXX", j->peer->d->cfg.data_root);
	fd = mkostemp(j->out, O_CLOEXEC);
	if (fd < 0) {
		j->out[0] = '\0';
		return -errno;
	}
	close(fd);
	return 0;
}

void
req_load(struct peer *p, json_t *params)
{
	struct image_job *j = job_or_reply(p, "load");

	if (j)
		image_job_upload(j, job_argv((const char *[]){ "load", "@SPOOL" }, 2, NULL));
}

void
req_save(struct peer *p, json_t *params)
{
	const char *format = proto_get_str(params, "format", "docker");
	json_t *imgs = json_object_get(params, "images");
	struct image_job *j;

	if (json_array_size(imgs) == 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "save: name at least one image");
		return;
	}
	if (strcmp(format, "docker") && strcmp(format, "oci")) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
				 "invalid --format '%s': use docker or oci", format);
		return;
	}
	if (!(j = job_or_reply(p, "save")))
		return;
	if (job_out_file(j) < 0) {
		peer_reply_err(p, errno, "save: cannot create the output file");
		image_job_free(j);
		return;
	}
	j->done = image_job_send_file;
	image_job_start(j, job_argv((const char *[]){ "save", j->out, format }, 3, imgs));
}

void
req_rmi(struct peer *p, json_t *params)
{
	struct image_job *j = job_or_reply(p, "rmi");
	bool force = proto_get_bool(params, "force", false);

	if (j)
		image_job_start(j, job_argv((const char *[]){ "rmi", force ? "1" : "0" }, 2,
					    json_object_get(params, "images")));
}

void
req_tag(struct peer *p, json_t *params)
{
	struct image_job *j = job_or_reply(p, "tag");

	if (j)
		image_job_start(j, job_argv((const char *[]){ "tag", proto_get_str(params, "source", ""),
							      proto_get_str(params, "target", "") }, 3, NULL));
}

void
req_image_prune(struct peer *p, json_t *params)
{
	struct image_job *j = job_or_reply(p, "image prune");

	if (j)
		image_job_start(j, job_argv((const char *[]){ "prune", proto_get_bool(params, "all", false) ? "1" : "0" },
					    2, NULL));
}

/* lite-image sees the store, not which containers run: the counts come
 * from the table, as the caller may see it (issue 12 bug 9: "active" was
 * the total). */
static void
system_df_done(struct image_job *j, json_t *result)
{
	json_t *ct = json_object_get(result, "containers");
	json_int_t total = 0, active = 0;
	struct ctr *c;

	TAILQ_FOREACH(c, &j->peer->d->ctrs, entry) {
		if (!ctr_visible_to(c, j->peer->cred.uid) || c->removing)
			continue;
		total++;
		active += ctr_is_running(c);
	}
	if (json_is_object(ct)) {
		json_object_set_new(ct, "total", json_integer(total));
		json_object_set_new(ct, "active", json_integer(active));
	}
	peer_reply(j->peer, json_incref(result));
}

void
req_system_df(struct peer *p, json_t *params)
{
	struct image_job *j = job_or_reply(p, "system df");

	if (!j)
		return;
	j->done = system_df_done;
	image_job_start(j, job_argv((const char *[]){ "df" }, 1, NULL));
}

/* The container named by params.id, as the caller may see it; replies on error. */
static struct ctr *
lookup_ctr(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct ctr *c = NULL;

	if (ctr_lookup(p->d, proto_get_str(params, "id", ""), p->cred.uid, &c, &err) < 0) {
		peer_reply_err(p, err.code ? err.code : ENOENT, err.msg);
		c = NULL;
	}
	lite_err_clear(&err);
	return c;
}

void
req_commit(struct peer *p, json_t *params)
{
	struct ctr *c = lookup_ctr(p, params);
	json_t *changes = json_object_get(params, "changes");
	char *cj = changes ? json_dumps(changes, JSON_COMPACT) : strdup("[]");
	struct image_job *j;
	char idmap[48];

	if (c)
		userns_idmap_arg(&c->spec.userns, idmap, sizeof(idmap)); /* issue 11: container ids in the layer */
	if (c && cj && (j = job_or_reply(p, "commit")))
		image_job_start(j, job_argv((const char *[]){ "commit", c->spec.id, proto_get_str(params, "ref", ""), cj,
							      proto_get_str(params, "comment", ""), idmap }, 6, NULL));
	free(cj);
}

void
req_export(struct peer *p, json_t *params)
{
	struct ctr *c = lookup_ctr(p, params);
	struct image_job *j;
	char idmap[48];

	if (!c || !(j = job_or_reply(p, "export")))
		return;
	if (job_out_file(j) < 0) {
		peer_reply_err(p, errno, "export: cannot create the output file");
		image_job_free(j);
		return;
	}
	j->done = image_job_send_file;
	userns_idmap_arg(&c->spec.userns, idmap, sizeof(idmap)); /* issue 11: container ids in the archive */
	image_job_start(j, job_argv((const char *[]){ "export", c->spec.id, j->out, idmap }, 4, NULL));
}

/* Resolve and load params.image; replies on error. */
static struct image *
lookup_image(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct image *img = NULL;
	char *id = NULL;
	int r;

	r = image_resolve(p->d->cfg.data_root, proto_get_str(params, "image", ""), &id, &err);
	if (r == 0)
		r = image_load(p->d->cfg.data_root, id, &img, &err);
	if (r < 0)
		peer_reply_err(p, -r, err.msg);
	free(id);
	lite_err_clear(&err);
	return img;
}

static json_t *
repo_tags(struct peer *p, const char *id)
{
	struct lite_err err = { 0 };
	json_t *list = NULL, *e;
	size_t i;

	if (image_list(p->d->cfg.data_root, &list, &err) < 0) {
		lite_err_clear(&err);
		return json_array();
	}
	json_array_foreach(list, i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "id")) ?: "", id)) {
			json_t *t = json_incref(json_object_get(e, "repo_tags"));

			json_decref(list);
			return t;
		}
	}
	json_decref(list);
	return json_array();
}

void
req_image_inspect(struct peer *p, json_t *params)
{
	struct image *img = lookup_image(p, params);
	json_t *cfg, *out;

	if (!img)
		return;
	cfg = img->config;
	out = json_pack("{s:s,s:o,s:O?,s:I,s:I,s:O?,s:O?,s:O?,s:{s:s,s:O?},s:O?}", "Id", img->id, "RepoTags",
			repo_tags(p, img->id), "Created", json_object_get(cfg, "created"), "Size",
			(json_int_t)img->size, "Layers", (json_int_t)img->n_layers, "Architecture",
			json_object_get(cfg, "architecture"), "Os", json_object_get(cfg, "os"), "Config",
			json_object_get(cfg, "config"), "RootFS", "Type", "layers", "Layers",
			json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"), "History",
			json_object_get(cfg, "history"));
	image_free(img);
	if (out)
		peer_reply(p, out);
	else
		peer_reply_err(p, ENOMEM, "out of memory");
}

void
req_history(struct peer *p, json_t *params)
{
	struct image *img = lookup_image(p, params);
	json_t *hist, *out, *h;
	size_t i, layer = 0;

	if (!img)
		return;
	hist = json_object_get(img->config, "history");
	out = json_array();
	/* newest first, as docker history; layers matched to non-empty entries */
	json_array_foreach(hist, i, h) {
		bool empty = json_is_true(json_object_get(h, "empty_layer"));
		const char *diff = !empty && layer < img->n_layers ? img->diff_ids[layer++] : NULL;

		json_array_insert_new(out, 0, json_pack("{s:s?,s:s?,s:s?,s:s?,s:I}", "created",
							json_string_value(json_object_get(h, "created")), "created_by",
							json_string_value(json_object_get(h, "created_by")), "comment",
							json_string_value(json_object_get(h, "comment")), "layer", diff, "size",
							(json_int_t)(diff ? image_layer_size(p->d->cfg.data_root, diff) : 0)));
	}
	if (json_array_size(hist) == 0)
		for (i = 0; i < img->n_layers; i++)
			json_array_insert_new(out, 0, json_pack("{s:s,s:I}", "layer", img->diff_ids[i], "size",
								(json_int_t)image_layer_size(p->d->cfg.data_root, img->diff_ids[i])));
	out = json_pack("{s:s,s:o}", "id", img->id, "history", out);
	image_free(img);
	peer_reply(p, out);
}

/* Credentials go to lite-image in a 0600 file (j->spool: removed at the
 * end either way), never on its command line. */
static int
job_auth_file(struct image_job *j, const char *user)
{
	int fd;

	snprintf(j->spool, sizeof(j->spool), "%s/tmp/job-auth-XXXXXX", j->peer->d->cfg.data_root);
	fd = mkostemp(j->spool, O_CLOEXEC);
	if (fd < 0) {
		j->spool[0] = '\0';
		return -errno;
	}
	if (write(fd, user, strlen(user)) != (ssize_t)strlen(user)) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* lite-image pull's last argument: "-" for root; for another user
 * "user:" and the registries it may reach over plain HTTP. */
static bool
pull_policy(struct peer *p, char *buf, size_t len)
{
	char **l = p->d->cfg.limits.insecure_registries;
	size_t at;

	if (p->cred.uid == 0)
		return snprintf(buf, len, "-") > 0;
	at = (size_t)snprintf(buf, len, "user:");
	for (size_t i = 0; l && l[i]; i++) {
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? "," : "", l[i]);
		if (at >= len)
			return false;
	}
	return true;
}

/* lite-image's insecure argument: "1" for --insecure (plain HTTP); "2" for
 * a registry in "insecure-registries", for every caller as Docker's (HTTPS
 * without certificate checks when it speaks TLS, else plain HTTP); "0". */
static const char *
pull_insecure(struct peer *p, json_t *params, const char *host_or_ref, bool is_host)
{
	struct image_ref r;
	const char *host = host_or_ref;

	if (proto_get_bool(params, "insecure", false))
		return "1";
	if (!is_host)
		host = image_ref_parse(host_or_ref, &r, NULL) == 0 ? r.domain : NULL;
	return host && daemon_limits_insecure_ok(&p->d->cfg.limits, host) ? "2" : "0";
}

void
req_pull(struct peer *p, json_t *params)
{
	const char *ref = proto_get_str(params, "ref", "");
	const char *user = proto_get_str(params, "user", NULL);
	char policy[4096];
	struct image_job *j;

	if (!*ref || strlen(ref) > 512 || strchr(ref, '\n')) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "pull: invalid image reference");
		return;
	}
	if (user && (!strchr(user, ':') || strlen(user) > 1000)) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "pull: --user must be USER:PASSWORD");
		return;
	}
	if (p->cred.uid != 0 && !p->d->cfg.limits.allow_nonroot_pull) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_PERMISSION,
				 "pull: only root may pull images here (allow-nonroot-pull is false)");
		return;
	}
	if (!(j = job_or_reply(p, "pull")))
		return;
	if (!pull_policy(p, policy, sizeof(policy))) {
		peer_reply_err(p, E2BIG, "pull: insecure-registries is too long");
		image_job_free(j);
		return;
	}
	if (user && job_auth_file(j, user) < 0) {
		peer_reply_err(p, errno, "pull: cannot store the credentials");
		image_job_free(j);
		return;
	}
	j->progress = proto_get_bool(params, "progress", false);
	image_job_start(j, job_argv((const char *[]){ "pull", ref, pull_insecure(p, params, ref, false),
						      user ? j->spool : "-", policy },
				    5, NULL));
}

/* push and login: the same credential and policy handling as pull; the
 * credentials live in a 0600 spool file lite-image removes once read. */
static bool
registry_job_ok(struct peer *p, const char *what, const char *name, const char *user)
{
	if (!*name || strlen(name) > 512 || strchr(name, '\n')) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "%s: invalid name", what);
		return false;
	}
	if (user && (!strchr(user, ':') || strlen(user) > 1000 || strchr(user, '\n'))) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "%s: credentials must be USER:PASSWORD",
				 what);
		return false;
	}
	if (p->cred.uid != 0 && !p->d->cfg.limits.allow_nonroot_pull) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_PERMISSION,
				 "%s: only root may reach registries here (allow-nonroot-pull is false)", what);
		return false;
	}
	return true;
}

static void
registry_job(struct peer *p, const char *op, const char *name, const char *user, const char *insecure, bool progress)
{
	char policy[4096];
	struct image_job *j;

	if (!(j = job_or_reply(p, op)))
		return;
	if (!pull_policy(p, policy, sizeof(policy))) {
		peer_reply_err(p, E2BIG, "insecure-registries is too long");
		image_job_free(j);
		return;
	}
	if (user && job_auth_file(j, user) < 0) {
		peer_reply_err(p, errno, "cannot pass the credentials to lite-image");
		image_job_free(j);
		return;
	}
	j->progress = progress;
	image_job_start(j, job_argv((const char *[]){ op, name, insecure, user ? j->spool : "-", policy },
				    5, NULL));
}

void
req_push(struct peer *p, json_t *params)
{
	const char *ref = proto_get_str(params, "ref", "");
	const char *user = proto_get_str(params, "user", NULL);

	if (registry_job_ok(p, "push", ref, user))
		registry_job(p, "push", ref, user, pull_insecure(p, params, ref, false),
			     proto_get_bool(params, "progress", false));
}

void
req_login(struct peer *p, json_t *params)
{
	const char *reg = proto_get_str(params, "registry", "");
	const char *user = proto_get_str(params, "user", NULL);

	if (registry_job_ok(p, "login", reg, user))
		registry_job(p, "login", reg, user, pull_insecure(p, params, reg, true), false);
}
