/* Restart policies: syntax and Docker's rules (see restart-policy.h). */
#include "restart-policy.h"

#include <errno.h>
#include <string.h>

#include "parse.h"

static const char *const names[RESTART_POLICY_NAME_MAX] = {
	[RESTART_NO] = "no",
	[RESTART_ON_FAILURE] = "on-failure",
	[RESTART_ALWAYS] = "always",
	[RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *
restart_policy_name_str(enum restart_policy_name n)
{
	return n < RESTART_POLICY_NAME_MAX ? names[n] : "no";
}

int
restart_policy_name_from_str(const char *s)
{
	for (int i = 0; i < RESTART_POLICY_NAME_MAX; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
restart_policy_parse(const char *s, struct restart_policy *ret, struct lite_err *err)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	long long n = 0;
	int i;

	for (i = 0; i < RESTART_POLICY_NAME_MAX; i++)
		if (strlen(names[i]) == len && strncmp(s, names[i], len) == 0)
			break;
	if (i == RESTART_POLICY_NAME_MAX)
		return lite_err_set(err, EINVAL,
				    "invalid --restart \"%s\": expected no, on-failure[:N], always or unless-stopped", s);
	if (colon && i != RESTART_ON_FAILURE)
		return lite_err_set(err, EINVAL,
				    "invalid --restart \"%s\": a maximum retry count goes only with on-failure", s);
	if (colon && parse_int_range(colon + 1, 0, 1000000, &n) < 0)
		return lite_err_set(err, EINVAL,
				    "invalid --restart \"%s\": the maximum retry count must be a number from 0", s);
	*ret = (struct restart_policy){ .name = (enum restart_policy_name)i, .max_retries = (int)n };
	return 0;
}

int
restart_policy_decode(json_t *params, struct restart_policy *ret, bool *ret_set, struct lite_err *err)
{
	json_t *v = json_object_get(params, "restart");

	if (ret_set)
		*ret_set = v != NULL;
	if (!v)
		return 0;
	return restart_policy_parse(json_string_value(v) ? json_string_value(v) : "", ret, err);
}

bool
restart_policy_should_restart(const struct restart_policy *p, int exit_code, bool user_stopped, int count)
{
	if (user_stopped)
		return false;
	switch (p->name) {
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		return true;
	case RESTART_ON_FAILURE:
		return exit_code != 0 && (p->max_retries == 0 || count < p->max_retries);
	default:
		return false;
	}
}

int64_t
restart_policy_next_delay(int64_t prev_ms, int64_t ran_s)
{
	if (prev_ms <= 0 || ran_s >= RESTART_POLICY_RESET_S)
		return RESTART_POLICY_DELAY_MIN_MS;
	return prev_ms * 2 > RESTART_POLICY_DELAY_MAX_MS ? RESTART_POLICY_DELAY_MAX_MS : prev_ms * 2;
}
