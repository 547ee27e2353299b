/* lite stats: the daemon's `stats` samples (raw counters), turned into
 * Docker's columns: CPU % from two samples, memory without the inactive
 * page cache, network and block I/O as decimal sizes, memory as binary
 * ones. On a terminal the table is redrawn each second (clear screen, as
 * docker); --no-stream prints once, from two samples half a second apart. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ps-format.h"
#include "table.h"

static const char stats_usage[] =
	"Usage: lite stats [OPTIONS] [CONTAINER...]\n\nShow containers' resource use, refreshed each second.\n\n"
	"Options:\n"
	"  -a, --all          all containers (default: the running ones)\n"
	"      --no-stream    print once and exit\n"
	"      --no-trunc     full container ids\n"
	"      --format TMPL  a template: {{.Container}} {{.ID}} {{.Name}} {{.CPUPerc}} {{.MemUsage}}\n"
	"                     {{.MemPerc}} {{.NetIO}} {{.BlockIO}} {{.PIDs}}; \"table TMPL\" adds a header;\n"
	"                     json: one JSON object per line\n"
	"  -h, --help         this help\n";

#define DEFAULT_TMPL "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}"

/* Docker's CPU %: the container's share of the host's CPU time between
 * two samples, times the online CPUs (the daemon's PROTOCOL.md formula). */
static double
cpu_percent(uint64_t cpu0, uint64_t cpu1, uint64_t sys0, uint64_t sys1, unsigned ncpu)
{
	if (cpu1 <= cpu0 || sys1 <= sys0)
		return 0.0;
	return (double)(cpu1 - cpu0) / (double)(sys1 - sys0) * ncpu * 100.0;
}

/* Docker's units.BytesSize: binary, 3 significant digits. */
static void
binary_size(double v, char *buf, size_t len)
{
	static const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int i = 0;

	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.4g%s", v, u[i]);
}

/* Docker's units.HumanSizeWithPrecision(v, 3): decimal. */
static void
decimal_size(double v, char *buf, size_t len)
{
	static const char *u[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	int i = 0;

	while (v >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.3g%s", v, u[i]);
}

static uint64_t
num(json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return (uint64_t)json_integer_value(json_object_get(o, path));
}

static uint64_t
blk(json_t *s, const char *op)
{
	json_t *a = json_object_get(json_object_get(s, "blkio_stats"), "io_service_bytes_recursive"), *e;
	size_t i;

	json_array_foreach(a, i, e)
		if (strcmp(json_string_value(json_object_get(e, "op")) ?: "", op) == 0)
			return (uint64_t)json_integer_value(json_object_get(e, "value"));
	return 0;
}

/* The row Docker's templates see, from this sample and the previous one. */
static json_t *
row_of(json_t *s, json_t *prev, const char *given, bool no_trunc)
{
	const char *id = json_string_value(json_object_get(s, "id")) ?: "";
	json_t *mem = json_object_get(s, "memory_stats"), *ms = json_object_get(mem, "stats");
	uint64_t usage = num(mem, "usage"), limit = num(mem, "limit"), inactive = 0;
	char cpu[32], memu[64], memp[32], net[64], bio[64], a[24], b[24];
	double cpu_pct = 0;

	if (json_object_get(ms, "inactive_file"))
		inactive = num(ms, "inactive_file");
	else
		inactive = num(ms, "total_inactive_file");
	usage = usage > inactive ? usage - inactive : usage;
	if (prev)
		cpu_pct = cpu_percent(num(prev, "cpu_stats.cpu_usage.total_usage"),
						   num(s, "cpu_stats.cpu_usage.total_usage"),
						   num(prev, "cpu_stats.system_cpu_usage"), num(s, "cpu_stats.system_cpu_usage"),
						   (unsigned)num(s, "cpu_stats.online_cpus"));
	snprintf(cpu, sizeof(cpu), "%.2f%%", cpu_pct);
	binary_size((double)usage, a, sizeof(a));
	binary_size((double)limit, b, sizeof(b));
	snprintf(memu, sizeof(memu), "%s / %s", a, b);
	snprintf(memp, sizeof(memp), "%.2f%%", limit ? (double)usage * 100.0 / (double)limit : 0.0);
	decimal_size((double)num(s, "networks.total.rx_bytes"), a, sizeof(a));
	decimal_size((double)num(s, "networks.total.tx_bytes"), b, sizeof(b));
	snprintf(net, sizeof(net), "%s / %s", a, b);
	decimal_size((double)blk(s, "read"), a, sizeof(a));
	decimal_size((double)blk(s, "write"), b, sizeof(b));
	snprintf(bio, sizeof(bio), "%s / %s", a, b);
	snprintf(a, sizeof(a), "%llu", (unsigned long long)num(s, "pids_stats.current"));
	return json_pack("{s:s, s:s%, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Container", given ? given : id, "ID", id,
			 no_trunc ? strlen(id) : (size_t)(strlen(id) < 12 ? strlen(id) : 12), "Name",
			 json_string_value(json_object_get(s, "name")) ?: "", "CPUPerc", cpu, "MemUsage", memu,
			 "MemPerc", memp, "NetIO", net, "BlockIO", bio, "PIDs", a);
}

static json_t *
sample(json_t *ids, bool all)
{
	json_t *params = json_object(), *result = NULL, *list;

	if (json_array_size(ids))
		json_object_set(params, "ids", ids);
	if (all)
		json_object_set_new(params, "all", json_true());
	if (client_call_once("stats", params, &result) < 0)
		return NULL;
	list = json_incref(json_object_get(result, "containers"));
	json_decref(result);
	return list;
}

static json_t *
find_prev(json_t *prev, const char *id)
{
	json_t *e;
	size_t i;

	json_array_foreach(prev, i, e)
		if (strcmp(json_string_value(json_object_get(e, "id")) ?: "", id) == 0)
			return e;
	return NULL;
}

/* Render one round; -1 on a bad template. */
static int
print_round(json_t *cur, json_t *prev, json_t *ids, const char *format, bool no_trunc)
{
	const char *tmpl = format ? format : DEFAULT_TMPL;
	bool table = strncmp(tmpl, "table", 5) == 0, json = strcmp(tmpl, "json") == 0 || strcmp(tmpl, "{{json .}}") == 0;
	struct table *t = NULL;
	char err[160], *line;
	json_t *s;
	size_t i;

	if (table) {
		tmpl += 5 + strspn(tmpl + 5, " ");
		t = table_new(9);
		line = strdup(tmpl);
		for (const char *const *m = (const char *const[]){ "{{.ID}}", "CONTAINER ID", "{{.Container}}", "CONTAINER",
				"{{.Name}}", "NAME", "{{.CPUPerc}}", "CPU %", "{{.MemUsage}}", "MEM USAGE / LIMIT",
				"{{.MemPerc}}", "MEM %", "{{.NetIO}}", "NET I/O", "{{.BlockIO}}", "BLOCK I/O", "{{.PIDs}}",
				"PIDS", NULL }; *m; m += 2) {
			char *p;
			while (line && (p = strstr(line, m[0]))) {
				char *n = NULL;
				if (asprintf(&n, "%.*s%s%s", (int)(p - line), line, m[1], p + strlen(m[0])) < 0)
					n = NULL;
				free(line);
				line = n;
			}
		}
		if (line) {
			json_t *empty = json_object();
			char *h = ps_format_render(line, empty, err, sizeof(err));
			table_add_line(t, h);
			free(h);
			json_decref(empty);
		}
		free(line);
	}
	json_array_foreach(cur, i, s) {
		json_t *row = row_of(s, find_prev(prev, json_string_value(json_object_get(s, "id")) ?: ""),
				     json_string_value(json_array_get(ids, i)), no_trunc);

		if (json) {
			line = json_dumps(row, JSON_COMPACT);
		} else if (!(line = ps_format_render(tmpl, row, err, sizeof(err)))) {
			client_errorf("invalid --format: %s", err);
			json_decref(row);
			table_free(t);
			return -1;
		}
		json_decref(row);
		if (t) {
			table_add_line(t, line);
		} else {
			printf("%s\n", line);
		}
		free(line);
	}
	if (t) {
		table_print(t);
		table_free(t);
	}
	fflush(stdout);
	return 0;
}

int
cmd_stats(int argc, char **argv)
{
	enum { OPT_NO_STREAM = 256, OPT_NO_TRUNC, OPT_FORMAT };
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { "no-stream", no_argument, NULL, OPT_NO_STREAM },
		{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC }, { "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	bool all = false, no_stream = false, no_trunc = false, tty = isatty(STDOUT_FILENO);
	const char *format = NULL;
	json_t *ids = json_array(), *prev, *cur;
	int opt;

	while ((opt = client_opt_get(&argc, argv, "ah", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case OPT_NO_STREAM: no_stream = true; break;
		case OPT_NO_TRUNC: no_trunc = true; break;
		case OPT_FORMAT: format = optarg; break;
		case 'h': client_usage_exit(stats_usage, 0);
		default: client_usage_exit(stats_usage, 1);
		}
	}
	for (int i = optind; i < argc; i++)
		json_array_append_new(ids, json_string(argv[i]));
	if (!(prev = sample(ids, all))) {
		json_decref(ids);
		return 1;
	}
	for (;;) {
		struct timespec half = { 0, 500000000 }, one = { 1, 0 };

		nanosleep(no_stream ? &half : &one, NULL);
		if (!(cur = sample(ids, all)))
			break;
		if (tty && !no_stream)
			fputs("\033[2J\033[H", stdout); /* clear the screen, as docker does */
		int r = print_round(cur, prev, ids, format, no_trunc);

		if (r < 0 || no_stream) {
			int rc = r < 0 ? 1 : 0;

			json_decref(prev);
			json_decref(ids);
			json_decref(cur);
			return rc;
		}
		json_decref(prev);
		prev = cur;
	}
	json_decref(prev);
	json_decref(ids);
	return 1;
}
