/* Waiters (issue 16, Docker's wait conditions and attach): the reply each
 * kind gets, the "waiting" note that tells a client its wait or attach is
 * registered (so it may send the start that the wait must see), and what
 * a container's removal answers. Just above the table (ctr.c): calls only
 * it and peer.c; ctr-proc.c (exit, failed start) and ctr-remove.c use it.
 *
 * Docker's rules (moby daemon/container/state.go, State.Wait): not-running
 * answers at once when the container does not run; next-exit waits for
 * the exit after the wait was registered; removed waits for the removal;
 * every wait also ends when the container is removed, with its last exit
 * code. A failed start is no exit for next-exit and removed. */
#include "ctr.h"

#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "proto.h"

void
ctr_wait_answer(struct ctr *c, struct waiter *w)
{
	if (peer_is_closed(w->peer))
		return;
	switch (w->kind) {
	case WAITER_WAIT:
	case WAITER_NEXT_EXIT:
	case WAITER_REMOVED:
		peer_reply(w->peer, json_pack("{s:i, s:b}", "exit_code", c->rt.exit_code, "oom_killed", c->rt.oom_killed));
		break;
	case WAITER_CLOSE:
		peer_close_after_flush(w->peer);
		break;
	case WAITER_ATTACH: /* removed before it ever started */
		peer_reply_error(w->peer, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "container %s was removed", c->spec.name);
		break;
	default:
		peer_reply(w->peer, json_object());
	}
}

static void
drop(struct ctr *c, struct waiter *w)
{
	TAILQ_REMOVE(&c->waiters, w, entry);
	peer_unref(w->peer);
	free(w);
}

void
ctr_wait_prune(struct ctr *c)
{
	struct waiter *w, *next;

	/* a client that left a long wait (docker wait ^C, an attach to a
	 * container never started) is not kept until the exit */
	for (w = TAILQ_FIRST(&c->waiters); w; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (peer_is_closed(w->peer) || (w->kind == WAITER_ATTACH && ctr_wait_attach_gone(w->peer)))
			drop(c, w);
	}
}

bool
ctr_wait_attach_gone(const struct peer *p)
{
	/* a held attach's client keeps its side open until the stream (its
	 * stdin); an EOF is a client that left (lite-docker-api exits when
	 * its HTTP client hangs up): connected at the start, it would take
	 * the container's stdin and close it when it goes */
	return peer_is_closed(p) || p->client_eof;
}

void
ctr_wait_note(struct peer *p, const struct ctr *c)
{
	json_t *o = json_pack("{s:s, s:{s:s}}", "method", "waiting", "params", "id", c->spec.id);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	if (s) {
		peer_write(p, s, strlen(s));
		peer_write(p, "\n", 1);
	}
	free(s);
}

struct waiter *
ctr_wait_register(struct ctr *c, enum waiter_kind kind, struct peer *p)
{
	struct waiter *w;

	ctr_wait_prune(c);
	ctr_add_waiter(c, kind, p);
	w = TAILQ_LAST(&c->waiters, waiter_list);
	if (!w || w->peer != p || w->kind != kind)
		return NULL; /* out of memory: ctr_add_waiter replied */
	ctr_wait_note(p, c);
	return w;
}

bool
ctr_wait_kept_by_failed_start(enum waiter_kind kind)
{
	return kind == WAITER_NEXT_EXIT || kind == WAITER_REMOVED || kind == WAITER_ATTACH;
}

bool
ctr_wait_has(const struct ctr *c, enum waiter_kind kind)
{
	const struct waiter *w;

	TAILQ_FOREACH(w, &c->waiters, entry)
		if (w->kind == kind)
			return true;
	return false;
}

void
ctr_wait_on_remove(struct ctr *c)
{
	struct waiter *w;

	while ((w = TAILQ_FIRST(&c->waiters))) {
		ctr_wait_answer(c, w);
		drop(c, w);
	}
}
