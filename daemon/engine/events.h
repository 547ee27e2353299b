/* Events (lite events, Docker's /events): each change is emitted once with
 * events_emit() at the point where it happens, recorded in a bounded ring
 * in memory and in the journal on disk (events-journal.c), and sent to
 * every subscriber that may see it and whose filters match. */
#pragma once

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

struct daemon;
struct ctr;
struct peer;
struct event_filter;

/* Who may see an event: root always; -1 everyone; else that uid. */
#define EVENTS_EVERYONE ((int64_t)-1)

/* Load the journal under DATA_ROOT/events; a failure only logs. */
void events_init(struct daemon *d);
/* One event of type ("container", "image", "network", "volume"), action
 * ("start", "die", ...), actor id, visible to owner (a uid or
 * EVENTS_EVERYONE); attrs (stolen, may be NULL) are Actor.Attributes,
 * every value a string. */
void events_emit(struct daemon *d, const char *type, const char *action, const char *id, int64_t owner,
		 json_t *attrs);
/* A container's event: name, image and labels added to attrs (stolen, may
 * be NULL), visible to the container's owner. action NULL: no event. */
void events_ctr(struct daemon *d, const struct ctr *c, const char *action, json_t *attrs);
/* exec_create and exec_start of an exec (Docker's "exec_create: CMD ARGS"). */
void events_exec(struct daemon *d, const struct ctr *c, const char *exec_id, json_t *cmd);
/* exec_die of an exec, from the shim's note of its end (ctr-notes.c). */
void events_exec_die(struct daemon *d, const char *ctr_id, const char *exec_id, int exit_code);
/* {"k": "v"} from pairs of strings, for the attrs of events_emit. */
json_t *events_attrs(const char *k1, const char *v1, ...) __attribute__((sentinel));
/* The events request: replay the ring from since (ns since the epoch; 0:
 * none), then live, until until (0: never) or the client leaves. The
 * filter is taken over. */
void events_subscribe(struct peer *p, int64_t since, int64_t until, struct event_filter *f);
