/* lite build: its output. Progress on stdout (nothing with -q), errors
 * on stderr naming the Dockerfile's line and instruction. A leaf: every
 * other build file reports through it. */
#include "build.h"

#include <stdarg.h>
#include <stdio.h>

static bool say_quiet;

void
build_set_quiet(bool quiet)
{
	say_quiet = quiet;
}

void
build_say(const struct build *b, const char *fmt, ...)
{
	va_list ap;

	(void)b;
	if (say_quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

int
build_fail(const struct build *b, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (b && b->instr)
		fprintf(stderr, "lite: Dockerfile:%u: %s: ", b->instr->line, b->instr->keyword);
	else
		fputs("lite: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

