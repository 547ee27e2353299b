/* A fixed ring of recent exit statuses (no growth, no persistence: it only
 * bridges the moment between a stream's end and the client's question). */
#include "finished.h"

#include <stdio.h>
#include <string.h>

#define FINISHED_MAX 256

static struct finished ring[FINISHED_MAX];
static unsigned next;

void
finished_record(const char *id, int exit_code, bool oom_killed, const char *error)
{
	struct finished *f = &ring[next++ % FINISHED_MAX];

	snprintf(f->id, sizeof(f->id), "%s", id);
	f->exit_code = exit_code;
	f->oom_killed = oom_killed;
	snprintf(f->error, sizeof(f->error), "%s", error ? error : "");
}

const struct finished *
finished_lookup(const char *id)
{
	for (unsigned i = 0; i < FINISHED_MAX; i++)
		if (ring[i].id[0] && strcmp(ring[i].id, id) == 0)
			return &ring[i];
	return NULL;
}
