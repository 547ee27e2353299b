/* --restart of run, create and update, checked before the request goes
 * (proto/restart-policy.c says what is valid, in the daemon's words). */
#include "client.h"

#include "lite-err.h"
#include "restart-policy.h"

int
run_restart_flag(const char *arg, json_t *params)
{
	struct lite_err err = { 0 };
	struct restart_policy p;

	if (restart_policy_parse(arg, &p, &err) < 0) {
		client_errorf("%s", err.msg);
		lite_err_clear(&err);
		return -1;
	}
	json_object_set_new(params, "restart", json_string(arg));
	return 0;
}
