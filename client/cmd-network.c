/* lite network create|ls|inspect|rm|connect|disconnect, and lite port. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "out-format.h"
#include "table.h"

static const char network_usage[] =
	"Usage: lite network COMMAND\n\nManage networks.\n\nCommands:\n"
	"  create [--subnet CIDR] [--gateway IP] NAME   create a bridge network (root only)\n"
	"  ls [-q] [--filter K=V] [--format F]           list networks\n"
	"  inspect [-f FORMAT] NAME...                   show networks as JSON\n"
	"  rm NAME...                                    remove networks (root only)\n"
	"  connect [--ip IP] NETWORK CONTAINER           connect a container (a stopped one from its next start)\n"
	"  disconnect NETWORK CONTAINER                  disconnect a container\n"
	"  prune [-f]                                    remove unused user-defined networks (root only)\n";

static int
simple_call(const char *method, json_t *params, bool print_json)
{
	json_t *result = NULL;

	if (client_call_once(method, params, &result) < 0)
		return EXIT_ENGINE;
	if (print_json) {
		char *s = json_dumps(result, JSON_INDENT(4));
		printf("%s\n", s ? s : "null");
		free(s);
	}
	json_decref(result);
	return 0;
}

static int
net_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "subnet", required_argument, NULL, 's' }, { "gateway", required_argument, NULL, 'g' },
		{ "driver", required_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite network create [--subnet CIDR] [--gateway IP] NAME\n";
	json_t *params = json_object(), *result = NULL;
	int c;

	while ((c = client_opt_get(&argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': json_object_set_new(params, "subnet", json_string(optarg)); break;
		case 'g': json_object_set_new(params, "gateway", json_string(optarg)); break;
		case 'd':
			if (strcmp(optarg, "bridge") != 0) {
				client_errorf("invalid --driver \"%s\": only bridge is supported", optarg);
				return EXIT_ENGINE;
			}
			break;
		case 'h': client_usage_exit(usage, 0);
		default: client_usage_exit(usage, EXIT_ENGINE);
		}
	}
	if (optind + 1 != argc) {
		client_errorf("\"lite network create\" requires exactly 1 argument: NAME");
		return EXIT_ENGINE;
	}
	json_object_set_new(params, "name", json_string(argv[optind]));
	if (client_call_once("network_create", params, &result) < 0)
		return EXIT_ENGINE;
	printf("%s\n", json_string_value(json_object_get(result, "id")));
	json_decref(result);
	return 0;
}

static const char *const net_keys[] = { "driver", "id", "label!", "name", "type", "dangling", NULL };

struct net_ctx {
	json_t *n;
	json_t *users; /* {network name: containers}, for dangling */
};

static bool
net_match(const char *key, const char *value, void *ctx)
{
	struct net_ctx *c = ctx;
	const char *name = json_string_value(json_object_get(c->n, "name")) ?: "";
	bool builtin = json_is_true(json_object_get(c->n, "default")) || !strcmp(name, "bridge") || !strcmp(name, "host") ||
		       !strcmp(name, "none");
	bool b = false;

	if (!strcmp(key, "name"))
		return strstr(name, value) != NULL;
	if (!strcmp(key, "id"))
		return !strncmp(json_string_value(json_object_get(c->n, "id")) ?: "", value, strlen(value));
	if (!strcmp(key, "driver"))
		return !strcmp(json_string_value(json_object_get(c->n, "driver")) ?: "", value);
	if (!strcmp(key, "label"))
		return filter_label(json_object_get(c->n, "labels"), value);
	if (!strcmp(key, "type"))
		return !strcmp(value, builtin ? "builtin" : "custom");
	if (!strcmp(key, "dangling"))
		return filter_bool(value, &b) == 0 && !builtin && b == !json_object_get(c->users, name);
	return false;
}

/* Which networks the caller's containers have endpoints on. */
static json_t *
network_users(void)
{
	json_t *list = NULL, *c, *users = json_object(), *n;
	const char *name;
	size_t i;

	if (client_call_once("ps", json_pack("{s:b, s:b}", "all", 1, "details", 1), &list) < 0)
		return users;
	json_array_foreach(list, i, c)
		json_object_foreach(json_object_get(json_object_get(c, "network_settings"), "networks"), name, n)
			json_object_set_new(users, name, json_true());
	json_decref(list);
	return users;
}

static int
net_ls(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "filter", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' }, { "no-trunc", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite network ls [OPTIONS]\n\nList networks.\n\nOptions:\n"
				    "  -q, --quiet        only ids\n"
				    "  -f, --filter K=V   driver=, id=, label=, name=, type=builtin|custom, dangling=true|false\n"
				    "      --format F     json, or a template: {{.ID}} {{.Name}} {{.Driver}} {{.Subnet}}\n"
				    "      --no-trunc     full ids\n";
	struct filter_set fs = { 0 };
	struct out_format of;
	const char *format = NULL;
	json_t *list = NULL, *n, *users = NULL;
	struct table *t;
	bool quiet = false, no_trunc = false;
	char err[512];
	size_t i;
	int c, rc = 0;

	while ((c = client_opt_get(&argc, argv, "qf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'T': no_trunc = true; break;
		case 'F': format = optarg; break;
		case 'f':
			if (filter_add(&fs, optarg, net_keys, err, sizeof(err)) < 0)
				return client_errorf("%s", err), EXIT_ENGINE;
			break;
		case 'h': client_usage_exit(usage, 0);
		default: client_usage_exit(usage, EXIT_ENGINE);
		}
	}
	if (optind < argc)
		return client_errorf("\"lite network ls\" accepts no arguments"), EXIT_ENGINE;
	if (client_call_once("network_ls", json_object(), &list) < 0)
		return EXIT_ENGINE;
	if (filter_has(&fs, "dangling"))
		users = network_users();
	if (format && !quiet)
		out_format_init(&of, format);
	t = table_new(4);
	table_add(t, (const char *[]){ "NETWORK ID", "NAME", "DRIVER", "SUBNET" });
	json_array_foreach(list, i, n) {
		struct net_ctx ctx = { n, users };
		char id[65];
		const char *sub = json_string_value(json_object_get(n, "subnet"));
		json_t *row;

		if (!filter_match(&fs, net_match, &ctx))
			continue;
		snprintf(id, sizeof(id), "%.*s", no_trunc ? 64 : 12, json_string_value(json_object_get(n, "id")));
		if (quiet) {
			printf("%s\n", id);
		} else if (format) {
			row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "ID", id,
					"Name", json_string_value(json_object_get(n, "name")) ?: "",
					"Driver", json_string_value(json_object_get(n, "driver")) ?: "", "Scope", "local",
					"Subnet", sub ? sub : "", "Labels", "");
			rc = out_format_row(&of, row) < 0 ? 1 : rc;
			json_decref(row);
		} else {
			table_add(t, (const char *[]){ id, json_string_value(json_object_get(n, "name")),
						       json_string_value(json_object_get(n, "driver")), sub ? sub : "" });
		}
	}
	if (format && !quiet)
		out_format_end(&of);
	else if (!quiet)
		table_print(t);
	table_free(t);
	json_decref(users);
	json_decref(list);
	return rc;
}

/* inspect [-f FORMAT] NAME... */
/* One call per NAME argument with {key: NAME}; stops at the first error. */
static int
per_name(int argc, char **argv, const char *method, const char *key, bool print)
{
	client_no_options(&argc, &argv, network_usage);
	if (argc < 2) {
		client_errorf("\"lite network %s\" requires at least 1 argument", argv[0]);
		return EXIT_ENGINE;
	}
	for (int i = 1; i < argc; i++) {
		if (simple_call(method, json_pack("{s:s}", key, argv[i]), print))
			return EXIT_ENGINE;
		if (!print)
			printf("%s\n", argv[i]);
	}
	return 0;
}

static int
net_connect(int argc, char **argv, bool connect)
{
	static const struct option opts[] = { { "ip", required_argument, NULL, 'i' }, { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	json_t *params = json_object();
	int c;

	while ((c = client_opt_get(&argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'i' && connect)
			json_object_set_new(params, "ip", json_string(optarg));
		else if (c == 'h')
			client_usage_exit(network_usage, 0);
		else if (c != 'f')
			client_usage_exit(network_usage, EXIT_ENGINE);
	}
	if (optind + 2 != argc) {
		json_decref(params);
		client_errorf("\"lite network %s\" requires exactly 2 arguments: NETWORK CONTAINER", argv[0]);
		return EXIT_ENGINE;
	}
	json_object_set_new(params, "network", json_string(argv[optind]));
	json_object_set_new(params, "container", json_string(argv[optind + 1]));
	return simple_call(connect ? "network_connect" : "network_disconnect", params, false);
}

int
cmd_network(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0)
		client_usage_exit(network_usage, 0);
	argc--;
	argv++;
	optind = 0;
	if (strcmp(sub, "create") == 0)
		return net_create(argc, argv);
	if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0)
		return net_ls(argc, argv);
	if (strcmp(sub, "inspect") == 0)
		return cmd_inspect_kind("network", argc, argv);
	if (strcmp(sub, "prune") == 0)
		return cmd_prune_network(argc, argv);
	if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
		return per_name(argc, argv, "network_rm", "id", false);
	if (strcmp(sub, "connect") == 0)
		return net_connect(argc, argv, true);
	if (strcmp(sub, "disconnect") == 0)
		return net_connect(argc, argv, false);
	if (!*sub) {
		client_errorf("\"lite network\" requires a command");
		client_usage_exit(network_usage, EXIT_ENGINE);
	}
	client_errorf("unknown command \"network %s\"; see 'lite network --help'", sub);
	return EXIT_ENGINE;
}

int
cmd_port(int argc, char **argv)
{
	json_t *result = NULL, *ports, *p;
	size_t i;

	client_no_options(&argc, &argv, "Usage: lite port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nList a container's published ports.\n");
	if (argc < 2 || argc > 3) {
		client_errorf("\"lite port\" requires 1 or 2 arguments: CONTAINER [PRIVATE_PORT[/PROTO]]");
		return EXIT_ENGINE;
	}
	if (client_call_once("inspect", json_pack("{s:s}", "id", argv[1]), &result) < 0)
		return EXIT_ENGINE;
	ports = json_is_true(json_object_get(json_object_get(result, "state"), "running"))
			? json_object_get(json_object_get(result, "network_settings"), "ports") : NULL;
	json_array_foreach(ports, i, p) {
		char key[32];
		int cp = (int)json_integer_value(json_object_get(p, "container_port"));
		const char *proto = json_string_value(json_object_get(p, "protocol"));

		snprintf(key, sizeof(key), "%d/%s", cp, proto);
		if (argc == 3 && strcmp(argv[2], key) != 0 && !(strchr(argv[2], '/') == NULL && atoi(argv[2]) == cp))
			continue;
		if (argc == 3)
			printf("%s:%d\n", json_string_value(json_object_get(p, "host_ip")),
			       (int)json_integer_value(json_object_get(p, "host_port")));
		else
			printf("%s -> %s:%d\n", key, json_string_value(json_object_get(p, "host_ip")),
			       (int)json_integer_value(json_object_get(p, "host_port")));
	}
	json_decref(result);
	return 0;
}
