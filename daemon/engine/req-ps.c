/* ps and inspect: views of the container table. */
#include "req.h"

#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cleanup.h"
#include "ctr.h"
#include "daemon.h"

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

void
req_ps(struct peer *p, json_t *params)
{
	bool all = proto_get_bool(params, "all", false), size = proto_get_bool(params, "size", false);
	int64_t now = time(NULL);
	_cleanup_free_ char *text = NULL;
	struct ctr_ps_json out;
	struct ctr *c;
	size_t len;

	/* written as text straight away: see ctr-ps-json.c */
	ctr_ps_json_begin(&out, 0);
	TAILQ_FOREACH_REVERSE(c, &p->d->ctrs, ctr_list, entry) {
		if (!ctr_visible_to(c, p->cred.uid) || c->removing || (!all && !ctr_is_running(c)))
			continue;
		ctr_ps_json_add(&out, c, now, size ? (int64_t)ctr_upper_size(p->d, c) : -1);
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
