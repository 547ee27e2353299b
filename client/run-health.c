/* lite run/create --health-*: validated here so a bad value names its flag
 * and exits 125 before anything is sent (the daemon checks them again). */
#include "client.h"

#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "parse.h"

/* In the order of cmd-run.c's OPT_HEALTH_* codes. */
static const struct {
	const char *flag, *param;
} health_flags[] = {
	{ "--health-cmd", "health_cmd" },         { "--health-interval", "health_interval" },
	{ "--health-timeout", "health_timeout" }, { "--health-retries", "health_retries" },
	{ "--health-start-period", "health_start_period" }, { "--no-healthcheck", "no_healthcheck" },
};

int
run_health_flag(json_t *params, int which, const char *arg)
{
	const char *flag = health_flags[which].flag, *param = health_flags[which].param;
	int64_t ns;
	long long n;

	if (!strcmp(param, "no_healthcheck"))
		return json_object_set_new(params, param, json_true());
	if (!strcmp(param, "health_retries")) {
		if (parse_int_range(arg, 1, 1000000, &n) < 0) {
			client_errorf("invalid %s \"%s\": expected a positive integer", flag, arg);
			return -1;
		}
		return json_object_set_new(params, param, json_integer(n));
	}
	if (!strcmp(param, "health_cmd") ? !*arg
					 : duration_parse(arg, &ns) < 0 || (strcmp(param, "health_start_period") && ns < 1000000)) {
		client_errorf("invalid %s \"%s\": expected %s", flag, arg,
		       !strcmp(param, "health_cmd") ? "a command" : "a duration like 30s, 500ms or 1m30s");
		return -1;
	}
	return json_object_set_new(params, param, json_string(arg));
}
