/* What every part of the client shares: error messages and usage. A leaf:
 * the connection (conn.c) reports its errors through it. */
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
