/* lite ps and lite inspect. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "str-util.h"
#include "table.h"

static const char ps_usage[] =
	"Usage: lite ps [OPTIONS]\n\nList containers (running ones unless -a).\n\n"
	"Options:\n"
	"  -a, --all            show all containers\n"
	"  -q, --quiet          only print short ids\n"
	"      --format json    one JSON object per line (Docker's keys)\n"
	"  -h, --help           this help\n";

static void
command_text(json_t *cmd, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *a;

	buf[0] = '\0';
	json_array_foreach(cmd, i, a)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s", i ? " " : "", json_string_value(a));
	if (strlen(buf) > 20)
		strcpy(buf + 19, "…");
}

static void
print_json_line(json_t *c, const char *command, const char *running_for)
{
	time_t t = (time_t)json_integer_value(json_object_get(c, "created"));
	char created[64];
	json_t *o;

	strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S +0000 UTC", gmtime(&t));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
			      "ID", json_string_value(json_object_get(c, "id")),
			      "Names", json_string_value(json_object_get(c, "name")),
			      "Image", json_string_value(json_object_get(c, "image")),
			      "Command", command, "CreatedAt", created, "RunningFor", running_for,
			      "State", json_string_value(json_object_get(c, "state")),
			      "Status", json_string_value(json_object_get(c, "status")),
			      "OOMKilled", json_is_true(json_object_get(c, "oom_killed")));
	char *s = json_dumps(o, JSON_COMPACT);

	printf("%s\n", s);
	free(s);
	json_decref(o);
}

int
cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	bool all = false, quiet = false, as_json = false;
	json_t *list = NULL, *c;
	struct table *t;
	int64_t now = time(NULL);
	size_t i;
	int opt;

	while ((opt = getopt_long(argc, argv, "aqf:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'q': quiet = true; break;
		case 'f':
			if (strcmp(optarg, "json") != 0) {
				errorf("invalid --format \"%s\": only \"json\" is supported", optarg);
				return 1;
			}
			as_json = true;
			break;
		case 'h': usage_exit(ps_usage, 0);
		default: usage_exit(ps_usage, 1);
		}
	}
	if (client_call("ps", json_pack("{s:b}", "all", all), &list) < 0)
		return 1;
	t = table_new(6);
	table_add(t, (const char *[]){ "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES" });
	json_array_foreach(list, i, c) {
		char id[13], command[256], created[64];

		snprintf(id, sizeof(id), "%.12s", json_string_value(json_object_get(c, "id")));
		command_text(json_object_get(c, "command"), command, sizeof(command));
		format_ago(now - json_integer_value(json_object_get(c, "created")), created, sizeof(created));
		if (quiet)
			printf("%s\n", id);
		else if (as_json)
			print_json_line(c, command, created);
		else
			table_add(t, (const char *[]){ id, json_string_value(json_object_get(c, "image")), command,
						       created, json_string_value(json_object_get(c, "status")),
						       json_string_value(json_object_get(c, "name")) });
	}
	if (!quiet && !as_json)
		table_print(t);
	table_free(t);
	json_decref(list);
	return 0;
}

static const char inspect_usage[] =
	"Usage: lite inspect CONTAINER [CONTAINER...]\n\nShow containers' full state as a JSON array.\n";

int
cmd_inspect(int argc, char **argv)
{
	json_t *all = json_array(), *one;
	char *out;
	int rc = 0;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		usage_exit(inspect_usage, 0);
	if (argc < 2)
		usage_exit(inspect_usage, 1);
	for (int i = 1; i < argc; i++) {
		if (client_call("inspect", json_pack("{s:s}", "id", argv[i]), &one) < 0) {
			rc = 1;
			continue;
		}
		json_array_append_new(all, one);
	}
	out = json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	if (out)
		printf("%s\n", out);
	free(out);
	json_decref(all);
	return rc;
}
