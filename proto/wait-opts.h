/* wait's request (issue 16): which exit a wait answers, Docker's
 * `condition` of POST /containers/{id}/wait. Pure code, unit-tested in
 * tests/unit/test-wait-opts.c. */
#pragma once

#include <jansson.h>

#include "lite-err.h"

enum wait_condition {
	WAIT_COND_NONE,        /* no condition: lite's wait (the exit of a created container's next run) */
	WAIT_COND_NOT_RUNNING, /* at once when it does not run (a created one: 0), else its exit */
	WAIT_COND_NEXT_EXIT,   /* the first exit after the wait was registered */
	WAIT_COND_REMOVED,     /* the container's removal */
	WAIT_COND_MAX
};

struct wait_opts {
	const char *id;        /* borrowed from the params */
	enum wait_condition condition;
};

/* params.id and params.condition ("not-running", "next-exit", "removed";
 * absent: WAIT_COND_NONE); -EINVAL with a one-line message otherwise. */
int wait_opts_decode(json_t *params, struct wait_opts *ret, struct lite_err *err);
/* The condition's name as Docker spells it; "" for WAIT_COND_NONE. */
const char *wait_opts_condition_str(enum wait_condition c);
