/* The exec instances of exec_create / exec_start (see exec-table.h). Pure:
 * no daemon state but the table and the finished ring it is given. */
#include "exec-table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "finished.h"

void
exec_table_init(struct exec_table *t)
{
	TAILQ_INIT(&t->list);
	t->n = 0;
}

bool
exec_table_running(const struct finished_ring *fin, const struct exec_inst *e)
{
	return e->started && !finished_lookup(fin, e->id);
}

static void
forget(struct exec_table *t, struct exec_inst *e)
{
	TAILQ_REMOVE(&t->list, e, entry);
	t->n--;
	json_decref(e->params);
	free(e);
}

void
exec_table_clear(struct exec_table *t)
{
	while (!TAILQ_EMPTY(&t->list))
		forget(t, TAILQ_FIRST(&t->list));
}

/* Room for one more of owner's: the oldest instance that is not running
 * goes (owner's own when owner is at its cap). */
static bool
make_room(struct exec_table *t, const struct finished_ring *fin, uid_t owner)
{
	struct exec_inst *e;
	size_t mine = 0;
	bool capped;

	TAILQ_FOREACH(e, &t->list, entry)
		mine += e->owner == owner;
	capped = owner != 0 && mine >= EXEC_TABLE_PER_USER;
	if (t->n < EXEC_TABLE_MAX && !capped)
		return true;
	TAILQ_FOREACH(e, &t->list, entry)
		if (!exec_table_running(fin, e) && (!capped || e->owner == owner)) {
			forget(t, e);
			return true;
		}
	return false;
}

struct exec_inst *
exec_table_add(struct exec_table *t, const struct finished_ring *fin, const char *id, const char *ctr_id,
	       uid_t owner, json_t *params)
{
	struct exec_inst *e;
	struct timespec ts;

	if (!make_room(t, fin, owner) || !(e = calloc(1, sizeof(*e))))
		return NULL;
	snprintf(e->id, sizeof(e->id), "%s", id);
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
exec_table_find(const struct exec_table *t, const char *id, uid_t uid)
{
	struct exec_inst *e;

	if (!t)
		return NULL;
	TAILQ_FOREACH(e, &t->list, entry)
		if (!strcmp(e->id, id))
			return uid == 0 || e->owner == uid ? e : NULL;
	return NULL;
}
