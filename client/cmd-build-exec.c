/* lite build and lite builder: run lite-build, the builder program. The
 * builder links libarchive (the context and the layers' tars); lite does
 * not, so that every other command starts without loading it (issue 14).
 * lite-build is found next to lite (a build tree), else in libexecdir; it
 * gets the same arguments, and the socket through LITE_HOST. */
#include "client.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static int
exec_builder(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 16], host[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char **args = calloc((size_t)argc + 2, sizeof(char *));

	if (!args)
		return EXIT_ENGINE;
	path[0] = '\0';
	if (n > 0) {
		self[n] = '\0';
		snprintf(path, sizeof(path), "%s/lite-build", dirname(self));
	}
	if (!path[0] || access(path, X_OK) < 0)
		snprintf(path, sizeof(path), "%s/lite-build", LITE_LIBEXECDIR);
	snprintf(host, sizeof(host), "unix://%s", client_host);
	setenv("LITE_HOST", host, 1);
	args[0] = "lite-build";
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	execv(path, args);
	client_errorf("cannot run %s: %s", path, strerror(errno));
	free(args);
	return EXIT_ENGINE;
}

int
cmd_build(int argc, char **argv)
{
	return exec_builder(argc, argv);
}

int
cmd_builder(int argc, char **argv)
{
	return exec_builder(argc, argv);
}
