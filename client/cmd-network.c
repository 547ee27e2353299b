/* lite network create|ls|inspect|rm|connect|disconnect, and lite port. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static const char network_usage[] =
	"Usage: lite network COMMAND\n\nManage networks.\n\nCommands:\n"
	"  create [--subnet CIDR] [--gateway IP] NAME   create a bridge network (root only)\n"
	"  ls [-q]                                       list networks\n"
	"  inspect NAME...                               show networks as JSON\n"
	"  rm NAME...                                    remove networks (root only)\n"
	"  connect [--ip IP] NETWORK CONTAINER           connect a running container\n"
	"  disconnect NETWORK CONTAINER                  disconnect a container\n";

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

static int
net_ls(int argc, char **argv)
{
	bool quiet = argc > 1 && (strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "--quiet") == 0);
	json_t *list = NULL, *n;
	struct table *t = table_new(4);
	size_t i;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		client_usage_exit("Usage: lite network ls [-q]\n", 0);
	if (client_call_once("network_ls", json_object(), &list) < 0) {
		table_free(t);
		return EXIT_ENGINE;
	}
	table_add(t, (const char *[]){ "NETWORK ID", "NAME", "DRIVER", "SUBNET" });
	json_array_foreach(list, i, n) {
		char id[13];
		const char *sub = json_string_value(json_object_get(n, "subnet"));

		snprintf(id, sizeof(id), "%.12s", json_string_value(json_object_get(n, "id")));
		if (quiet)
			printf("%s\n", id);
		else
			table_add(t, (const char *[]){ id, json_string_value(json_object_get(n, "name")),
						       json_string_value(json_object_get(n, "driver")), sub ? sub : "" });
	}
	if (!quiet)
		table_print(t);
	table_free(t);
	json_decref(list);
	return 0;
}

/* One call per NAME argument with {key: NAME}; stops at the first error. */
static int
per_name(int argc, char **argv, const char *method, const char *key, bool print)
{
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
		return per_name(argc, argv, "network_inspect", "id", true);
	if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
		return per_name(argc, argv, "network_rm", "id", false);
	if (strcmp(sub, "connect") == 0)
		return net_connect(argc, argv, true);
	if (strcmp(sub, "disconnect") == 0)
		return net_connect(argc, argv, false);
	if (!*sub)
		client_usage_exit(network_usage, EXIT_ENGINE);
	client_errorf("unknown command \"network %s\"; see 'lite network --help'", sub);
	return EXIT_ENGINE;
}

int
cmd_port(int argc, char **argv)
{
	json_t *result = NULL, *ports, *p;
	size_t i;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		client_usage_exit("Usage: lite port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nList a container's published ports.\n", 0);
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
