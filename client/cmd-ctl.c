/* lite create's siblings: start, restart, rename, pause, unpause, update
 * (create itself shares run's flags in cmd-run.c). restart is stop, then
 * start, from here: the daemon needs no restart method. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "valid.h"

static const char start_usage[] =
	"Usage: lite start [OPTIONS] CONTAINER [CONTAINER...]\n\n"
	"Start created or stopped containers (an exited one keeps its files).\n\n"
	"Options:\n"
	"  -a, --attach        attach stdout/stderr and exit with the container's code\n"
	"  -i, --interactive   attach stdin too\n"
	"  -h, --help          this help\n";

static int
start_attached(const char *name, bool interactive)
{
	struct stream_opts so = { .sig_proxy = true, .interactive = interactive };
	json_t *result = NULL;
	struct conn c;
	int r;

	if (conn_open(&c) < 0)
		return 1;
	if (conn_call(&c, "start", json_pack("{s:s, s:b, s:b, s:b}", "id", name, "attach", 1, "stdin", interactive,
					     "pass_fd", 1), &result) < 0) {
		conn_close(&c);
		return 1;
	}
	if (json_is_true(json_object_get(result, "was_running"))) {
		client_errorf("container %s is already running; use lite attach", name);
		r = 1;
	} else {
		r = cmd_run_stream_attached(&c, result, &so);
	}
	json_decref(result);
	conn_close(&c);
	return r;
}

int
cmd_start(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "attach", no_argument, NULL, 'a' }, { "interactive", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	bool attach = false, interactive = false;
	int c;

	while ((c = client_opt_get(&argc, argv, "aih", opts, NULL)) != -1) {
		switch (c) {
		case 'a': attach = true; break;
		case 'i': interactive = true; break;
		case 'h': client_usage_exit(start_usage, 0);
		default: client_usage_exit(start_usage, 1);
		}
	}
	if (optind >= argc)
		client_usage_exit(start_usage, 1);
	if ((attach || interactive) && argc - optind != 1) {
		client_errorf("you cannot start and attach multiple containers at once");
		return 1;
	}
	if (attach || interactive)
		return start_attached(argv[optind], interactive);
	return client_call_each_ctr(argc, argv, "start", json_object(), false);
}

static const char restart_usage[] =
	"Usage: lite restart [OPTIONS] CONTAINER [CONTAINER...]\n\n"
	"Stop (SIGTERM, then SIGKILL after the timeout) and start containers again.\n\n"
	"Options:\n  -t, --time SECS   seconds to wait before killing (default 10)\n  -h, --help        this help\n";

int
cmd_restart(int argc, char **argv)
{
	static const struct option opts[] = { { "time", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' }, { 0 } };
	long long t = -1; /* the container's --stop-timeout, else 10 s */
	int c, rc = 0;

	while ((c = client_opt_get(&argc, argv, "t:h", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(restart_usage, 0);
		if (c != 't' || parse_int_range(optarg, 0, 3600, &t) < 0) {
			if (c == 't')
				client_errorf("invalid --time \"%s\": expected 0 to 3600 seconds", optarg);
			return 1;
		}
	}
	if (optind >= argc)
		client_usage_exit(restart_usage, 1);
	for (int i = optind; i < argc; i++) {
		json_t *result = NULL;

		json_t *stop = json_pack("{s:s}", "id", argv[i]);

		if (t >= 0)
			json_object_set_new(stop, "timeout", json_integer(t));
		if (client_call_once("stop", stop, &result) < 0 ||
		    (json_decref(result), client_call_once("start", json_pack("{s:s, s:b}", "id", argv[i], "restart", 1), &result)) < 0) {
			rc = 1;
			continue;
		}
		json_decref(result);
		printf("%s\n", argv[i]);
	}
	return rc;
}

int
cmd_rename(int argc, char **argv)
{
	static const char usage[] = "Usage: lite rename CONTAINER NEW_NAME\n\nRename a container.\n";
	json_t *result = NULL;

	client_no_options(&argc, &argv, usage);
	if (argc != 3)
		client_usage_exit(usage, 1);
	if (!valid_name(argv[2])) {
		client_errorf("invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", argv[2]);
		return 1;
	}
	if (client_call_once("rename", json_pack("{s:s, s:s}", "id", argv[1], "name", argv[2]), &result) < 0)
		return 1;
	json_decref(result);
	return 0;
}

/* pause and unpause: no options, one request per container. */
static int
simple_verb(int argc, char **argv, const char *method, const char *usage)
{
	client_no_options(&argc, &argv, usage);
	if (argc < 2)
		client_usage_exit(usage, 1);
	return client_call_each_ctr(argc, argv, method, json_object(), false);
}

int
cmd_pause(int argc, char **argv)
{
	return simple_verb(argc, argv, "pause",
			   "Usage: lite pause CONTAINER [CONTAINER...]\n\nFreeze all processes of containers.\n");
}

int
cmd_unpause(int argc, char **argv)
{
	return simple_verb(argc, argv, "unpause",
			   "Usage: lite unpause CONTAINER [CONTAINER...]\n\nThaw paused containers.\n");
}

static const char update_usage[] =
	"Usage: lite update [OPTIONS] CONTAINER [CONTAINER...]\n\n"
	"Change resource limits, live for running containers; kept for later starts.\n\n"
	"Options:\n"
	"  -m, --memory SIZE       memory limit (e.g. 100m, 1g; at least 6m)\n"
	"      --memory-swap SIZE  memory plus swap limit (-1: unlimited)\n"
	"      --cpus N            CPU quota (e.g. 0.5)\n"
	"      --cpu-shares N      relative CPU weight (2-262144)\n"
	"      --pids-limit N      maximum number of processes (-1: unlimited)\n"
	"      --restart POLICY    no, on-failure[:N], always or unless-stopped\n"
	"  -h, --help              this help\n";

/* One flag into params; -1 after printing an error naming it (flag). */
static int
update_flag(int opt, const char *flag, const char *arg, json_t *params)
{
	uint64_t u;
	long long n;

	switch (opt) {
	case 'm':
		if (cmd_run_parse_memory(arg, &u) < 0)
			return -1;
		if (u == 0)
			break; /* run's "no limit"; update cannot lift a limit */
		return json_object_set_new(params, "memory", json_integer((json_int_t)u));
	case 's':
		if (strcmp(arg, "-1") == 0)
			return json_object_set_new(params, "memory_swap", json_integer(-1));
		if (parse_size(arg, &u) < 0)
			break;
		return json_object_set_new(params, "memory_swap", json_integer((json_int_t)u));
	case 'c':
		if (parse_cpus(arg, &u) < 0)
			break;
		return json_object_set_new(params, "cpus", json_string(arg));
	case 'S':
		if (parse_int_range(arg, 2, 262144, &n) < 0)
			break;
		return json_object_set_new(params, "cpu_shares", json_integer(n));
	case 'p':
		if (parse_int_range(arg, -1, 1LL << 31, &n) < 0 || n == 0)
			break;
		return json_object_set_new(params, "pids_limit", json_integer(n));
	}
	if (opt == 'R')
		return run_restart_flag(arg, params);
	client_errorf("invalid --%s \"%s\"", flag, arg);
	return -1;
}

int
cmd_update(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' }, { "memory-swap", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' }, { "cpu-shares", required_argument, NULL, 'S' },
		{ "pids-limit", required_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' },
		{ "restart", required_argument, NULL, 'R' }, { 0 },
	};
	json_t *params = json_object();
	int c;

	while ((c = client_opt_get(&argc, argv, "m:h", opts, NULL)) != -1) {
		const char *flag = NULL;

		if (c == 'h')
			client_usage_exit(update_usage, 0);
		for (int i = 0; opts[i].name; i++)
			if (opts[i].val == c)
				flag = opts[i].name;
		if (c == '?' || !flag || update_flag(c, flag, optarg, params) < 0) {
			json_decref(params);
			return 1;
		}
	}
	if (optind >= argc) {
		json_decref(params);
		client_usage_exit(update_usage, 1);
	}
	return client_call_each_ctr(argc, argv, "update", params, false);
}

int
cmd_diff(int argc, char **argv)
{
	static const char usage[] = "Usage: lite diff CONTAINER\n\n"
				    "Show the files a container added (A), changed (C) or deleted (D).\n";
	json_t *result = NULL, *e;
	size_t i;

	client_no_options(&argc, &argv, usage);
	if (argc != 2)
		client_usage_exit(usage, 1);
	if (client_call_once("diff", json_pack("{s:s}", "id", argv[1]), &result) < 0)
		return 1;
	json_array_foreach(json_object_get(result, "changes"), i, e)
		printf("%s %s\n", json_string_value(json_object_get(e, "kind")),
		       json_string_value(json_object_get(e, "path")));
	json_decref(result);
	return 0;
}
