/* lite run's and create's log flags: --log-driver, --log-opt. Checked here
 * with the daemon's own rules (proto/log-opts.c) so a bad value fails
 * before anything is sent (exit 125); the daemon checks again. */
#include "client.h"

#include <stdio.h>

#include "log-opts.h"

int
cmd_run_log_flag(int opt, const char *arg, json_t *params)
{
	struct log_opts lo = { 0 };
	struct lite_err err = { 0 };
	int r = opt == RUN_OPT_LOG_DRIVER ? log_opts_set_driver(&lo, arg, "--log-driver", &err)
					  : log_opts_set(&lo, arg, "--log-opt", &err);

	if (r < 0) {
		client_errorf("%s", err.msg);
		lite_err_clear(&err);
		return EXIT_ENGINE;
	}
	if (opt == RUN_OPT_LOG_DRIVER)
		json_object_set_new(params, "log_driver", json_string(arg));
	else
		client_append(params, "log_opts", arg);
	return 0;
}
