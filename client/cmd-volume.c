/* lite volume create|ls|inspect|rm|prune: each parses its own options
 * (issue 12 bug 6); ls filters and formats here, prune is cmd-prune.c's. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "out-format.h"
#include "table.h"

static const char volume_usage[] =
	"Usage: lite volume COMMAND\n\nManage volumes.\n\n"
	"Commands:\n"
	"  create [--label K=V] [NAME]   create a volume (a random name without NAME)\n"
	"  ls [-q] [--filter K=V] [--format F]  list volumes\n"
	"  inspect [-f F] NAME...        show volumes as JSON\n"
	"  rm [-f] NAME...               remove volumes no container uses\n"
	"  prune [-a] [-f] [--filter K=V]  remove unused volumes (anonymous ones unless -a)\n";

static const struct option help_opt[] = { { "help", no_argument, NULL, 'h' }, { 0 } };

static int
volume_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' }, { "driver", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite volume create [OPTIONS] [NAME]\n\nCreate a volume.\n\nOptions:\n"
				    "  -d, --driver local    the only driver\n"
				    "  -l, --label K=V       a label (repeatable)\n"
				    "      --name NAME       the volume's name\n";
	json_t *params = json_object(), *r = NULL;
	const char *name = NULL;
	int c;

	while ((c = client_opt_get(&argc, argv, "d:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (optarg[0] == '=' || !optarg[0]) {
				client_errorf("invalid --label \"%s\": expected KEY=VALUE", optarg);
				return EXIT_ENGINE;
			}
			client_append(params, "labels", optarg);
			break;
		case 'd':
			if (strcmp(optarg, "local")) {
				client_errorf("invalid --driver \"%s\": only local is supported", optarg);
				return EXIT_ENGINE;
			}
			break;
		case 'n': name = optarg; break;
		case 'h': client_usage_exit(usage, 0);
		default: client_usage_exit(usage, EXIT_ENGINE);
		}
	}
	if (optind < argc && (name || optind + 1 < argc)) {
		client_errorf("\"lite volume create\" takes at most 1 NAME");
		return EXIT_ENGINE;
	}
	if (optind < argc)
		name = argv[optind];
	if (name)
		json_object_set_new(params, "name", json_string(name));
	if (client_call_once("volume_create", params, &r) < 0)
		return 1;
	printf("%s\n", json_string_value(json_object_get(r, "name")));
	json_decref(r);
	return 0;
}

/* Docker's keys for a volume (volume ls --format). */
static json_t *
docker_volume(json_t *v, const char *name, int links)
{
	json_t *labels = json_object_get(v, "labels"), *val;
	char text[1024] = "";
	size_t off = 0;
	const char *k;

	json_object_foreach(labels, k, val)
		off += (size_t)snprintf(text + off, off < sizeof(text) ? sizeof(text) - off : 0, "%s%s=%s", off ? "," : "",
				       k, json_string_value(val));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "Driver", "local", "Name", name, "Labels", text,
			 "Mountpoint", json_string_value(json_object_get(v, "mountpoint")) ?: "", "Scope", "local",
			 "Links", links);
}

static const char *const volume_keys[] = { "dangling", "driver", "label!", "name", NULL };

struct vol_ctx {
	json_t *v;
	const char *name;
	int links;
};

static bool
volume_match(const char *key, const char *value, void *ctx)
{
	struct vol_ctx *c = ctx;
	bool b = false;

	if (!strcmp(key, "name"))
		return strstr(c->name, value) != NULL;
	if (!strcmp(key, "driver"))
		return !strcmp(value, "local");
	if (!strcmp(key, "label"))
		return filter_label(json_object_get(c->v, "labels"), value);
	if (!strcmp(key, "dangling"))
		return filter_bool(value, &b) == 0 && b == (c->links == 0);
	return false;
}

/* How many of the caller's containers mount each volume (for dangling and
 * Links): {name: n}. */
static json_t *
volume_links(void)
{
	json_t *list = NULL, *c, *m, *links = json_object();
	size_t i, j;

	if (client_call_once("ps", json_pack("{s:b, s:b}", "all", 1, "details", 1), &list) < 0)
		return links;
	json_array_foreach(list, i, c)
		json_array_foreach(json_object_get(c, "mounts"), j, m) {
			const char *name = json_string_value(json_object_get(m, "volume"));

			if (name && *name)
				json_object_set_new(links, name,
						    json_integer(json_integer_value(json_object_get(links, name)) + 1));
		}
	json_decref(list);
	return links;
}

static int
volume_ls(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "filter", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite volume ls [OPTIONS]\n\nList volumes.\n\nOptions:\n"
				    "  -q, --quiet          only names\n"
				    "  -f, --filter K=V     dangling=true|false, driver=local, label=K[=V], name=SUBSTRING\n"
				    "      --format F       json, or a template: {{.Name}} {{.Driver}} {{.Labels}}\n"
				    "                       {{.Mountpoint}} {{.Links}}; \"table \" adds a header\n";
	struct filter_set fs = { 0 };
	struct out_format of;
	const char *format = NULL;
	json_t *list = NULL, *v, *links = NULL;
	struct table *t;
	char err[512];
	bool quiet = false;
	size_t i;
	int c, rc = 0;

	while ((c = client_opt_get(&argc, argv, "qf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'F': format = optarg; break;
		case 'f':
			if (filter_add(&fs, optarg, volume_keys, err, sizeof(err)) < 0)
				return client_errorf("%s", err), EXIT_ENGINE;
			break;
		case 'h': client_usage_exit(usage, 0);
		default: client_usage_exit(usage, EXIT_ENGINE);
		}
	}
	if (optind < argc)
		return client_errorf("\"lite volume ls\" accepts no arguments"), EXIT_ENGINE;
	if (client_call_once("volume_ls", NULL, &list) < 0)
		return 1;
	if (filter_has(&fs, "dangling") || format)
		links = volume_links();
	if (format && !quiet)
		out_format_init(&of, format);
	t = table_new(2);
	table_add(t, (const char *[]){ "DRIVER", "VOLUME NAME" });
	json_array_foreach(list, i, v) {
		/* "ref": how this caller names it (root: _uUID/NAME for others' volumes) */
		const char *name = json_string_value(json_object_get(v, "ref")) ?: json_string_value(json_object_get(v, "name"));
		struct vol_ctx ctx = { v, name, (int)json_integer_value(json_object_get(links, name)) };
		json_t *row;

		if (!filter_match(&fs, volume_match, &ctx))
			continue;
		if (quiet) {
			printf("%s\n", name);
		} else if (format) {
			row = docker_volume(v, name, ctx.links);
			rc = out_format_row(&of, row) < 0 ? 1 : rc;
			json_decref(row);
		} else {
			table_add(t, (const char *[]){ "local", name });
		}
	}
	if (format && !quiet)
		out_format_end(&of);
	else if (!quiet)
		table_print(t);
	table_free(t);
	json_decref(links);
	json_decref(list);
	return rc;
}

/* inspect, as JSON or one line per volume from -f/--format. */
static int
volume_inspect(int argc, char **argv)
{
	return cmd_inspect_kind("volume", argc, argv);
}

static int
volume_rm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite volume rm [-f] NAME [NAME...]\n\nRemove volumes no container uses.\n";
	int rc = 0, c;
	json_t *r;

	while ((c = client_opt_get(&argc, argv, "fh", opts, NULL)) != -1)
		if (c != 'f')
			client_usage_exit(usage, c == 'h' ? 0 : EXIT_ENGINE);
	if (optind >= argc)
		client_usage_exit(usage, 1);
	for (int i = optind; i < argc; i++) {
		if (client_call_once("volume_rm", json_pack("{s:s}", "name", argv[i]), &r) < 0) {
			rc = 1;
			continue;
		}
		printf("%s\n", argv[i]);
		json_decref(r);
	}
	return rc;
}

int
cmd_volume(int argc, char **argv)
{
	static const struct cmd subs[] = {
		{ "create", volume_create, NULL }, { "ls", volume_ls, NULL }, { "list", volume_ls, NULL },
		{ "inspect", volume_inspect, NULL }, { "rm", volume_rm, NULL }, { "remove", volume_rm, NULL },
		{ "prune", cmd_prune_volume, NULL },
	};
	int c;

	if (argc < 2) {
		client_errorf("\"lite volume\" requires a command: create, ls, inspect, rm or prune");
		client_usage_exit(volume_usage, EXIT_ENGINE);
	}
	if (argv[1][0] == '-') {
		while ((c = client_opt_get(&argc, argv, "+h", help_opt, NULL)) != -1)
			client_usage_exit(volume_usage, c == 'h' ? 0 : EXIT_ENGINE);
		client_usage_exit(volume_usage, EXIT_ENGINE);
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (!strcmp(argv[1], subs[i].name)) {
			optind = 0;
			return subs[i].fn(argc - 1, argv + 1);
		}
	}
	client_errorf("unknown command \"volume %s\"; see 'lite volume --help'", argv[1]);
	return EXIT_ENGINE;
}
