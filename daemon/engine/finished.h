/* Exit statuses that outlive their owner: containers removed by --rm and
 * finished execs. A client on a raw (TTY) stream learns the exit code by
 * asking after the stream ends, when the container may already be gone. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#define FINISHED_MAX 256

struct finished {
	char id[72];
	uid_t owner;   /* who may ask: the container's owner or the exec's caller (and root) */
	int exit_code;
	bool oom_killed;
	char error[256];
};

/* The daemon's recent exits (struct daemon's `finished`); zeroed is empty. */
struct finished_ring {
	struct finished slot[FINISHED_MAX];
	unsigned next;
};

/* Remember id's exit; the oldest of FINISHED_MAX entries is forgotten. */
void finished_record(struct finished_ring *r, const char *id, uid_t owner, int exit_code, bool oom_killed,
		     const char *error);
/* NULL when id (a full id) is not remembered. */
const struct finished *finished_lookup(const struct finished_ring *r, const char *id);
/* finished_lookup for a caller: NULL too when uid (not root) is not its owner. */
const struct finished *finished_lookup_for(const struct finished_ring *r, const char *id, uid_t uid);
