/* A fixed ring of recent exit statuses (no growth, no persistence: it only
 * bridges the moment between a stream's end and the client's question).
 * The ring lives in struct daemon; this file knows nothing else of it. */
#include "finished.h"

#include <stdio.h>
#include <string.h>

void
finished_record(struct finished_ring *r, const char *id, uid_t owner, int exit_code, bool oom_killed,
		const char *error)
{
	struct finished *f = &r->slot[r->next++ % FINISHED_MAX];

	snprintf(f->id, sizeof(f->id), "%s", id);
	f->owner = owner;
	f->exit_code = exit_code;
	f->oom_killed = oom_killed;
	snprintf(f->error, sizeof(f->error), "%s", error ? error : "");
}

const struct finished *
finished_lookup(const struct finished_ring *r, const char *id)
{
	for (unsigned i = 0; i < FINISHED_MAX; i++)
		if (r->slot[i].id[0] && strcmp(r->slot[i].id, id) == 0)
			return &r->slot[i];
	return NULL;
}

const struct finished *
finished_lookup_for(const struct finished_ring *r, const char *id, uid_t uid)
{
	const struct finished *f = finished_lookup(r, id);

	return f && (uid == 0 || f->owner == uid) ? f : NULL;
}
