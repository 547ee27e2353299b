/* The health-check params of run/create (--health-*, --no-healthcheck).
 * The engine lays them over the image's Healthcheck (ctr-health.c). Pure
 * code, unit-tested in tests/unit/test-run-spec.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lite-err.h"

struct health_opts {
	char *cmd;               /* --health-cmd (run with sh -c); NULL: the image's check */
	int64_t interval_ns;     /* -1: not given */
	int64_t timeout_ns;      /* -1: not given */
	int64_t start_period_ns; /* -1: not given */
	int retries;             /* 0: not given */
	bool disable;            /* --no-healthcheck */
};

/* Decode and check; durations are refused even when no check runs. */
int health_opts_decode(json_t *params, struct health_opts *ret, struct lite_err *err);
void health_opts_free(struct health_opts *h);
