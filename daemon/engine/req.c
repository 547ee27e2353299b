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
	[PROTO_M_attach] = req_attach,
	[PROTO_M_exec] = req_exec,
	[PROTO_M_resize] = req_resize,
	[PROTO_M_exec_inspect] = req_exec_inspect,
	[PROTO_M_volume_create] = req_volume_create,
	[PROTO_M_volume_ls] = req_volume_ls,
	[PROTO_M_volume_inspect] = req_volume_inspect,
	[PROTO_M_volume_rm] = req_volume_rm,
	[PROTO_M_volume_prune] = req_volume_prune,
	[PROTO_M_load] = req_load,
	[PROTO_M_save] = req_save,
	[PROTO_M_rmi] = req_rmi,
	[PROTO_M_tag] = req_tag,
	[PROTO_M_image_inspect] = req_image_inspect,
	[PROTO_M_history] = req_history,
	[PROTO_M_image_prune] = req_image_prune,
	[PROTO_M_system_df] = req_system_df,
	[PROTO_M_commit] = req_commit,
	[PROTO_M_export] = req_export,
	[PROTO_M_pull] = req_pull,
	[PROTO_M_create] = req_create,
	[PROTO_M_start] = req_start,
	[PROTO_M_rename] = req_rename,
	[PROTO_M_pause] = req_pause,
	[PROTO_M_unpause] = req_unpause,
	[PROTO_M_update] = req_update,
	[PROTO_M_diff] = req_diff,
	[PROTO_M_cp_from] = req_cp_from,
	[PROTO_M_cp_to] = req_cp_to,
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
