/* --restart no|on-failure[:N]|always|unless-stopped of run, create and
 * update: the policy's syntax, its names and Docker's decision whether an
 * exited container starts again, with the back-off between tries. Pure
 * code, unit-tested in tests/unit/test-restart-policy.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lite-err.h"

enum restart_policy_name {
	RESTART_NO,
	RESTART_ON_FAILURE,
	RESTART_ALWAYS,
	RESTART_UNLESS_STOPPED,
	RESTART_POLICY_NAME_MAX
};

struct restart_policy {
	enum restart_policy_name name;
	int max_retries;         /* on-failure:N; 0: no limit */
};

/* Docker's back-off: 100 ms, doubled per restart up to a minute, back to
 * 100 ms once a run lasted 10 s. */
#define RESTART_POLICY_DELAY_MIN_MS 100
#define RESTART_POLICY_DELAY_MAX_MS 60000
#define RESTART_POLICY_RESET_S 10

/* "on-failure:3" etc.; a one-line error naming --restart otherwise. */
int restart_policy_parse(const char *s, struct restart_policy *ret, struct lite_err *err);
/* params.restart (absent: ret untouched, returns 0; *ret_set says whether
 * it was there). */
int restart_policy_decode(json_t *params, struct restart_policy *ret, bool *ret_set, struct lite_err *err);
/* "no", "on-failure", "always", "unless-stopped". */
const char *restart_policy_name_str(enum restart_policy_name n);
/* From the name as restart_policy_name_str writes it; -1 when unknown. */
int restart_policy_name_from_str(const char *s);
/* Should a container that exited with exit_code start again? user_stopped:
 * stop or kill by a user; count: restarts so far. */
bool restart_policy_should_restart(const struct restart_policy *p, int exit_code, bool user_stopped, int count);
/* The next delay after one of prev_ms (0: the first) when the run lasted
 * ran_s seconds. */
int64_t restart_policy_next_delay(int64_t prev_ms, int64_t ran_s);
