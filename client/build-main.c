/* lite-build: the builder behind `lite build` and `lite builder prune`
 * (cmd-build-exec.c runs it with lite's arguments: argv[1] is "build" or
 * "builder"; the socket in LITE_HOST). See build.h. */
#include "build.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "str-util.h"

int
main(int argc, char **argv)
{
	const char *host = getenv("LITE_HOST");

	signal(SIGPIPE, SIG_IGN);
	if (host && str_has_prefix(host, "unix://"))
		client_host = host + strlen("unix://");
	if (argc >= 2 && !strcmp(argv[1], "build"))
		return cmd_build_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "builder"))
		return cmd_build_prune(argc - 1, argv + 1);
	client_errorf("lite-build is run by lite: use 'lite build' or 'lite builder prune'");
	return EXIT_ENGINE;
}
