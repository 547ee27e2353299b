/* The dispatch table: protocol method -> handler, generated from
 * proto/methods.def, so a method without a handler fails the build; and
 * the audit line of each request methods.def marks as mutating:
 *   audit uid=1001 pid=4242 method=run target="web" outcome=ok
 *   audit uid=1001 pid=4242 method=rm target="db" outcome=error kind=not_found
 * The target is what the request named, as the caller typed it. */
#include "req.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

static const req_handler handlers[PROTO_M_MAX] = {
#define METHOD(name, streams, mutates, summary) [PROTO_M_##name] = req_##name,
#define PARAM(m, f, t, r)
#include "methods.def"
#undef METHOD
#undef PARAM
};

/* The first of the params that name what a request acts on. */
static const char *
audit_target(json_t *params)
{
	static const char *const keys[] = { "id", "name", "ref", "container", "source", "image", "images" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(params, keys[i]);

		if (json_is_array(v))
			v = json_array_get(v, 0);
		if (json_is_string(v))
			return json_string_value(v);
	}
	return "";
}

static void
audit_done(struct peer *p, const struct proto_error *err)
{
	log_info("audit uid=%d pid=%d method=%s target=\"%s\" outcome=%s%s%s", (int)p->cred.uid, (int)p->cred.pid,
		 proto_method_name(p->audit_method), p->audit_target, err ? "error" : "ok", err ? " kind=" : "",
		 err ? err->kind : "");
}

/* Remember what to log; quotes, backslashes and control bytes in the
 * target become '?' so a name cannot forge the rest of the line. */
static void
audit_start(struct peer *p, const struct proto_request *req)
{
	char *t = p->audit_target;

	p->audit_method = req->method;
	snprintf(t, sizeof(p->audit_target), "%s", audit_target(req->params));
	for (; *t; t++)
		if (*t == '"' || *t == '\\' || (unsigned char)*t < 0x20 || *t == 0x7f)
			*t = '?';
	p->audit = audit_done;
}

void
req_dispatch(struct peer *p, struct proto_request *req, void *arg)
{
	if (req->method >= PROTO_M_MAX) {
		peer_reply_error(p, PROTO_E_NO_METHOD, PROTO_KIND_NO_METHOD, "method %d is not implemented",
				 (int)req->method);
		return;
	}
	if (proto_method_mutates(req->method))
		audit_start(p, req);
	handlers[req->method](p, req->params);
}
