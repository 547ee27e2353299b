/* lite-docker-api: GET /events. lite's events are already Docker's shape
 * (Type, Action, Actor, scope, time, timeNano; status, id, from for
 * containers), one JSON line each: they pass through as the chunks of a
 * streamed application/json reply. since and until (Unix seconds, with
 * a fraction, as the docker client sends them) become lite's nanoseconds;
 * the filters become lite's KEY=VALUE list, which the daemon checks (an
 * unknown key is a 400). The stream ends at until, or when the client
 * leaves. */
#include "docker-api.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "docker-filter.h"

/* "1733000000", "1733000000.5", "1733000000.000000001": ns; -1 if bad. */
static int64_t
parse_ts(const char *s)
{
	char *end;
	long long sec = strtoll(s, &end, 10);
	int64_t ns = 0, scale = 100000000;

	if (end == s || sec < 0)
		return -1;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
			ns += scale * (*end - '0');
	if (*end)
		return -1;
	return (int64_t)sec * 1000000000 + ns;
}

static const char *const event_keys[] = { "type", "event", "container", "image", "label", "network", "volume",
					  "daemon", "plugin", "node", "service", "secret", "config", "scope", NULL };

int
api_events(struct api *a)
{
	const char *since = http_query(a->r, "since"), *until = http_query(a->r, "until"), *k;
	json_t *filters = NULL, *p = json_object(), *f = json_array(), *vals, *v, *res = NULL;
	int64_t s = since && *since ? parse_ts(since) : 0, u = until && *until ? parse_ts(until) : 0;
	struct docker_err err;
	struct lite_conn lc;
	char buf[65536];
	size_t i;

	if (s < 0 || u < 0) {
		json_decref(p);
		json_decref(f);
		http_send_error(a->c, 400, "invalid %s timestamp: %s", s < 0 ? "since" : "until", s < 0 ? since : until);
		return 0;
	}
	if (docker_filter_parse(a->c, a->r, event_keys, &filters) < 0) {
		json_decref(p);
		json_decref(f);
		return 0;
	}
	json_object_foreach(filters, k, vals)
		json_array_foreach(vals, i, v) {
			char kv[1024];

			snprintf(kv, sizeof(kv), "%s=%s", k, json_string_value(v));
			json_array_append_new(f, json_string(kv));
		}
	json_decref(filters);
	/* until alone (docker events --until): what the journal holds up to then */
	if (u && !s)
		s = 1;
	if (s)
		json_object_set_new(p, "since", json_integer(s));
	if (u)
		json_object_set_new(p, "until", json_integer(u));
	json_object_set_new(p, "filters", f);
	if (docker_lite_open("events", p, &lc, &res, &err, NULL, NULL) < 0)
		return api_fail(a, &err);
	json_decref(res);
	if (http_stream_begin(a->c, 200, "application/json") < 0) {
		docker_lite_close(&lc);
		return 1;
	}
	for (;;) {
		struct pollfd pfd[2] = { { .fd = lc.fd, .events = POLLIN }, { .fd = a->c->fd, .events = POLLIN } };
		ssize_t n;

		if (lc.off == lc.len && poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (lc.off == lc.len && !pfd[0].revents && pfd[1].revents) {
			/* the client sent something or left: a GET has nothing more to say */
			if (read(a->c->fd, buf, sizeof(buf)) <= 0)
				break;
			continue;
		}
		n = docker_lite_read(&lc, buf, sizeof(buf));
		if (n <= 0 || http_stream_write(a->c, buf, (size_t)n) < 0)
			break;
	}
	docker_lite_close(&lc);
	http_stream_end(a->c);
	return 1;
}
