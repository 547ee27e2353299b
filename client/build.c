/* lite build: its output. Progress on stdout (nothing with -q): with
 * --progress plain, Docker's classic form ("Step N/M : ...", " ---> ID",
 * RUN's output); with tty, one line per step ("[N/M] INSTRUCTION  CACHED").
 * Errors on stderr, naming the Dockerfile's line and instruction. A leaf:
 * every other build file reports through it. */
#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool say_quiet;
static bool line_open;   /* a tty step line waits for its end */

void
build_set_quiet(bool quiet)
{
	say_quiet = quiet;
}

static bool
plain(const struct build *b)
{
	return !b || b->o->progress == BUILD_PROGRESS_PLAIN;
}

void
build_say_step(const struct build *b, const char *text)
{
	if (say_quiet)
		return;
	if (plain(b))
		printf("Step %u/%u : %s\n", b->step, b->steps, text);
	else
		printf("[%u/%u] %s", b->step, b->steps, text);
	line_open = !plain(b);
	fflush(stdout);
}

void
build_say_break(void)
{
	if (line_open)
		putchar('\n');
	line_open = false;
	fflush(stdout);
}

void
build_say_image(const struct build *b, const char *id, bool cached)
{
	const char *hex = strchr(id, ':') ? strchr(id, ':') + 1 : id;

	if (say_quiet)
		return;
	if (plain(b))
		printf("%s ---> %.12s\n", cached ? " ---> Using cache (CACHED)\n" : "", hex);
	else
		printf("%s\n", cached ? "  CACHED" : "");
	line_open = false;
	fflush(stdout);
}

void
build_say(const struct build *b, const char *fmt, ...)
{
	va_list ap;

	if (say_quiet || !plain(b))
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

	build_say_break();
	if (b && b->trigger)
		fprintf(stderr, "lite: Dockerfile:%u: FROM: ONBUILD trigger '%s': ", b->trigger_line, b->trigger);
	else if (b && b->instr)
		fprintf(stderr, "lite: Dockerfile:%u: %s: ", b->instr->line, b->instr->keyword);
	else
		fputs("lite: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

