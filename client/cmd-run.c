/* lite run: turn flags into a run request (sizes and CPU counts are
 * checked here too, so a typo fails before anything is sent), then either
 * print the id (-d) or stream the container's stdio and exit with its code. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "str-util.h"

static const char run_usage[] =
	"Usage: lite run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
	"Create and start a container.\n\n"
	"Options:\n"
	"  -d, --detach            run in the background and print the container id\n"
	"  -i, --interactive       keep stdin open and send it to the container\n"
	"      --rm                remove the container when it exits\n"
	"      --name NAME         assign a name\n"
	"  -e, --env KEY=VALUE     set an environment variable (repeatable)\n"
	"  -m, --memory SIZE       memory limit (e.g. 100m, 1g)\n"
	"      --memory-swap SIZE  memory plus swap limit (-1: unlimited)\n"
	"      --cpus N            CPU quota (e.g. 0.5)\n"
	"      --cpu-shares N      relative CPU weight (2-262144)\n"
	"      --pids-limit N      maximum number of processes (-1: unlimited)\n"
	"      --hostname NAME     container host name\n"
	"      --net, --network NET  bridge (default), none, host (root only), or a network's name\n"
	"      --ip IP             IPv4 address on a user-defined network\n"
	"  -p, --publish SPEC      publish a port: [IP:][HOST:]CTR[/tcp|udp] (repeatable)\n"
	"      --dns IP            nameserver for /etc/resolv.conf (repeatable)\n"
	"      --add-host NAME:IP  extra /etc/hosts entry (repeatable)\n"
	"  -h, --help              this help\n";

static int
bad_flag(const char *flag, const char *value, const char *expect)
{
	errorf("invalid %s \"%s\": %s", flag, value, expect);
	return EXIT_ENGINE;
}

/* Parse flags into params; returns 0, or an exit code after an error. */
static int
parse_flags(int argc, char **argv, json_t *params, bool *detach)
{
	enum { OPT_RM = 256, OPT_NAME, OPT_SWAP, OPT_CPUS, OPT_SHARES, OPT_PIDS, OPT_HOST };
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' }, { "interactive", no_argument, NULL, 'i' },
		{ "rm", no_argument, NULL, OPT_RM }, { "name", required_argument, NULL, OPT_NAME },
		{ "env", required_argument, NULL, 'e' }, { "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, OPT_SWAP }, { "cpus", required_argument, NULL, OPT_CPUS },
		{ "cpu-shares", required_argument, NULL, OPT_SHARES },
		{ "pids-limit", required_argument, NULL, OPT_PIDS }, { "hostname", required_argument, NULL, OPT_HOST },
		{ "net", required_argument, NULL, RUN_OPT_NET }, { "network", required_argument, NULL, RUN_OPT_NET },
		{ "ip", required_argument, NULL, RUN_OPT_IP }, { "publish", required_argument, NULL, 'p' },
		{ "dns", required_argument, NULL, RUN_OPT_DNS }, { "add-host", required_argument, NULL, RUN_OPT_ADD_HOST },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	json_t *env = json_array();
	uint64_t u;
	long long n;
	int c;

	json_object_set_new(params, "env", env);
	while ((c = getopt_long(argc, argv, "+die:m:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': *detach = true; break;
		case 'i': json_object_set_new(params, "stdin", json_true()); break;
		case OPT_RM: json_object_set_new(params, "rm", json_true()); break;
		case OPT_NAME:
			if (!name_is_valid(optarg))
				return bad_flag("--name", optarg, "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
			json_object_set_new(params, "name", json_string(optarg));
			break;
		case 'e':
			if (!env_is_valid(optarg)) {
				const char *v = getenv(optarg); /* "-e KEY" copies the client's value, like docker */
				if (!*optarg || strchr(optarg, '='))
					return bad_flag("--env", optarg, "expected KEY=VALUE");
				if (v) {
					char *kv;
					if (asprintf(&kv, "%s=%s", optarg, v) < 0)
						return EXIT_ENGINE;
					json_array_append_new(env, json_string(kv));
					free(kv);
				}
				break;
			}
			json_array_append_new(env, json_string(optarg));
			break;
		case 'm':
			if (parse_size(optarg, &u) < 0)
				return bad_flag("--memory", optarg, "expected a size like 512m");
			json_object_set_new(params, "memory", json_integer((json_int_t)u));
			break;
		case OPT_SWAP:
			if (strcmp(optarg, "-1") == 0)
				u = (uint64_t)-1;
			else if (parse_size(optarg, &u) < 0)
				return bad_flag("--memory-swap", optarg, "expected a size like 1g, or -1");
			json_object_set_new(params, "memory_swap", json_integer((json_int_t)u));
			break;
		case OPT_CPUS:
			if (parse_cpus(optarg, &u) < 0)
				return bad_flag("--cpus", optarg, "expected a number like 0.5");
			json_object_set_new(params, "cpus", json_string(optarg));
			break;
		case OPT_SHARES:
			if (parse_int_range(optarg, 2, 262144, &n) < 0)
				return bad_flag("--cpu-shares", optarg, "expected 2 to 262144");
			json_object_set_new(params, "cpu_shares", json_integer(n));
			break;
		case OPT_PIDS:
			if (parse_int_range(optarg, -1, 1LL << 31, &n) < 0 || n == 0)
				return bad_flag("--pids-limit", optarg, "expected a positive number or -1");
			json_object_set_new(params, "pids_limit", json_integer(n));
			break;
		case OPT_HOST: json_object_set_new(params, "hostname", json_string(optarg)); break;
		case 'p': case RUN_OPT_NET: case RUN_OPT_IP: case RUN_OPT_DNS: case RUN_OPT_ADD_HOST:
			if ((n = run_net_flag(c, optarg, params)))
				return (int)n;
			break;
		case 'h': usage_exit(run_usage, 0);
		default: fputs(run_usage, stderr); return EXIT_ENGINE;
		}
	}
	if (optind >= argc) {
		errorf("\"lite run\" requires at least 1 argument: IMAGE [COMMAND] [ARG...]");
		return EXIT_ENGINE;
	}
	return 0;
}

int
cmd_run(int argc, char **argv)
{
	json_t *params = json_object(), *result = NULL, *cmd = json_array();
	bool detach = false, with_stdin;
	struct conn c;
	int r;

	r = parse_flags(argc, argv, params, &detach);
	if (r) {
		json_decref(params);
		json_decref(cmd);
		return r;
	}
	json_object_set_new(params, "image", json_string(argv[optind]));
	for (int i = optind + 1; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	json_object_set_new(params, "cmd", cmd);
	with_stdin = json_is_true(json_object_get(params, "stdin")) && !detach;
	if (detach)
		json_object_del(params, "stdin");
	json_object_set_new(params, "attach", json_boolean(!detach));
	if (conn_open(&c) < 0) {
		json_decref(params);
		return EXIT_ENGINE;
	}
	if (conn_call(&c, "run", params, &result) < 0) {
		conn_close(&c);
		return EXIT_ENGINE;
	}
	if (detach) {
		printf("%s\n", json_string_value(json_object_get(result, "id")));
		r = 0;
	} else {
		r = stream_frames(&c, with_stdin ? STDIN_FILENO : -1);
		if (r < 0) {
			errorf("lost the connection to the container's stream");
			r = EXIT_ENGINE;
		}
	}
	json_decref(result);
	conn_close(&c);
	return r;
}
