/* Run blocking work (unpacking layers, disk scans) on a thread, then call
 * done on the event loop thread. The loop keeps serving meanwhile. */
#pragma once

#include <event2/event.h>

typedef void (*worker_fn)(void *arg);

/* work(arg) runs on a new detached thread; done(arg) then runs on base's
 * loop. Returns 0 or -errno (then neither runs). */
int worker_run(struct event_base *base, worker_fn work, worker_fn done, void *arg);
