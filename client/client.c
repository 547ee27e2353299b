/* What every part of the client shares: error messages, usage, and adding
 * a flag's value to a request's array param. A leaf: the connection
 * (conn.c) reports its errors through it. */
#include "client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
client_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("lite: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
client_usage_exit(const char *usage, int code)
{
	fputs(usage, code ? stderr : stdout);
	exit(code);
}

void
client_append(json_t *params, const char *key, const char *value)
{
	json_t *a = json_object_get(params, key);

	if (!a) {
		a = json_array();
		json_object_set_new(params, key, a);
	}
	json_array_append_new(a, json_string(value));
}

void
client_no_options(int *argc, char ***argv, const char *usage)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	char **v = *argv;
	int c;

	optind = 0;
	while ((c = client_opt_get(argc, v, "h", opts, NULL)) != -1)
		client_usage_exit(usage, c == 'h' ? 0 : EXIT_ENGINE);
	/* the arguments getopt moved after the options, as argv[1..] */
	v[optind - 1] = v[0];
	*argv = v + optind - 1;
	*argc -= optind - 1;
	optind = 1;
}
