/* lite events: the daemon's event stream (method "events"), printed as
 * docker events prints it, or through --format. */
#include "client.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"
#include "ps-format.h"

static const char events_usage[] =
	"Usage: lite events [OPTIONS]\n\nStream the engine's events: containers, images, networks, volumes.\n\n"
	"Options:\n"
	"      --since T         also the past events since T (kept: the last 1,000 or so)\n"
	"      --until T         stop at T\n"
	"  -f, --filter K=V      type=container|image|network|volume, event=ACTION, container=NAME|ID,\n"
	"                        image=REF, label=KEY[=VALUE], network=NAME, volume=NAME (repeatable)\n"
	"      --format TEMPLATE  Go-style template, e.g. '{{json .}}' or '{{.Action}} {{.Actor.ID}}'\n"
	"  -h, --help            this help\n\n"
	"T: a Unix time (1700000000[.5]), an RFC 3339 date (2026-11-30T22:00:00Z, 2026-11-30) or a\n"
	"duration before now (10m, 1h30m).\n";

/* "2026-11-30T22:00:00.5+01:00", "2026-11-30T22:00:00Z", "2026-11-30" */
static int
parse_rfc3339(const char *s, int64_t *ret_ns)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%d", &tm);
	int64_t frac = 0, off = 0;

	if (!p)
		return -1;
	if (*p == 'T' || *p == ' ') {
		if (!(p = strptime(p + 1, "%H:%M:%S", &tm)))
			return -1;
		if (*p == '.') {
			int64_t scale = 100000000;
			for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
				frac += (*p - '0') * scale;
		}
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int h, m;
			if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2)
				return -1;
			off = (*p == '+' ? 1 : -1) * (h * 3600 + m * 60);
			p += 6;
		}
	}
	if (*p)
		return -1;
	*ret_ns = ((int64_t)timegm(&tm) - off) * 1000000000 + frac;
	return 0;
}

/* --since/--until: a Unix time, an RFC 3339 date or a duration ago. */
static int
parse_time(const char *flag, const char *s, int64_t *ret_ns)
{
	struct timespec now;
	int64_t d;
	char *end;
	double secs;

	clock_gettime(CLOCK_REALTIME, &now);
	if (*s && isdigit((unsigned char)*s) && (secs = strtod(s, &end), !*end)) {
		*ret_ns = (int64_t)(secs * 1e9);
		return 0;
	}
	if (duration_parse(s, &d) == 0) {
		*ret_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - d;
		return 0;
	}
	if (parse_rfc3339(s, ret_ns) == 0)
		return 0;
	client_errorf("invalid --%s \"%s\": expected a Unix time, an RFC 3339 date or a duration like 10m", flag, s);
	return -1;
}

/* docker's text: TIME TYPE ACTION ID (k=v, ...), attributes sorted. */
static void
print_text(json_t *ev)
{
	json_t *attrs = json_object_get(json_object_get(ev, "Actor"), "Attributes");
	json_int_t ns = json_integer_value(json_object_get(ev, "timeNano"));
	time_t t = (time_t)(ns / 1000000000);
	const char **keys = calloc(json_object_size(attrs) + 1, sizeof(char *));
	const char *k;
	size_t n = 0;
	json_t *v;
	struct tm tm;
	char when[64];

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%09lldZ %s %s %s", when, (long long)(ns % 1000000000), json_string_value(json_object_get(ev, "Type")),
	       json_string_value(json_object_get(ev, "Action")),
	       json_string_value(json_object_get(json_object_get(ev, "Actor"), "ID")));
	json_object_foreach(attrs, k, v)
		if (keys)
			keys[n++] = k;
	for (size_t i = 0; keys && i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(keys[j], keys[i]) < 0) {
				const char *x = keys[i];
				keys[i] = keys[j];
				keys[j] = x;
			}
	for (size_t i = 0; i < n; i++)
		printf("%s%s=%s", i ? ", " : " (", keys[i], json_string_value(json_object_get(attrs, keys[i])));
	printf("%s\n", n ? ")" : "");
	free(keys);
}

static int
print_event(const char *line, size_t len, const char *format)
{
	json_t *ev;
	char err[256];
	char *out;

	if (format && !strcmp(format, "{{json .}}")) {
		fwrite(line, 1, len, stdout);
		putchar('\n');
		return 0;
	}
	if (!(ev = json_loadb(line, len, 0, NULL)))
		return 0;
	if (!format) {
		print_text(ev);
	} else if ((out = ps_format_render(format, ev, err, sizeof(err)))) {
		printf("%s\n", out);
		free(out);
	} else {
		client_errorf("invalid --format: %s", err);
		json_decref(ev);
		return -1;
	}
	json_decref(ev);
	return 0;
}

static int
stream(struct conn *c, const char *format)
{
	for (;;) {
		char *nl;

		while ((nl = memchr(c->buf, '\n', c->len))) {
			if (print_event(c->buf, (size_t)(nl - c->buf), format) < 0)
				return EXIT_ENGINE;
			conn_consume(c, (size_t)(nl - c->buf) + 1);
		}
		fflush(stdout);
		if (conn_fill(c) <= 0)
			return 0; /* the daemon closed: --until reached */
	}
}

int
cmd_events(int argc, char **argv)
{
	enum { OPT_SINCE = 256, OPT_UNTIL, OPT_FORMAT };
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE }, { "until", required_argument, NULL, OPT_UNTIL },
		{ "filter", required_argument, NULL, 'f' }, { "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	json_t *params = json_object(), *result = NULL;
	const char *format = NULL;
	struct conn c;
	int64_t ns;
	int opt, rc;

	while ((opt = client_opt_get(&argc, argv, "f:h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SINCE: case OPT_UNTIL:
			if (parse_time(opt == OPT_SINCE ? "since" : "until", optarg, &ns) < 0) {
				json_decref(params);
				return EXIT_ENGINE;
			}
			json_object_set_new(params, opt == OPT_SINCE ? "since" : "until", json_integer(ns > 0 ? ns : 1));
			break;
		case 'f': client_append(params, "filters", optarg); break;
		case OPT_FORMAT: format = optarg; break;
		case 'h': client_usage_exit(events_usage, 0);
		default: json_decref(params); client_usage_exit(events_usage, EXIT_ENGINE);
		}
	}
	if (optind != argc) {
		json_decref(params);
		client_usage_exit(events_usage, EXIT_ENGINE);
	}
	if (conn_open(&c) < 0) {
		json_decref(params);
		return 1;
	}
	if (conn_call(&c, "events", params, &result) < 0) {
		conn_close(&c);
		return EXIT_ENGINE;
	}
	json_decref(result);
	rc = stream(&c, format);
	conn_close(&c);
	return rc;
}
