/* The dispatch table: protocol method -> handler, generated from
 * proto/methods.def, so a method without a handler fails the build. */
#include "req.h"

static const req_handler handlers[PROTO_M_MAX] = {
#define METHOD(name, streams, mutates, summary) [PROTO_M_##name] = req_##name,
#define PARAM(m, f, t, r)
#include "methods.def"
#undef METHOD
#undef PARAM
};

void
req_dispatch(struct peer *p, struct proto_request *req, void *arg)
{
	if (req->method >= PROTO_M_MAX) {
		peer_reply_error(p, PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD, "method %d is not implemented",
				 (int)req->method);
		return;
	}
	handlers[req->method](p, req->params);
}
