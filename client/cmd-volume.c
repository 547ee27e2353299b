/* lite volume create|ls|inspect|rm|prune. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static const char volume_usage[] =
	"Usage: lite volume COMMAND\n\nManage volumes.\n\n"
	"Commands:\n"
	"  create [NAME]        create a volume (a random name without NAME)\n"
	"  ls [-q]              list volumes\n"
	"  inspect NAME...      show volumes as JSON\n"
	"  rm [-f] NAME...      remove volumes no container uses\n"
	"  prune [-f]           remove every volume no container uses\n";

static int
volume_ls(int argc, char **argv)
{
	bool quiet = argc > 1 && (!strcmp(argv[1], "-q") || !strcmp(argv[1], "--quiet"));
	json_t *list = NULL, *v;
	struct table *t;
	size_t i;

	if (client_call_once("volume_ls", NULL, &list) < 0)
		return 1;
	t = table_new(2);
	table_add(t, (const char *[]){ "DRIVER", "VOLUME NAME" });
	json_array_foreach(list, i, v) {
		/* "ref": how this caller names it (root: _uUID/NAME for others' volumes) */
		const char *name = json_string_value(json_object_get(v, "ref")) ?: json_string_value(json_object_get(v, "name"));
		if (quiet)
			printf("%s\n", name);
		else
			table_add(t, (const char *[]){ "local", name });
	}
	if (!quiet)
		table_print(t);
	table_free(t);
	json_decref(list);
	return 0;
}

static int
volume_inspect(int argc, char **argv)
{
	return cmd_inspect_kind("volume", argc, argv);
}

static int
volume_rm(int argc, char **argv)
{
	int rc = 0, first = 1;
	json_t *r;

	if (argc > 1 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--force")))
		first = 2;
	if (argc <= first)
		client_usage_exit(volume_usage, 1);
	for (int i = first; i < argc; i++) {
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
	json_t *r = NULL, *e;
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		client_usage_exit(volume_usage, argc < 2);
	if (!strcmp(argv[1], "create")) {
		if (client_call_once("volume_create", argc > 2 ? json_pack("{s:s}", "name", argv[2]) : NULL, &r) < 0)
			return 1;
		printf("%s\n", json_string_value(json_object_get(r, "name")));
		json_decref(r);
		return 0;
	}
	if (!strcmp(argv[1], "ls") || !strcmp(argv[1], "list"))
		return volume_ls(argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return volume_inspect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rm") || !strcmp(argv[1], "remove"))
		return volume_rm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "prune")) {
		if (client_call_once("volume_prune", NULL, &r) < 0)
			return 1;
		json_array_foreach(json_object_get(r, "removed"), i, e)
			printf("%s\n", json_string_value(e));
		json_decref(r);
		return 0;
	}
	client_errorf("unknown volume command \"%s\"; see 'lite volume --help'", argv[1]);
	return 1;
}
