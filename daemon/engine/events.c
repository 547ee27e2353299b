/* Events: emitting, the ring in memory, the journal, subscribers.
 *
 * An event is built once in Docker's shape (Type, Action, Actor{ID,
 * Attributes}, scope, time, timeNano; a container's also status, id and
 * from, as Docker's API still sends them) and serialised once; each
 * subscriber gets those bytes when it may see the event (root: all; a
 * user: their containers' events and what is everyone's) and its filters
 * match. The ring keeps the journal's last events in memory so --since
 * needs no disk read; at start it is loaded from the journal, so --since
 * works across a daemon restart. A subscriber that stops reading is cut
 * off once 16 MiB wait for it: the daemon never holds more per client. */
#include "events.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "ctr.h"
#include "daemon.h"
#include "event-filter.h"
#include "events-journal.h"
#include "log.h"
#include "peer.h"

#define SUB_BACKLOG_MAX (16u * 1024 * 1024)

/* Only the serialised line is kept: a filter on a replay parses it again
 * (json_t trees of 1,000 events were ~2 MB of the daemon's heap). */
struct ring_entry {
	int64_t nano;
	int64_t owner;
	char *wire;          /* the event's line as clients get it */
	size_t wire_len;
};

struct events_sub {
	struct peer *p;
	uid_t uid;
	int64_t until;
	bool ended;
	struct event_filter filter;
	struct event *until_ev;
	TAILQ_ENTRY(events_sub) entry;
};

struct events_state {
	struct events_journal journal;
	bool journal_ok;
	struct ring_entry ring[EVENTS_JOURNAL_MAX_EVENTS];
	size_t head, count;      /* oldest at head */
	int64_t last_nano;
	TAILQ_HEAD(, events_sub) subs;
};

/* Keeps ev's line (ev is released); false when out of memory. */
static bool
ring_push(struct events_state *es, int64_t nano, int64_t owner, json_t *ev)
{
	struct ring_entry *e;
	char *s = json_dumps(ev, JSON_COMPACT), *wire;
	size_t len;

	json_decref(ev);
	if (!s)
		return false;
	len = strlen(s);
	wire = realloc(s, len + 2);
	if (!wire) {
		free(s);
		return false;
	}
	if (es->count == EVENTS_JOURNAL_MAX_EVENTS) {
		e = &es->ring[es->head];
		free(e->wire);
		es->head = (es->head + 1) % EVENTS_JOURNAL_MAX_EVENTS;
		es->count--;
	}
	e = &es->ring[(es->head + es->count) % EVENTS_JOURNAL_MAX_EVENTS];
	wire[len] = '\n';
	wire[len + 1] = '\0';
	*e = (struct ring_entry){ .nano = nano, .owner = owner, .wire = wire, .wire_len = len + 1 };
	es->count++;
	es->last_nano = nano;
	return true;
}

static void
load_line(const char *line, size_t len, void *arg)
{
	struct events_state *es = arg;
	json_t *o = json_loadb(line, len, 0, NULL), *ev = json_object_get(o, "event");
	json_int_t nano = json_integer_value(json_object_get(ev, "timeNano"));

	if (json_is_object(ev) && json_is_integer(json_object_get(o, "uid")) && nano > 0)
		(void)ring_push(es, nano, json_integer_value(json_object_get(o, "uid")), json_incref(ev));
	json_decref(o); /* a torn or foreign line is skipped */
}

void
events_init(struct daemon *d)
{
	struct events_state *es = calloc(1, sizeof(*es));
	char dir[ROOT_PATH_MAX + 16];
	int r;

	if (!es) {
		log_warnx("events: out of memory");
		return;
	}
	TAILQ_INIT(&es->subs);
	snprintf(dir, sizeof(dir), "%s/events", d->cfg.data_root);
	events_journal_read(dir, load_line, es);
	r = events_journal_open(&es->journal, dir, EVENTS_JOURNAL_MAX_EVENTS, EVENTS_JOURNAL_MAX_BYTES);
	if (r < 0)
		log_warnx("events: cannot open the journal in %s: %s (events are not kept)", dir, strerror(-r));
	es->journal_ok = r == 0;
	d->events = es;
}

static bool
visible(int64_t owner, uid_t uid)
{
	return uid == 0 || owner == EVENTS_EVERYONE || owner == (int64_t)uid;
}

static bool
filter_empty(const struct event_filter *f)
{
	for (int k = 0; k < EVENT_F_MAX; k++)
		if (f->values[k])
			return false;
	return true;
}

/* ev: the event's tree when the caller has it (a live event); NULL reads
 * it back from the line (a replay), and only when there is a filter. */
static bool
sub_match(struct events_sub *s, const struct ring_entry *e, json_t *ev)
{
	json_t *parsed;
	bool r;

	if (filter_empty(&s->filter))
		return true;
	if (ev)
		return event_filter_match(&s->filter, ev);
	parsed = json_loadb(e->wire, e->wire_len, 0, NULL);
	r = parsed && event_filter_match(&s->filter, parsed);
	json_decref(parsed);
	return r;
}

static void
sub_send(struct events_sub *s, const struct ring_entry *e, json_t *ev)
{
	if (s->ended || !visible(e->owner, s->uid) || (s->until && e->nano > s->until) || !sub_match(s, e, ev))
		return;
	if (evbuffer_get_length(bufferevent_get_output(s->p->bev)) > SUB_BACKLOG_MAX) {
		log_warnx("events: a client of uid %u stopped reading: disconnected", (unsigned)s->uid);
		s->ended = true;
		peer_close(s->p);
		return;
	}
	peer_write(s->p, e->wire, e->wire_len);
}

static int64_t
now_nano(struct events_state *es)
{
	struct timespec ts;
	int64_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return n > es->last_nano ? n : es->last_nano + 1; /* strictly increasing: --since is exact */
}

void
events_emit(struct daemon *d, const char *type, const char *action, const char *id, int64_t owner, json_t *attrs)
{
	struct events_state *es = d->events;
	struct events_sub *s, *next;
	json_t *ev, *rec;
	int64_t nano;
	char *line;

	if (!es) {
		json_decref(attrs);
		return;
	}
	nano = now_nano(es);
	ev = json_object();
	if (!strcmp(type, "container")) {
		json_t *img = json_object_get(attrs, "image");
		json_object_set_new(ev, "status", json_string(action));
		json_object_set_new(ev, "id", json_string(id));
		if (img)
			json_object_set(ev, "from", img);
	}
	json_object_set_new(ev, "Type", json_string(type));
	json_object_set_new(ev, "Action", json_string(action));
	json_object_set_new(ev, "Actor", json_pack("{s:s, s:o}", "ID", id, "Attributes", attrs ? attrs : json_object()));
	json_object_set_new(ev, "scope", json_string("local"));
	json_object_set_new(ev, "time", json_integer(nano / 1000000000));
	json_object_set_new(ev, "timeNano", json_integer(nano));
	rec = json_pack("{s:I, s:O}", "uid", (json_int_t)owner, "event", ev);
	if (es->journal_ok && rec && (line = json_dumps(rec, JSON_COMPACT))) {
		int r = events_journal_append(&es->journal, line, strlen(line));
		if (r < 0)
			log_warnx("events: journal: %s", strerror(-r));
		free(line);
	}
	json_decref(rec);
	if (!ring_push(es, nano, owner, json_incref(ev))) {
		json_decref(ev); /* out of memory: not kept, not sent */
		return;
	}
	for (s = TAILQ_FIRST(&es->subs); s; s = next) {
		next = TAILQ_NEXT(s, entry);
		sub_send(s, &es->ring[(es->head + es->count - 1) % EVENTS_JOURNAL_MAX_EVENTS], ev);
	}
	json_decref(ev);
}

json_t *
events_attrs(const char *k1, const char *v1, ...)
{
	json_t *o = json_object();
	const char *k = k1, *v = v1;
	va_list ap;

	va_start(ap, v1);
	while (k) {
		if (v)
			json_object_set_new(o, k, json_string(v));
		k = va_arg(ap, const char *);
		if (k)
			v = va_arg(ap, const char *);
	}
	va_end(ap);
	return o;
}

/* Docker's "volume mount" of each volume as the container starts, and
 * "volume unmount" once it died. */
static void
volume_events(struct daemon *d, const struct ctr *c, const char *action)
{
	size_t i;
	json_t *m;

	json_array_foreach(c->spec.mounts, i, m) {
		const char *vol = json_string_value(json_object_get(m, "volume"));
		if (vol && *vol)
			events_emit(d, "volume", action, vol, (int64_t)c->spec.owner_uid,
				    events_attrs("container", c->spec.id, "destination",
						 json_string_value(json_object_get(m, "target")), "driver", "local",
						 "read/write", json_is_true(json_object_get(m, "readonly")) ? "false" : "true",
						 NULL));
	}
}

void
events_ctr(struct daemon *d, const struct ctr *c, const char *action, json_t *attrs)
{
	json_t *o, *v;
	const char *k;

	if (!action) {
		json_decref(attrs);
		return; /* nothing to say (a one-line caller's "no event") */
	}
	o = json_object();
	if (!strcmp(action, "start"))
		volume_events(d, c, "mount");
	/* labels first, so name and image (and the caller's attrs) win */
	json_object_foreach(c->spec.labels, k, v)
		if (json_is_string(v))
			json_object_set(o, k, v);
	json_object_set_new(o, "image", json_string(c->spec.image));
	json_object_set_new(o, "name", json_string(c->spec.name));
	if (attrs)
		json_object_update(o, attrs);
	json_decref(attrs);
	events_emit(d, "container", action, c->spec.id, (int64_t)c->spec.owner_uid, o);
	if (!strcmp(action, "die"))
		volume_events(d, c, "unmount");
}

void
events_exec(struct daemon *d, const struct ctr *c, const char *exec_id, json_t *cmd)
{
	char args[480], action[512];
	size_t i, n = 0;
	json_t *a;

	args[0] = '\0';
	json_array_foreach(cmd, i, a)
		if (n < sizeof(args))
			n += (size_t)snprintf(args + n, sizeof(args) - n, "%s%s", n ? " " : "", json_string_value(a));
	snprintf(action, sizeof(action), "exec_create: %s", args);
	events_ctr(d, c, action, events_attrs("execID", exec_id, NULL));
	snprintf(action, sizeof(action), "exec_start: %s", args);
	events_ctr(d, c, action, events_attrs("execID", exec_id, NULL));
}

void
events_exec_die(struct daemon *d, const char *ctr_id, const char *exec_id, int exit_code)
{
	struct ctr *c = ctr_by_id(d, ctr_id);
	char code[16];

	snprintf(code, sizeof(code), "%d", exit_code);
	if (c)
		events_ctr(d, c, "exec_die", events_attrs("execID", exec_id, "exitCode", code, NULL));
}

static void
sub_free(struct peer *p)
{
	struct events_sub *s = p->stream_state;

	if (!s)
		return;
	TAILQ_REMOVE(&p->d->events->subs, s, entry);
	if (s->until_ev)
		event_free(s->until_ev);
	event_filter_free(&s->filter);
	free(s);
	p->stream_state = NULL;
}

static void
on_until(evutil_socket_t fd, short what, void *arg)
{
	struct events_sub *s = arg;

	s->ended = true;
	peer_close_after_flush(s->p);
}

/* Output drained: nothing to do (events are pushed), but stream mode
 * wants a write callback. */
static void
on_drained(struct bufferevent *bev, void *arg)
{
}

void
events_subscribe(struct peer *p, int64_t since, int64_t until, struct event_filter *f)
{
	struct events_state *es = p->d->events;
	struct events_sub *s = es ? calloc(1, sizeof(*s)) : NULL;
	int64_t now;

	if (!s) {
		event_filter_free(f);
		peer_reply_err(p, ENOMEM, "events are not available");
		return;
	}
	*s = (struct events_sub){ .p = p, .uid = p->cred.uid, .until = until, .filter = *f };
	memset(f, 0, sizeof(*f));
	TAILQ_INSERT_TAIL(&es->subs, s, entry);
	peer_start_stream(p, s, sub_free);
	peer_reply(p, json_pack("{s:b}", "stream", 1));
	peer_set_write_cb(p, on_drained);
	peer_ref(p); /* a replay too big for the backlog closes p, and frees s */
	for (size_t i = 0; since > 0 && i < es->count && !peer_is_closed(p); i++) {
		const struct ring_entry *e = &es->ring[(es->head + i) % EVENTS_JOURNAL_MAX_EVENTS];
		if (e->nano >= since)
			sub_send(s, e, NULL);
	}
	if (peer_is_closed(p)) {
		peer_unref(p);
		return;
	}
	peer_unref(p);
	now = now_nano(es);
	if (until && until <= now) {
		s->ended = true;
		peer_close_after_flush(p);
	} else if (until && !s->ended) {
		struct timeval tv = { .tv_sec = (until - now) / 1000000000, .tv_usec = (until - now) % 1000000000 / 1000 };
		s->until_ev = evtimer_new(p->d->base, on_until, s);
		if (s->until_ev)
			evtimer_add(s->until_ev, &tv);
	}
}
