/* lite top: the daemon lists the host PIDs in the container's cgroup; the
 * host's ps runs here, as the user, with the user's options (default -ef),
 * and only its header and the rows whose PID column is one of them are
 * printed, as docker top does on its daemon. */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char top_usage[] =
	"Usage: lite top CONTAINER [ps OPTIONS]\n\nShow a container's processes, with host PIDs (ps -ef by default).\n";

/* The index of the whitespace-separated field named "PID" in header. */
static int
pid_column(const char *header)
{
	char *copy = strdup(header), *save = NULL;
	int i = 0, found = -1;

	for (char *f = copy ? strtok_r(copy, " \t\n", &save) : NULL; f; f = strtok_r(NULL, " \t\n", &save), i++)
		if (strcmp(f, "PID") == 0 && found < 0)
			found = i;
	free(copy);
	return found;
}

static long
field_at(const char *line, int col)
{
	char *copy = strdup(line), *save = NULL, *f;
	long v = -1;
	int i = 0;

	for (f = copy ? strtok_r(copy, " \t\n", &save) : NULL; f && i < col; f = strtok_r(NULL, " \t\n", &save))
		i++;
	if (f)
		v = strtol(f, NULL, 10);
	free(copy);
	return v;
}

static bool
listed(json_t *pids, long pid)
{
	json_t *e;
	size_t i;

	json_array_foreach(pids, i, e)
		if (json_integer_value(e) == pid)
			return true;
	return false;
}

/* Run ps with args; its output in *ret (caller frees). */
static int
run_ps(char **args, int nargs, char **ret)
{
	char **argv = calloc((size_t)nargs + 3, sizeof(char *)), *buf = NULL;
	size_t len = 0;
	int fds[2], status;
	pid_t pid;
	FILE *f;

	if (!argv || pipe2(fds, O_CLOEXEC) < 0) {
		free(argv);
		return -1;
	}
	argv[0] = "ps";
	if (nargs == 0)
		argv[1] = "-ef";
	for (int i = 0; i < nargs; i++)
		argv[1 + i] = args[i];
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execvp("ps", argv);
		fprintf(stderr, "lite: run ps: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	free(argv);
	f = fdopen(fds[0], "r");
	if (!f) {
		close(fds[0]);
		return -1;
	}
	{
		FILE *m = open_memstream(&buf, &len);
		char chunk[4096];
		size_t n;

		while (m && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, m);
		if (m)
			fclose(m);
	}
	fclose(f);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !buf) {
		free(buf);
		return -1;
	}
	*ret = buf;
	return 0;
}

int
cmd_top(int argc, char **argv)
{
	json_t *params, *result = NULL, *pids;
	char *out = NULL, *save = NULL;
	int col = -1;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		client_usage_exit(top_usage, argc < 2 ? 1 : 0);
	params = json_pack("{s:s}", "id", argv[1]);
	if (client_call_once("top", params, &result) < 0)
		return 1;
	pids = json_object_get(result, "pids");
	if (run_ps(argv + 2, argc - 2, &out) < 0) {
		client_errorf("ps failed (options: %s)", argc > 2 ? "as given" : "-ef");
		json_decref(result);
		return 1;
	}
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (col < 0) {
			if ((col = pid_column(line)) < 0) {
				client_errorf("couldn't find the PID field in the ps output");
				free(out);
				json_decref(result);
				return 1;
			}
			printf("%s\n", line);
			continue;
		}
		if (listed(pids, field_at(line, col)))
			printf("%s\n", line);
	}
	free(out);
	json_decref(result);
	return 0;
}
