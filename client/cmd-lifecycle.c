/* lite stop, kill, rm and wait: one request per named container; the
 * name is echoed on success as docker does; any failure makes exit 1. */
#include "client.h"

#include <getopt.h>

#include "parse.h"

static int
need_args(int argc, const char *usage)
{
	if (optind >= argc)
		client_usage_exit(usage, 1);
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
	long long t = -1;
	int c;

	while ((c = client_opt_get(&argc, argv, "t:h", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(stop_usage, 0);
		if (c != 't' || parse_int_range(optarg, 0, 3600, &t) < 0) {
			if (c == 't')
				client_errorf("invalid --time \"%s\": expected 0 to 3600 seconds", optarg);
			return 1;
		}
	}
	need_args(argc, stop_usage);
	/* without -t the container's own --stop-timeout applies */
	return client_call_each_ctr(argc, argv, "stop", t < 0 ? json_object() : json_pack("{s:I}", "timeout", (json_int_t)t), false);
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

	while ((c = client_opt_get(&argc, argv, "s:h", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(kill_usage, 0);
		if (c != 's' || parse_signal(optarg, &sig) < 0) {
			if (c == 's')
				client_errorf("invalid --signal \"%s\"", optarg);
			return 1;
		}
	}
	need_args(argc, kill_usage);
	return client_call_each_ctr(argc, argv, "kill", json_pack("{s:i}", "signal", sig), false);
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

	while ((c = client_opt_get(&argc, argv, "fvh", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(rm_usage, 0);
		if (c == 'v')
			volumes = true;
		else if (c == 'f')
			force = true;
		else
			client_usage_exit(rm_usage, 1);
	}
	need_args(argc, rm_usage);
	return client_call_each_ctr(argc, argv, "rm", json_pack("{s:b, s:b}", "force", force, "volumes", volumes), false);
}

static const char wait_usage[] =
	"Usage: lite wait CONTAINER [CONTAINER...]\n\nBlock until containers stop, then print their exit codes.\n";

int
cmd_wait(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;

	while ((c = client_opt_get(&argc, argv, "h", opts, NULL)) != -1)
		client_usage_exit(wait_usage, c == 'h' ? 0 : 1);
	need_args(argc, wait_usage);
	return client_call_each_ctr(argc, argv, "wait", json_object(), true);
}
