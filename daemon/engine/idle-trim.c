/* The daemon's resident memory once it has been idle for a few seconds:
 * the libraries' text that the last requests faulted in (text-trim.c)
 * and the heap's free pages (malloc_trim: a burst of requests, a ps of
 * 1,000 containers, leaves freed chunks that brk never gives back). A
 * request after that pays a few minor faults from the page cache. */
#include "idle-trim.h"

#include <malloc.h>
#include <stddef.h>

#include "text-trim.h"

#define IDLE_TRIM_S 5

static struct event *trim_ev;

static void
on_idle(evutil_socket_t fd, short what, void *arg)
{
	malloc_trim(0);
	text_trim(true);
}

void
idle_trim_init(struct event_base *base)
{
	trim_ev = evtimer_new(base, on_idle, NULL);
	idle_trim_touch();
}

void
idle_trim_touch(void)
{
	static const struct timeval delay = { IDLE_TRIM_S, 0 };

	/* after a trim the timer is re-armed by the next request only */
	if (trim_ev)
		(void)evtimer_add(trim_ev, &delay);
}
