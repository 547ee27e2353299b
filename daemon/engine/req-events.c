/* events: decode since, until and the filters, then subscribe (events.c). */
#include "req.h"

#include <errno.h>

#include "daemon.h"
#include "event-filter.h"
#include "events.h"
#include "strv.h"

void
req_events(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct event_filter f;
	char **specs = strv_from_json(json_object_get(params, "filters"));
	long long since = proto_get_int(params, "since", 0), until = proto_get_int(params, "until", 0);
	int r = event_filter_parse(specs, &f, &err);

	strv_free(specs);
	if (r == 0 && (since < 0 || until < 0)) {
		event_filter_free(&f);
		r = lite_err_set(&err, EINVAL, "invalid --since/--until: before 1970");
	}
	if (r < 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "%s", err.msg);
		lite_err_clear(&err);
		return;
	}
	events_subscribe(p, since, until, &f);
}
