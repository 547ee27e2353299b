/* lite stop, kill, rm and wait: one request per named container; the
 * name is echoed on success as docker does; any failure makes exit 1. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str-util.h"

/* Run method on every remaining argv with params from make(); print the
 * name (or the result's exit code, for wait). */
int
for_each_ctr(int argc, char **argv, const char *method, json_t *extra, bool print_exit)
{
	int rc = 0;

	for (int i = optind; i < argc; i++) {
		json_t *params = json_deep_copy(extra), *result = NULL;

		json_object_set_new(params, "id", json_string(argv[i]));
		if (client_call(method, params, &result) < 0) {
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

static int
need_args(int argc, const char *usage)
{
	if (optind >= argc)
		usage_exit(usage, 1);
	return 0;
}

static const char stop_usage[] =
	"Usage: lite stop [OPTIONS] CONTAINER [CONTAINER...]\n\n"
	"Send SIGTERM, wait, then SIGKILL.\n\n"
	"Options:\n  -t, --time SECS   seconds to wait before killing (default 10)\n  -h, --help        this help\n";

int
cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = { { "time", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' }, { 0 } };
	long long t = 10;
	int c;

	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		if (c == 'h')
			usage_exit(stop_usage, 0);
		if (c != 't' || parse_int_range(optarg, 0, 3600, &t) < 0) {
			if (c == 't')
				errorf("invalid --time \"%s\": expected 0 to 3600 seconds", optarg);
			return 1;
		}
	}
	need_args(argc, stop_usage);
	return for_each_ctr(argc, argv, "stop", json_pack("{s:I}", "timeout", (json_int_t)t), false);
}

static const char kill_usage[] =
	"Usage: lite kill [OPTIONS] CONTAINER [CONTAINER...]\n\n"
	"Send a signal (default SIGKILL) to containers' main process.\n\n"
	"Options:\n  -s, --signal SIG   signal name or number\n  -h, --help         this help\n";

int
cmd_kill(int argc, char **argv)
{
	static const struct option opts[] = { { "signal", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' }, { 0 } };
	int c, sig = 9;

	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		if (c == 'h')
			usage_exit(kill_usage, 0);
		if (c != 's' || parse_signal(optarg, &sig) < 0) {
			if (c == 's')
				errorf("invalid --signal \"%s\"", optarg);
			return 1;
		}
	}
	need_args(argc, kill_usage);
	return for_each_ctr(argc, argv, "kill", json_pack("{s:i}", "signal", sig), false);
}

static const char rm_usage[] =
	"Usage: lite rm [OPTIONS] CONTAINER [CONTAINER...]\n\nRemove containers.\n\n"
	"Options:\n  -f, --force   kill and remove running containers\n  -v, --volumes remove its anonymous volumes too\n  -h, --help    this help\n";

int
cmd_rm(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { "volumes", no_argument, NULL, 'v' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	bool force = false, volumes = false;
	int c;

	while ((c = getopt_long(argc, argv, "fvh", opts, NULL)) != -1) {
		if (c == 'h')
			usage_exit(rm_usage, 0);
		if (c == 'v')
			volumes = true;
		else if (c == 'f')
			force = true;
		else
			usage_exit(rm_usage, 1);
	}
	need_args(argc, rm_usage);
	return for_each_ctr(argc, argv, "rm", json_pack("{s:b, s:b}", "force", force, "volumes", volumes), false);
}

static const char wait_usage[] =
	"Usage: lite wait CONTAINER [CONTAINER...]\n\nBlock until containers stop, then print their exit codes.\n";

int
cmd_wait(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		usage_exit(wait_usage, c == 'h' ? 0 : 1);
	need_args(argc, wait_usage);
	return for_each_ctr(argc, argv, "wait", json_object(), true);
}
