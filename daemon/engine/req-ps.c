/* ps and inspect: views of the container table. */
#include "req.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cleanup.h"
#include "ctr.h"
#include "daemon.h"
#include "net-ctr.h"
#include "ps-ports.h"
#include "size-job.h"

/* ps "details": what the client's --filter keys label, health, volume,
 * network, publish and expose read (issue 12); asked only when filtering,
 * as it costs a network lookup per container. */
static void
add_details(struct daemon *d, struct ctr *c, json_t *s)
{
	json_object_set_new(s, "labels", c->spec.labels ? json_incref(c->spec.labels) : json_object());
	json_object_set_new(s, "health", json_string(c->rt.health));
	json_object_set_new(s, "mounts", c->spec.mounts ? json_incref(c->spec.mounts) : json_array());
	json_object_set_new(s, "network_settings", net_ctr_inspect(d, c));
}

/* ps "rows": the default table's fields as text lines after the reply
 * (ctr-ps-json.c); no JSON per container on either side. */
static void
ps_rows(struct peer *p, bool all)
{
	_cleanup_free_ char *text = NULL;
	int64_t now = time(NULL);
	struct ctr_ps_json out;
	struct ctr *c;
	size_t len, rows;

	ctr_ps_json_rows_begin(&out, p->d->ctr_index.count);
	TAILQ_FOREACH_REVERSE(c, &p->d->ctrs, ctr_list, entry) {
		char ports[1024];
		json_t *a;

		if (!ctr_visible_to(c, p->cred.uid) || c->removing || (!all && !ctr_is_running(c)))
			continue;
		ports[0] = '\0';
		if (net_ctr_ps_has_ports(p->d, c)) {
			a = net_ctr_ps_ports(p->d, c);
			ps_ports_format(a, ports, sizeof(ports));
			json_decref(a);
		}
		ctr_ps_json_add_row(&out, c, now, ports);
	}
	rows = out.n;
	text = ctr_ps_json_rows_end(&out, &len);
	if (!text)
		peer_reply_error(p, PROTO_E_INTERNAL, PROTO_KIND_INTERNAL, "out of memory");
	else
		peer_reply_bytes(p, json_pack("{s:I, s:I}", "rows", (json_int_t)rows, "size", (json_int_t)len), text,
				 len);
}

static bool
ps_shows(struct peer *p, struct ctr *c, bool all)
{
	return ctr_visible_to(c, p->cred.uid) && !c->removing && (all || ctr_is_running(c));
}

/* The JSON listing; sizes: {ID: bytes} for --size (a container created
 * while they were computed shows 0), NULL without. */
static void
ps_json(struct peer *p, json_t *params, json_t *sizes)
{
	bool all = proto_get_bool(params, "all", false), details = proto_get_bool(params, "details", false);
	json_t *extra;
	int64_t now = time(NULL);
	_cleanup_free_ char *text = NULL;
	struct ctr_ps_json out;
	struct ctr *c;
	size_t len;

	/* written as text straight away: see ctr-ps-json.c */
	ctr_ps_json_begin(&out, 0);
	TAILQ_FOREACH_REVERSE(c, &p->d->ctrs, ctr_list, entry) {
		if (!ps_shows(p, c, all))
			continue;
		/* ports always; details for the client's filters (issue 12) */
		extra = json_pack("{s:o}", "ports", net_ctr_ps_ports(p->d, c));
		if (details)
			add_details(p->d, c, extra);
		ctr_ps_json_add(&out, c, now, sizes ? (int64_t)json_integer_value(json_object_get(sizes, c->spec.id)) : -1,
				extra);
		json_decref(extra);
	}
	text = ctr_ps_json_end(&out, &len);
	if (!text)
		peer_reply_error(p, PROTO_E_INTERNAL, PROTO_KIND_INTERNAL, "out of memory");
	else
		peer_reply_text(p, text, len);
}

/* state: {"params": the request's, "ids": [ID...] in the order of sizes} */
static void
ps_sized(struct peer *p, json_t *state, json_t *sizes)
{
	json_t *by_id = json_object(), *ids = json_object_get(state, "ids"), *id;
	size_t i;

	json_array_foreach(ids, i, id)
		json_object_set_new(by_id, json_string_value(id), json_integer(json_integer_value(json_array_get(sizes, i))));
	ps_json(p, json_object_get(state, "params"), by_id);
	json_decref(by_id);
}

/* --size: the upper directories are the users' (any depth, any number of
 * files): walked by lite-image (size-job.c), never on the loop. */
static void
ps_size(struct peer *p, json_t *params)
{
	bool all = proto_get_bool(params, "all", false);
	json_t *ids = json_array(), *paths = json_array();
	struct ctr *c;

	TAILQ_FOREACH_REVERSE(c, &p->d->ctrs, ctr_list, entry) {
		char dir[PATH_MAX + 8];

		if (!ps_shows(p, c, all))
			continue;
		ctr_dir(p->d, c, dir, PATH_MAX);
		strcat(dir, "/upper");
		json_array_append_new(ids, json_string(c->spec.id));
		json_array_append_new(paths, json_string(dir));
	}
	size_job_start(p, "size", paths, json_pack("{s:O, s:o}", "params", params, "ids", ids), ps_sized);
}

void
req_ps(struct peer *p, json_t *params)
{
	if (proto_get_bool(params, "rows", false))
		ps_rows(p, proto_get_bool(params, "all", false));
	else if (proto_get_bool(params, "size", false))
		ps_size(p, params);
	else
		ps_json(p, params, NULL);
}

void
req_inspect(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct ctr *c;
	int r = ctr_lookup(p->d, proto_get_str(params, "id", ""), p->cred.uid, &c, &err);

	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else
		peer_reply(p, ctr_inspect_json(p->d, c));
	lite_err_clear(&err);
}
