/* lite-docker-api: GET /containers/{id}/top — the host's ps (ps_args,
 * default -ef), run as the caller, its rows whose PID is one of the
 * container's (lite's top), as Docker does. */
#include "docker-ctr.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The host's ps ARGS (split on blanks), its output in out. */
static int
run_ps(const char *args, char **out)
{
	char *copy = strdup(args), *argv[34] = { "ps" }, *save = NULL;
	size_t argc = 1, len = 0, cap = 0;
	int pfd[2], status;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	*out = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w && argc < 33; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	if (pipe(pfd) < 0 || (pid = fork()) < 0) {
		free(copy);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execvp("ps", argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n <= 0)
			continue;
		if (len + (size_t)n + 1 > cap) {
			char *nb = realloc(*out, cap = (len + (size_t)n + 1) * 2);

			if (!nb)
				break;
			*out = nb;
		}
		memcpy(*out + len, buf, (size_t)n);
		len += (size_t)n;
		(*out)[len] = '\0';
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	free(copy);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && *out ? 0 : -1;
}

/* A ps line's fields: the last one keeps the rest of the line. */
static json_t *
fields(char *line, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n && *line; i++) {
		while (isspace((unsigned char)*line))
			line++;
		if (!*line)
			break;   /* trailing blanks */
		char *end = line;

		if (i + 1 < n)
			while (*end && !isspace((unsigned char)*end))
				end++;
		else
			end += strlen(end);
		json_array_append_new(a, json_stringn(line, (size_t)(end - line)));
		line = end;
	}
	return a;
}

static bool
has_pid(json_t *pids, const char *s)
{
	size_t i;
	json_t *p;

	json_array_foreach(pids, i, p)
		if (json_integer_value(p) == atoll(s))
			return true;
	return false;
}

int
api_container_top(struct api *a)
{
	const char *args = http_query(a->r, "ps_args");
	struct docker_err err;
	json_t *res = NULL, *titles, *procs;
	char *out = NULL, *save = NULL, *line;
	long pid_col = -1;
	size_t i;
	json_t *t;

	if (docker_lite_call("top", json_pack("{s:s}", "id", a->arg), &res, &err) < 0) {
		if (err.status == 400)
			err.status = 409;   /* Docker: 409 for a container that does not run */
		return docker_ctr_fail(a, &err);
	}
	if (run_ps(args && *args ? args : "-ef", &out) < 0) {
		free(out);
		json_decref(res);
		return http_send_error(a->c, 500, "ps %s failed", args && *args ? args : "-ef"), 0;
	}
	line = strtok_r(out, "\n", &save);
	titles = fields(line, SIZE_MAX);
	json_array_foreach(titles, i, t)
		if (!strcmp(json_string_value(t), "PID"))
			pid_col = (long)i;
	if (pid_col < 0) {
		free(out);
		json_decref(res);
		json_decref(titles);
		return http_send_error(a->c, 500, "Couldn't find PID field in ps output"), 0;
	}
	procs = json_array();
	while ((line = strtok_r(NULL, "\n", &save))) {
		json_t *row = fields(line, json_array_size(titles));

		if (has_pid(json_object_get(res, "pids"), json_string_value(json_array_get(row, (size_t)pid_col)) ?: "-1"))
			json_array_append_new(procs, row);
		else
			json_decref(row);
	}
	free(out);
	json_decref(res);
	return http_send_json(a->c, 200, json_pack("{s:o,s:o}", "Titles", titles, "Processes", procs)), 0;
}
