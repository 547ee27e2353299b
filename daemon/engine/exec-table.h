/* Docker's exec instances (issue 16): an exec made by exec_create waits
 * here for exec_start, which may come on another connection, and
 * exec_inspect answers for it (its config, running, its exit from the
 * finished ring) until it is forgotten. In memory only, as Docker's: a
 * daemon restart forgets them. At most EXEC_TABLE_MAX, a non-root user's
 * at most EXEC_TABLE_PER_USER; when full, the oldest one that is not
 * running (of that user's, at the user's cap) makes room. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#define EXEC_TABLE_MAX 1024
/* A non-root user's share, so that no user fills the table for others. */
#define EXEC_TABLE_PER_USER 128
/* An instance's params as JSON text, at most (command and environment). */
#define EXEC_TABLE_PARAMS_MAX (64 * 1024)

struct finished_ring;

struct exec_inst {
	char id[65];
	char ctr_id[65];
	uid_t owner;
	json_t *params;     /* exec_create's params, as given */
	int64_t created;    /* ns since the epoch */
	bool started;
	TAILQ_ENTRY(exec_inst) entry;
};

TAILQ_HEAD(exec_inst_list, exec_inst);

struct exec_table {
	struct exec_inst_list list;   /* oldest first */
	size_t n;
};

/* Pure: the daemon holds the table (struct daemon's execs) and passes its
 * ring of finished exits, which says which started instances still run. */
void exec_table_init(struct exec_table *t);
/* A new instance with this id (params are referenced), or NULL when the
 * table is full of running execs or memory is short. */
struct exec_inst *exec_table_add(struct exec_table *t, const struct finished_ring *fin, const char *id,
				 const char *ctr_id, uid_t owner, json_t *params);
/* The instance with this full id that uid may see (root: all), or NULL. */
struct exec_inst *exec_table_find(const struct exec_table *t, const char *id, uid_t uid);
/* Started and no exit recorded yet. */
bool exec_table_running(const struct finished_ring *fin, const struct exec_inst *e);
/* Forget every instance (tests; the daemon keeps its table). */
void exec_table_clear(struct exec_table *t);
