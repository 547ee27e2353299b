/* The dispatch table: protocol method -> handler. */
#include "req.h"

static const req_handler handlers[PROTO_M_MAX] = {
	[PROTO_M_version] = req_version,
	[PROTO_M_ping] = req_ping,
	[PROTO_M_info] = req_info,
	[PROTO_M_import] = req_import,
	[PROTO_M_images] = req_images,
	[PROTO_M_run] = req_run,
	[PROTO_M_ps] = req_ps,
	[PROTO_M_inspect] = req_inspect,
	[PROTO_M_stop] = req_stop,
	[PROTO_M_kill] = req_kill,
	[PROTO_M_rm] = req_rm,
	[PROTO_M_wait] = req_wait,
	[PROTO_M_logs] = req_logs,
	[PROTO_M_network_create] = req_network_create,
	[PROTO_M_network_ls] = req_network_ls,
	[PROTO_M_network_inspect] = req_network_inspect,
	[PROTO_M_network_rm] = req_network_rm,
	[PROTO_M_network_connect] = req_network_connect,
	[PROTO_M_network_disconnect] = req_network_disconnect,
};

req_handler
req_handler_for(enum proto_method m)
{
	return m < PROTO_M_MAX ? handlers[m] : NULL;
}

void
req_dispatch(struct peer *p, struct proto_request *req)
{
	req_handler h = req_handler_for(req->method);

	if (!h) {
		peer_reply_error(p, PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD, "method '%s' is not implemented",
				 proto_method_name(req->method));
		return;
	}
	h(p, req->params);
}
