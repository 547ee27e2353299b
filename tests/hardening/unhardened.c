/* A program built WITHOUT the hardening (see meson.build here): the
 * hardening check must reject it, or it could not fail at all. It uses a
 * local buffer (a canary site under -fstack-protector-strong) and snprintf
 * (__snprintf_chk under _FORTIFY_SOURCE). */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", argc > 1 ? argv[1] : "");
	return (int)strlen(buf) > 1000;
}
