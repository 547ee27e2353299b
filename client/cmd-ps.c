/* lite ps. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "parse.h"
#include "ps-filter.h"
#include "ps-format.h"
#include "ps-ports.h"
#include "ps-rows.h"
#include "table.h"

static const char ps_usage[] =
	"Usage: lite ps [OPTIONS]\n\nList containers (running ones unless -a).\n\n"
	"Options:\n"
	"  -a, --all            show all containers\n"
	"  -q, --quiet          only print short ids\n"
	"      --format json    one JSON object per line (Docker's keys)\n"
	"      --format TMPL    a template: {{.ID}} {{.Names}} {{.Image}} {{.Status}} {{.State}}\n"
	"                       {{.Command}} {{.CreatedAt}} {{.RunningFor}} {{.Size}} {{.Ports}}; \"table \" adds a header\n"
	"  -f, --filter K=V     id, name, label, status, ancestor, before, since, exited, health,\n"
	"                       network, volume, publish, expose (repeatable: one key ORs, keys AND)\n"
	"      --no-trunc       full ids and commands\n"
	"  -n, --last N         the N newest containers (all states)\n"
	"  -l, --latest         the newest container (all states)\n"
	"  -s, --size           show the size of the writable layer\n"
	"  -h, --help           this help\n";

static void
command_text(json_t *cmd, char *buf, size_t len, bool no_trunc)
{
	size_t i, off = 0;
	json_t *a;

	buf[0] = '\0';
	json_array_foreach(cmd, i, a)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s", i ? " " : "", json_string_value(a));
	if (!no_trunc && strlen(buf) > 20)
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
	bool all, quiet, size, no_trunc;
	long long last;        /* -n; -1 none */
	const char *format;    /* NULL: the table */
	struct filter_set fs;
};

static int
ps_parse(int argc, char **argv, struct ps_opts *o)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'F' }, { "filter", required_argument, NULL, 'f' },
		{ "last", required_argument, NULL, 'n' }, { "latest", no_argument, NULL, 'l' },
		{ "size", no_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ "no-trunc", no_argument, NULL, 'T' }, { 0 },
	};
	char err[512];
	int opt;

	while ((opt = client_opt_get(&argc, argv, "aqf:n:lsh", opts, NULL)) != -1) {
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
		case 'T': o->no_trunc = true; break;
		case 'f':
			if (filter_add(&o->fs, optarg, ps_filter_keys, err, sizeof(err)) < 0)
				return client_errorf("%s", err), 1;
			if (!strcmp(o->fs.f[o->fs.n - 1].key, "status") || !strcmp(o->fs.f[o->fs.n - 1].key, "exited"))
				o->all = true;
			break;
		case 'h': client_usage_exit(ps_usage, 0);
		default: client_usage_exit(ps_usage, 1);
		}
	}
	if (o->last >= 0)
		o->all = true;
	if (optind < argc)
		return client_errorf("\"lite ps\" accepts no arguments; see 'lite ps --help'"), 1;
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

/* One row by --format: printed, or added to t for a table template. */
static int
print_formatted(const struct ps_opts *o, json_t *row, struct table *t)
{
	const char *tt = table_tmpl(o->format);
	char err[512], *line = ps_format_render(tt ? tt : o->format, row, err, sizeof(err));

	if (!line) { /* Go's message, as docker prints it */
		fflush(stdout);
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (tt)
		table_add_line(t, line);
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
		table_add_line(t, hdr);
		free(hdr);
	}
	return t;
}

/* What ps without -a lists (the daemon's rule, for a list fetched with all). */
static bool
running(json_t *c)
{
	const char *st = json_string_value(json_object_get(c, "state")) ?: "";

	return !strcmp(st, "running") || !strcmp(st, "paused") || !strcmp(st, "restarting");
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
	char err[512];
	size_t i;
	int rc = 0;

	if (ps_parse(argc, argv, &o))
		return 1;
	if (o.format && ps_format_check(o.format, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* the plain table and -q: the daemon's text rows, no JSON to parse */
	if (!o.format && !o.fs.n && !o.size)
		return ps_rows_print(o.all, o.quiet, o.no_trunc, o.last);
	as_json = o.format && strcmp(o.format, "json") == 0;
	/* before=/since= need the whole list: they may name a stopped container */
	if (client_call_once("ps", json_pack("{s:b, s:b, s:b}", "all",
					     o.all || filter_has(&o.fs, "before") || filter_has(&o.fs, "since"),
					     "size", o.size, "details",
					     ps_filter_needs_details(&o.fs)), &list) < 0)
		return 1;
	if (ps_filter_check(&o.fs, list, err, sizeof(err)) < 0) {
		client_errorf("%s", err);
		json_decref(list);
		return 1;
	}
	t = table_for(&o);
	json_array_foreach(list, i, c) {
		char id[65], command[4096], created[64], size[32], ports[1024];
		json_t *row;

		if (!ps_filter_row(&o.fs, list, i) || (o.last >= 0 && shown >= o.last) || (!o.all && !running(c)))
			continue;
		shown++;
		snprintf(id, sizeof(id), "%.*s", o.no_trunc ? 64 : 12, json_string_value(json_object_get(c, "id")));
		command_text(json_object_get(c, "command"), command, sizeof(command), o.no_trunc);
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
			if (rc) /* the same error for every row: once is enough */
				break;
		} else {
			ps_ports_format(json_object_get(c, "ports"), ports, sizeof(ports));
			table_add(t, (const char *[]){ id, json_string_value(json_object_get(c, "image")), command,
						       created, json_string_value(json_object_get(c, "status")), ports,
						       json_string_value(json_object_get(c, "name")), size });
		}
	}
	if (!rc && !o.quiet && (!o.format || strncmp(o.format, "table", 5) == 0))
		table_print(t);
	table_free(t);
	json_decref(list);
	return rc;
}
