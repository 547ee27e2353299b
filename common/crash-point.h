/* Crash points for the crash-safety test (tests/integration/test-crash.sh).
 *
 * CRASH_POINT("run.after-cgroup") marks a step of a mutating request after
 * which the host has changed. In a build configured with
 * -Dcrash_points=true, a process whose environment has
 * LITE_CRASH_AT=run.after-cgroup dies there with _exit(99): no cleanup, no
 * atexit, as a kill -9 would leave things. HELPER_CRASH_POINT() is the same
 * in a helper the daemon runs (lite-image): it kills the daemon first, so
 * the test sees "the daemon died while the helper was at this step". In
 * every other build both are compiled out.
 *
 * Every name is listed once, with the operation that reaches it, in
 * tests/integration/crash-points.list; the test fails when the list and
 * the source disagree. */
#pragma once

#include "config.h"

#if LITE_CRASH_POINTS
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* In a helper the name is prefixed with its operation, which lite-image
 * puts in LITE_CRASH_OP ("load" + "after-layer" = "load.after-layer"): the
 * same code serves load, import, commit and pull. */
static inline void
crash_point_hit(const char *name, bool helper)
{
	const char *at = getenv("LITE_CRASH_AT"), *op = helper ? getenv("LITE_CRASH_OP") : NULL;
	size_t n = op ? strlen(op) : 0;

	if (!at || (op && (strncmp(at, op, n) != 0 || at[n] != '.')))
		return;
	if (strcmp(at + (op ? n + 1 : 0), name) != 0)
		return;
	if (helper)
		kill(getppid(), SIGKILL);
	_exit(99);
}

#define CRASH_POINT(name) crash_point_hit(name, false)
#define HELPER_CRASH_POINT(name) crash_point_hit(name, true)
#else
#define CRASH_POINT(name) ((void)0)
#define HELPER_CRASH_POINT(name) ((void)0)
#endif
