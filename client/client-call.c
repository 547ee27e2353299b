/* Calls every subcommand makes: one request on a fresh connection, and the
 * loop over the container arguments of stop, kill, rm, start and friends. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>

int
client_call_once(const char *method, json_t *params, json_t **ret_result)
{
	struct conn c;
	int r;

	if (conn_open(&c) < 0) {
		json_decref(params);
		return -1;
	}
	r = conn_call(&c, method, params, ret_result);
	conn_close(&c);
	return r;
}

/* Run method on every remaining argv with params from make(); print the
 * name (or the result's exit code, for wait). */
int
client_call_each_ctr(int argc, char **argv, const char *method, json_t *extra, bool print_exit)
{
	int rc = 0;

	for (int i = optind; i < argc; i++) {
		json_t *params = json_deep_copy(extra), *result = NULL;

		json_object_set_new(params, "id", json_string(argv[i]));
		if (client_call_once(method, params, &result) < 0) {
			rc = 1;
			continue;
		}
		if (print_exit)
			printf("%lld\n", (long long)json_integer_value(json_object_get(result, "exit_code")));
		else
			printf("%s\n", argv[i]);
		json_decref(result);
	}
	json_decref(extra);
	return rc;
}
