/* lite logs: the daemon streams the log as frames; stdout to stdout,
 * stderr to stderr. --since and --until are turned into unix nanoseconds
 * here (common/timestamp.c), where "now" and the local time zone are the
 * user's. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "timestamp.h"

static const char logs_usage[] =
	"Usage: lite logs [OPTIONS] CONTAINER\n\nShow a container's output.\n\n"
	"Options:\n"
	"  -f, --follow       keep following until the container exits\n"
	"  -n, --tail N       only the last N lines (\"all\": every line)\n"
	"  -t, --timestamps   start each line with its time (RFC 3339, nanoseconds, UTC)\n"
	"      --since T      only output written since T: RFC 3339 (2024-05-01T10:00:00Z),\n"
	"                     a duration before now (10m, 1h30m) or unix seconds\n"
	"      --until T      only output written before T (same forms)\n"
	"      --details      start each line with the labels and env named by --log-opt labels=,env=\n"
	"  -h, --help         this help\n";

static int
time_flag(json_t *params, const char *key, const char *flag, const char *arg)
{
	struct timespec now;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &now);
	if (timestamp_parse(arg, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec, &ns) < 0) {
		client_errorf("invalid %s \"%s\": expected RFC 3339 (2024-05-01T10:00:00Z), a duration like 10m, or unix seconds",
			      flag, arg);
		return -1;
	}
	json_object_set_new(params, key, json_integer(ns > 0 ? ns : 1));
	return 0;
}

int
cmd_logs(int argc, char **argv)
{
	enum { OPT_SINCE = 256, OPT_UNTIL, OPT_DETAILS };
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' }, { "tail", required_argument, NULL, 'n' },
		{ "timestamps", no_argument, NULL, 't' }, { "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL }, { "details", no_argument, NULL, OPT_DETAILS },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	json_t *params = json_object(), *result = NULL;
	long long tail;
	struct conn c;
	int opt;

	while ((opt = client_opt_get(&argc, argv, "fn:th", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': json_object_set_new(params, "follow", json_true()); break;
		case 't': json_object_set_new(params, "timestamps", json_true()); break;
		case OPT_DETAILS: json_object_set_new(params, "details", json_true()); break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (time_flag(params, opt == OPT_SINCE ? "since" : "until", opt == OPT_SINCE ? "--since" : "--until",
				      optarg) < 0) {
				json_decref(params);
				return 1;
			}
			break;
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
