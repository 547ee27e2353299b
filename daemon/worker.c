/* Thread-per-job workers for heavy, blocking tasks. Jobs are rare (an
 * import) so a thread each is simpler than a pool and costs nothing idle. */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct job {
	worker_fn work, done;
	void *arg;
	struct event *ev;
};

static void
job_done(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;

	j->done(j->arg);
	event_free(j->ev);
	free(j);
}

static void *
job_thread(void *arg)
{
	struct job *j = arg;

	j->work(j->arg);
	event_active(j->ev, EV_READ, 0); /* thread-safe: evthread_use_pthreads */
	return NULL;
}

int
worker_run(struct event_base *base, worker_fn work, worker_fn done, void *arg)
{
	struct job *j = calloc(1, sizeof(*j));
	pthread_attr_t attr;
	pthread_t t;
	int r;

	if (!j)
		return -ENOMEM;
	*j = (struct job){ .work = work, .done = done, .arg = arg };
	j->ev = event_new(base, -1, 0, job_done, j);
	if (!j->ev) {
		free(j);
		return -ENOMEM;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, job_thread, j);
	pthread_attr_destroy(&attr);
	if (r) {
		event_free(j->ev);
		free(j);
		return -r;
	}
	return 0;
}
