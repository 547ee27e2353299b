/* ps and inspect: views of the container table. */
#include "req.h"

#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cleanup.h"
#include "ctr.h"
#include "daemon.h"
#include "net-ctr.h"
#include "ps-ports.h"

static uint64_t upper_bytes; /* nftw has no user pointer; the loop is single-threaded */

static int
add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_F && S_ISREG(st->st_mode))
		upper_bytes += (uint64_t)st->st_size;
	return 0;
}

static uint64_t
ctr_upper_size(struct daemon *d, const struct ctr *c)
{
	char dir[PATH_MAX + 8];

	ctr_dir(d, c, dir, PATH_MAX);
	strcat(dir, "/upper");
	upper_bytes = 0;
	(void)nftw(dir, add_size, 16, FTW_PHYS | FTW_MOUNT);
	return upper_bytes;
}

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

void
req_ps(struct peer *p, json_t *params)
{
	bool all = proto_get_bool(params, "all", false), size = proto_get_bool(params, "size", false);
	bool details = proto_get_bool(params, "details", false);
	json_t *extra;
	int64_t now = time(NULL);
	_cleanup_free_ char *text = NULL;
	struct ctr_ps_json out;
	struct ctr *c;
	size_t len;

	if (proto_get_bool(params, "rows", false)) {
		ps_rows(p, all);
		return;
	}
	/* written as text straight away: see ctr-ps-json.c */
	ctr_ps_json_begin(&out, 0);
	TAILQ_FOREACH_REVERSE(c, &p->d->ctrs, ctr_list, entry) {
		if (!ctr_visible_to(c, p->cred.uid) || c->removing || (!all && !ctr_is_running(c)))
			continue;
		/* ports always; details for the client's filters (issue 12) */
		extra = json_pack("{s:o}", "ports", net_ctr_ps_ports(p->d, c));
		if (details)
			add_details(p->d, c, extra);
		ctr_ps_json_add(&out, c, now, size ? (int64_t)ctr_upper_size(p->d, c) : -1, extra);
		json_decref(extra);
	}
	text = ctr_ps_json_end(&out, &len);
	if (!text)
		peer_reply_error(p, PROTO_E_INTERNAL, PROTO_KIND_INTERNAL, "out of memory");
	else
		peer_reply_text(p, text, len);
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
