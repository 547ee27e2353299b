/* lite ps and lite inspect. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "parse.h"
#include "ps-format.h"
#include "ps-ports.h"
#include "table.h"

static const char ps_usage[] =
	"Usage: lite ps [OPTIONS]\n\nList containers (running ones unless -a).\n\n"
	"Options:\n"
	"  -a, --all            show all containers\n"
	"  -q, --quiet          only print short ids\n"
	"      --format json    one JSON object per line (Docker's keys)\n"
	"      --format TMPL    a template: {{.ID}} {{.Names}} {{.Image}} {{.Status}} {{.State}}\n"
	"                       {{.Command}} {{.CreatedAt}} {{.RunningFor}} {{.Size}} {{.Ports}}; \"table \" adds a header\n"
	"  -f, --filter K=V     status=, name=, id=, ancestor=, label= (repeatable)\n"
	"  -n, --last N         the N newest containers (all states)\n"
	"  -l, --latest         the newest container (all states)\n"
	"  -s, --size           show the size of the writable layer\n"
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

/* Docker's keys for a row: what --format json prints and templates see. */
static json_t *
docker_row(json_t *c, const char *command, const char *running_for)
{
	time_t t = (time_t)json_integer_value(json_object_get(c, "created"));
	char created[64], size[32];
	json_t *o;

	strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S +0000 UTC", gmtime(&t));
	format_size((uint64_t)json_integer_value(json_object_get(c, "size_rw")), size, sizeof(size));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}",
		      "ID", json_string_value(json_object_get(c, "id")),
		      "Names", json_string_value(json_object_get(c, "name")),
		      "Image", json_string_value(json_object_get(c, "image")),
		      "Command", command, "CreatedAt", created, "RunningFor", running_for,
		      "State", json_string_value(json_object_get(c, "state")),
		      "Status", json_string_value(json_object_get(c, "status")),
		      "OOMKilled", json_is_true(json_object_get(c, "oom_killed")), "Size", size);
	if (o && json_object_get(c, "labels"))
		json_object_set(o, "Labels", json_object_get(c, "labels"));
	if (o) {
		char ports[1024];

		ps_ports_format(json_object_get(c, "ports"), ports, sizeof(ports));
		json_object_set_new(o, "Ports", json_string(ports));
	}
	return o;
}

static void
print_json_line(json_t *c, const char *command, const char *running_for)
{
	json_t *o = docker_row(c, command, running_for);
	char *line = json_dumps(o, JSON_COMPACT);

	printf("%s\n", line);
	free(line);
	json_decref(o);
}

struct ps_opts {
	bool all, quiet, size;
	long long last;        /* -n; -1 none */
	const char *format;    /* NULL: the table */
	struct ps_filter filters[32];
	size_t nfilters;
};

static int
ps_parse(int argc, char **argv, struct ps_opts *o)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'F' }, { "filter", required_argument, NULL, 'f' },
		{ "last", required_argument, NULL, 'n' }, { "latest", no_argument, NULL, 'l' },
		{ "size", no_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "aqf:n:lsh", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': o->all = true; break;
		case 'q': o->quiet = true; break;
		case 's': o->size = true; break;
		case 'l': o->last = 1; break;
		case 'F': o->format = optarg; break;
		case 'n':
			if (parse_int_range(optarg, 0, 1 << 30, &o->last) < 0)
				return client_errorf("invalid --last \"%s\": expected a number", optarg), 1;
			break;
		case 'f':
			if (o->nfilters >= 32 || ps_format_filter_parse(optarg, &o->filters[o->nfilters++]) < 0)
				return client_errorf("invalid --filter \"%s\": expected status=, name=, id=, ancestor= or label=",
					      optarg), 1;
			if (o->filters[o->nfilters - 1].key == PS_F_STATUS)
				o->all = true;
			break;
		case 'h': client_usage_exit(ps_usage, 0);
		default: client_usage_exit(ps_usage, 1);
		}
	}
	if (o->last >= 0)
		o->all = true;
	return 0;
}

/* The template after "table " (NULL when it is not a table). */
static const char *
table_tmpl(const char *format)
{
	if (!format || strncmp(format, "table", 5) != 0)
		return NULL;
	return format + 5 + strspn(format + 5, " ");
}

/* Columns of a table template: its tab-separated cells. */
static size_t
tmpl_columns(const char *tmpl)
{
	size_t n = 1;

	for (const char *p = tmpl; (p = strstr(p, "\\t")); p += 2)
		n++;
	return n > 16 ? 16 : n;
}

/* A rendered line split at tabs into a table row (line is modified). */
static void
add_tab_row(struct table *t, char *line)
{
	const char *cells[16] = { 0 };
	char *save = NULL, *cell = strtok_r(line, "\t", &save);

	for (size_t i = 0; i < 16; i++, cell = strtok_r(NULL, "\t", &save))
		cells[i] = cell ? cell : "";
	table_add(t, cells);
}

/* One row by --format: printed, or added to t for a table template. */
static int
print_formatted(const struct ps_opts *o, json_t *row, struct table *t)
{
	const char *tt = table_tmpl(o->format);
	char err[160], *line = ps_format_render(tt ? tt : o->format, row, err, sizeof(err));

	if (!line) {
		client_errorf("invalid --format: %s", err);
		return -1;
	}
	if (tt)
		add_tab_row(t, line);
	else
		printf("%s\n", line);
	free(line);
	return 0;
}

static struct table *
table_for(const struct ps_opts *o)
{
	const char *tt = table_tmpl(o->format);
	struct table *t = table_new(tt ? tmpl_columns(tt) : o->size ? 8 : 7);
	char *hdr;

	if (!o->format)
		table_add(t, (const char *[]){ "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES",
					       "SIZE" });
	else if (tt && (hdr = ps_format_header(tt))) {
		add_tab_row(t, hdr);
		free(hdr);
	}
	return t;
}

int
cmd_ps(int argc, char **argv)
{
	struct ps_opts o = { .last = -1 };
	json_t *list = NULL, *c;
	struct table *t;
	int64_t now = time(NULL);
	long long shown = 0;
	bool as_json;
	size_t i;
	int rc = 0;

	if (ps_parse(argc, argv, &o))
		return 1;
	as_json = o.format && strcmp(o.format, "json") == 0;
	if (client_call_once("ps", json_pack("{s:b, s:b}", "all", o.all, "size", o.size), &list) < 0)
		return 1;
	t = table_for(&o);
	json_array_foreach(list, i, c) {
		char id[13], command[256], created[64], size[32], ports[1024];
		json_t *row;

		if (!ps_format_filter_match(o.filters, o.nfilters, c) || (o.last >= 0 && shown >= o.last))
			continue;
		shown++;
		snprintf(id, sizeof(id), "%.12s", json_string_value(json_object_get(c, "id")));
		command_text(json_object_get(c, "command"), command, sizeof(command));
		format_ago(now - json_integer_value(json_object_get(c, "created")), created, sizeof(created));
		format_size((uint64_t)json_integer_value(json_object_get(c, "size_rw")), size, sizeof(size));
		if (o.quiet) {
			printf("%s\n", id);
		} else if (as_json) {
			print_json_line(c, command, created);
		} else if (o.format) {
			row = docker_row(c, command, created);
			json_object_set_new(row, "ID", json_string(id));
			rc = print_formatted(&o, row, t) < 0 ? 1 : rc;
			json_decref(row);
		} else {
			ps_ports_format(json_object_get(c, "ports"), ports, sizeof(ports));
			table_add(t, (const char *[]){ id, json_string_value(json_object_get(c, "image")), command,
						       created, json_string_value(json_object_get(c, "status")), ports,
						       json_string_value(json_object_get(c, "name")), size });
		}
	}
	if (!o.quiet && (!o.format || strncmp(o.format, "table", 5) == 0))
		table_print(t);
	table_free(t);
	json_decref(list);
	return rc;
}

static const char inspect_usage[] =
	"Usage: lite inspect [-f FORMAT] CONTAINER [CONTAINER...]\n\n"
	"Show containers' full state as a JSON array.\n\n"
	"Options:\n"
	"  -f, --format TMPL  one line per container from a template: {{.State.Status}},\n"
	"                     {{.State.ExitCode}} (Docker's names match our snake_case keys)\n"
	"  -h, --help         this help\n";

int
cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	json_t *all = json_array(), *one;
	const char *format = NULL;
	char *out, err[160];
	int rc = 0, opt;

	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1)
		if (opt == 'f')
			format = optarg;
		else
			client_usage_exit(inspect_usage, opt == 'h' ? 0 : 1);
	if (optind >= argc)
		client_usage_exit(inspect_usage, 1);
	for (int i = optind; i < argc; i++) {
		if (client_call_once("inspect", json_pack("{s:s}", "id", argv[i]), &one) < 0) {
			rc = 1;
			continue;
		}
		if (format && !(out = ps_format_render(format, one, err, sizeof(err)))) {
			client_errorf("invalid --format: %s", err);
			json_decref(one);
			json_decref(all);
			return 1;
		} else if (format) {
			printf("%s\n", out);
			free(out);
		}
		json_array_append_new(all, one);
	}
	out = format ? NULL : json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	if (out)
		printf("%s\n", out);
	free(out);
	json_decref(all);
	return rc;
}
