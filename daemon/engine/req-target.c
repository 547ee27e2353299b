/* The container a request names: params.id looked up for the caller, the
 * one lookup every per-container handler starts with. */
#include "req.h"

#include "ctr.h"

struct ctr *
req_target(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct ctr *c = NULL;
	int r = ctr_lookup(p->d, proto_get_str(params, "id", ""), p->cred.uid, &c, &err);

	if (r < 0)
		peer_reply_err(p, r, err.msg);
	lite_err_clear(&err);
	return r < 0 ? NULL : c;
}
