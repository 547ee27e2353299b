/* Attaches held until a start (issue 16): Docker's attach to a created or
 * exited container does not start it; it waits until the container next
 * starts and is connected before the process runs. The docker CLI sends
 * create, attach (its own connection), wait and start, so an attach that
 * started the container itself would leave the start nothing to do and
 * next-exit an exit it cannot see.
 *
 * Every start (run_started in req-run.c, a restart policy's in
 * ctr-restart.c) calls ctr_attach_connect_held after the shim reported
 * and before it releases init: each held attach gets its own connection
 * to the shim now, and only then is "start" sent. The shim serves its
 * connections in the order they were made (it accepts one per turn of its
 * loop, and a line written before the next connect is read before that
 * connection is accepted), so init runs after every attach line is
 * read: no output is lost. "replay" adds the shim's last output only if
 * that order were ever broken: before init runs there is none.
 *
 * Above ctr-proc.c (the end of a stream waits for the recorded exit),
 * below the handlers and ctr-restart.c. */
#include "ctr.h"

#include <stdlib.h>
#include <unistd.h>

#include "events.h"
#include "log.h"
#include "peer.h"

/* One held attach gets its stream (or the error why not). */
static void
connect_one(struct daemon *d, struct ctr *c, struct peer *p, bool want_stdin, bool pass_fd)
{
	int fd;

	if (ctr_wait_attach_gone(p))
		return;
	/* notify: its end while the container runs is a "detach" (ctr-notes.c) */
	fd = ctr_shim_connect(d, c, want_stdin && c->spec.open_stdin ? "attach stdin replay notify\n"
								      : "attach replay notify\n");
	if (fd < 0) {
		peer_reply_err(p, fd, "connect to the container's shim");
		return;
	}
	p->on_proxy_end = ctr_proc_stream_end;
	if (peer_reply_stream(p, json_pack("{s:s, s:s, s:b, s:b}", "id", c->spec.id, "name", c->spec.name, "tty",
					   c->spec.tty, "stream", 1),
			      fd, pass_fd, c->spec.tty, c->spec.id, NULL))
		ctr_add_waiter(c, WAITER_CLOSE, p); /* EOF tells the client the exit is recorded */
}

void
ctr_attach_connect_held(struct daemon *d, struct ctr *c)
{
	struct waiter_list held = TAILQ_HEAD_INITIALIZER(held);
	struct waiter *w, *next;

	/* taken off first: connect_one adds WAITER_CLOSE to the same list */
	for (w = TAILQ_FIRST(&c->waiters); w; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (w->kind != WAITER_ATTACH)
			continue;
		TAILQ_REMOVE(&c->waiters, w, entry);
		TAILQ_INSERT_TAIL(&held, w, entry);
	}
	while ((w = TAILQ_FIRST(&held))) {
		TAILQ_REMOVE(&held, w, entry);
		log_debug("container %.12s: a held attach joins its start", c->spec.id);
		connect_one(d, c, w->peer, w->attach_stdin, w->attach_pass_fd);
		peer_unref(w->peer);
		free(w);
	}
}

int
ctr_attach_hold(struct daemon *d, struct ctr *c, struct peer *p, bool want_stdin, bool pass_fd)
{
	struct waiter *w = ctr_wait_register(c, WAITER_ATTACH, p);

	if (!w)
		return -1;
	w->attach_stdin = want_stdin;
	w->attach_pass_fd = pass_fd;
	events_ctr(d, c, "attach", NULL); /* Docker's: at the attach, before the start */
	return 0;
}
