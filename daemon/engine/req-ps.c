/* ps and inspect: views of the container table. */
#include "req.h"

#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctr.h"
#include "daemon.h"
#include "net-ctr.h"

static json_t *
summary(struct ctr *c, int64_t now)
{
	char status[96];

	ctr_state_status_text(c, now, status, sizeof(status));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:s, s:s, s:i, s:b, s:i}",
			 "id", c->spec.id, "name", c->spec.name, "image", c->spec.image,
			 "image_id", c->spec.image_id, "command", json_pack("[]"),
			 "created", (json_int_t)c->spec.created, "state", ctr_state_name(c),
			 "status", status, "exit_code", c->rt.exit_code, "oom_killed", c->rt.oom_killed,
			 "owner_uid", (int)c->spec.owner_uid);
}

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

void
req_ps(struct peer *p, json_t *params)
{
	bool all = proto_get_bool(params, "all", false);
	json_t *list = json_array();
	int64_t now = time(NULL);
	struct ctr *c;

	TAILQ_FOREACH_REVERSE(c, &p->d->ctrs, ctr_list, entry) {
		json_t *s, *cmd;

		if (!ctr_visible_to(c, p->cred.uid) || c->removing || (!all && !ctr_is_running(c)))
			continue;
		s = summary(c, now);
		cmd = json_object_get(s, "command");
		for (char **a = c->spec.cmd; a && *a; a++)
			json_array_append_new(cmd, json_string(*a));
		if (proto_get_bool(params, "size", false))
			json_object_set_new(s, "size_rw", json_integer((json_int_t)ctr_upper_size(p->d, c)));
		if (proto_get_bool(params, "details", false))
			add_details(p->d, c, s);
		json_array_append_new(list, s);
	}
	peer_reply(p, list);
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
