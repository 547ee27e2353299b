/* lite: global options, then one subcommand per verb. */
#include "client.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "str-util.h"

static const struct cmd cmds[] = {
	{ "run", cmd_run, "Create and start a container" },
	{ "ps", cmd_ps, "List containers" },
	{ "inspect", cmd_inspect, "Show a container's full state as JSON" },
	{ "logs", cmd_logs, "Show a container's output" },
	{ "exec", cmd_exec, "Run a command in a running container" },
	{ "attach", cmd_attach, "Attach to a running container's stdio" },
	{ "stop", cmd_stop, "Stop running containers" },
	{ "kill", cmd_kill, "Send a signal to running containers" },
	{ "rm", cmd_rm, "Remove containers" },
	{ "wait", cmd_wait, "Wait for containers to exit; print their exit codes" },
	{ "images", cmd_images, "List images" },
	{ "volume", cmd_volume, "Manage volumes" },
	{ "import", cmd_import, "Import a rootfs tarball as an image" },
	{ "info", cmd_info, "Show engine and host information" },
	{ "version", cmd_version, "Show client and engine versions" },
	{ "network", cmd_network, "Manage networks" },
	{ "port", cmd_port, "List a container's published ports" },
	{ "load", cmd_load, "Load images from a Docker or OCI archive" },
	{ "save", cmd_save, "Save images to a Docker or OCI archive" },
	{ "rmi", cmd_rmi, "Remove images" },
	{ "tag", cmd_tag, "Give an image another name" },
	{ "history", cmd_history, "Show an image's history" },
	{ "commit", cmd_commit, "Create an image from a container's changes" },
	{ "export", cmd_export, "Export a container's file system as a tar archive" },
	{ "pull", cmd_pull, "Pull an image from a registry" },
	{ "image", cmd_image, "Manage images (ls, inspect, rm, prune, ...)" },
	{ "system", cmd_system, "Disk usage (df) and engine information" },
	{ "create", cmd_create, "Create a container without starting it" },
	{ "start", cmd_start, "Start created or stopped containers" },
	{ "restart", cmd_restart, "Restart containers" },
	{ "rename", cmd_rename, "Rename a container" },
	{ "pause", cmd_pause, "Pause all processes of containers" },
	{ "unpause", cmd_unpause, "Unpause paused containers" },
	{ "update", cmd_update, "Change containers' resource limits" },
	{ "diff", cmd_diff, "Show changes to a container's files" },
	{ "cp", cmd_cp, "Copy files between a container and the host" },
	{ "build", cmd_build, "Build an image from a Dockerfile" },
	{ "builder", cmd_builder, "Manage the build cache (prune)" },
	{ "container", cmd_container, "Manage containers (ls, run, rm, prune, ...)" },
	{ "push", cmd_push, "Push an image to a registry" },
	{ "login", cmd_login, "Log in to a registry (credentials kept for your user only)" },
	{ "logout", cmd_logout, "Forget a registry's stored credentials" },
	{ "events", cmd_events, "Stream engine events (containers, images, networks, volumes)" },
	{ "stats", cmd_stats, "Show containers' resource use" },
	{ "top", cmd_top, "Show a container's processes" },
};

static void
usage(FILE *f)
{
	fprintf(f, "Usage: lite [-H unix:///PATH] COMMAND [ARGS...]\n\n"
		   "A small container engine's client.\n\n"
		   "Options:\n"
		   "  -H, --host unix:///PATH  daemon socket (env LITE_HOST; default unix:///run/lite.sock)\n"
		   "  -v, --version            print the client version\n"
		   "  -h, --help               this help\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nRun 'lite COMMAND --help' for a command's options.\n");
}

static const char *
parse_host(const char *h)
{
	if (str_has_prefix(h, "unix://"))
		return h + strlen("unix://");
	if (h[0] == '/')
		return h;
	client_errorf("invalid host \"%s\": expected unix:///PATH", h);
	exit(EXIT_ENGINE);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' }, { "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	int c, r;

	signal(SIGPIPE, SIG_IGN); /* a closed peer is an error to report (EPIPE), never a silent death */
	if (getenv("LITE_HOST") && *getenv("LITE_HOST"))
		client_host = parse_host(getenv("LITE_HOST"));
	while ((c = client_opt_get(&argc, argv, "+H:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'H': client_host = parse_host(optarg); break;
		case 'v': printf("lite version %s\n", LITE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_ENGINE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_ENGINE;
	}
	argv += optind;
	argc -= optind;
	optind = 0;
	/* "container ls" and friends: run a group's own verb, or become "ps" */
	if ((r = cmd_group_resolve(&argc, &argv)) >= 0)
		return r;
	optind = 0;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name) == 0) {
			return cmds[i].fn(argc, argv);
		}
	}
	client_errorf("unknown command \"%s\"; see 'lite --help'", argv[0]);
	return EXIT_ENGINE;
}
