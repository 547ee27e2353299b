/* The exec instances of exec_create / exec_start (see exec-table.h). */
#include "exec-table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctr.h"
#include "daemon.h"
#include "finished.h"

static struct exec_table *
table(struct daemon *d)
{
	if (!d->execs && (d->execs = calloc(1, sizeof(*d->execs))))
		TAILQ_INIT(&d->execs->list);
	return d->execs;
}

bool
exec_table_running(struct daemon *d, const struct exec_inst *e)
{
	return e->started && !finished_lookup(&d->finished, e->id);
}

static void
forget(struct exec_table *t, struct exec_inst *e)
{
	TAILQ_REMOVE(&t->list, e, entry);
	t->n--;
	json_decref(e->params);
	free(e);
}

/* Room for one more: the oldest instance that is not running goes. */
static bool
make_room(struct daemon *d, struct exec_table *t)
{
	struct exec_inst *e;

	if (t->n < EXEC_TABLE_MAX)
		return true;
	TAILQ_FOREACH(e, &t->list, entry)
		if (!exec_table_running(d, e)) {
			forget(t, e);
			return true;
		}
	return false;
}

struct exec_inst *
exec_table_add(struct daemon *d, const char *ctr_id, uid_t owner, json_t *params)
{
	struct exec_table *t = table(d);
	struct exec_inst *e;
	struct timespec ts;

	if (!t || !make_room(d, t) || !(e = calloc(1, sizeof(*e))))
		return NULL;
	ctr_generate_id(e->id);
	snprintf(e->ctr_id, sizeof(e->ctr_id), "%s", ctr_id);
	e->owner = owner;
	e->params = json_incref(params);
	clock_gettime(CLOCK_REALTIME, &ts);
	e->created = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	TAILQ_INSERT_TAIL(&t->list, e, entry);
	t->n++;
	return e;
}

struct exec_inst *
exec_table_find(struct daemon *d, const char *id, uid_t uid)
{
	struct exec_inst *e;

	if (!d->execs)
		return NULL;
	TAILQ_FOREACH(e, &d->execs->list, entry)
		if (!strcmp(e->id, id))
			return uid == 0 || e->owner == uid ? e : NULL;
	return NULL;
}
