/* lite logs: the daemon streams the log as frames; stdout to stdout,
 * stderr to stderr. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static const char logs_usage[] =
	"Usage: lite logs [OPTIONS] CONTAINER\n\nShow a container's output.\n\n"
	"Options:\n"
	"  -f, --follow     keep following until the container exits\n"
	"  -n, --tail N     only the last N lines\n"
	"  -h, --help       this help\n";

int
cmd_logs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' }, { "tail", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	json_t *params = json_object(), *result = NULL;
	long long tail;
	struct conn c;
	int opt;

	while ((opt = client_opt_get(&argc, argv, "fn:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': json_object_set_new(params, "follow", json_true()); break;
		case 'n':
			if (strcmp(optarg, "all") == 0)
				break;
			if (parse_int_range(optarg, 0, 1LL << 40, &tail) < 0) {
				client_errorf("invalid --tail \"%s\": expected a number or \"all\"", optarg);
				json_decref(params);
				return 1;
			}
			json_object_set_new(params, "tail", json_integer(tail));
			break;
		case 'h': client_usage_exit(logs_usage, 0);
		default: client_usage_exit(logs_usage, 1);
		}
	}
	if (optind + 1 != argc)
		client_usage_exit(logs_usage, 1);
	json_object_set_new(params, "id", json_string(argv[optind]));
	if (conn_open(&c) < 0) {
		json_decref(params);
		return 1;
	}
	if (conn_call(&c, "logs", params, &result) < 0) {
		conn_close(&c);
		return 1;
	}
	json_decref(result);
	/* ends at EOF: a log has no exit frame */
	while (conn_drain_frames(&c) < 0 && conn_fill(&c) > 0)
		;
	conn_close(&c);
	return 0;
}
