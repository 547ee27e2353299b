/* lite-docker-api: POST /build, the classic builder's API. The body is
 * the context tar (plain or compressed); lite-build (lite build's
 * builder, client/build*.c) runs it as `lite-build build --progress plain
 * ... -` with the body on its stdin, as the caller this process already
 * is, so RUN steps are the caller's containers under the caller's
 * authorization, user namespace and limits: no second builder and no
 * second image model. Its output becomes Docker's {"stream": ...} lines;
 * the image id an {"aux":{"ID":...}} line; a failure an errorDetail line
 * (a failed RUN with its exit code, as Docker's, so `docker build` exits
 * with it). */
#include "docker-api.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "docker-progress.h"
#include "strv.h"

/* lite-build: next to this program (installed, both in libexecdir), in a
 * build tree's client/, else libexecdir. */
static void
builder_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		snprintf(buf, len, "%s/lite-build", dirname(self));
		if (access(buf, X_OK) == 0)
			return;
		snprintf(buf, len, "%s/../client/lite-build", self);
		if (access(buf, X_OK) == 0)
			return;
	}
	snprintf(buf, len, "%s/lite-build", LITE_LIBEXECDIR);
}

static void
push(char ***argv, const char *s)
{
	size_t n = strv_length(*argv);
	char **nv = realloc(*argv, (n + 2) * sizeof(char *));

	if (!nv)
		return;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	*argv = nv;
}

static void
add(char ***argv, const char *a, const char *b)
{
	push(argv, a);
	if (b)
		push(argv, b);
}

static void
add_kv(char ***argv, const char *flag, const char *key, const char *value)
{
	char *kv = NULL;

	if (asprintf(&kv, "%s=%s", key, value) >= 0)
		add(argv, flag, kv);
	free(kv);
}

/* A JSON object query param (buildargs, labels) as repeated KEY=VALUE
 * flags; -1 when it is not an object of strings. */
static int
add_json(char ***argv, const struct http_req *r, const char *name, const char *flag)
{
	const char *text = http_query(r, name), *k;
	json_t *obj, *v;

	if (!text || !*text)
		return 0;
	obj = json_loads(text, 0, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return -1;
	}
	json_object_foreach(obj, k, v)
		if (json_is_string(v))
			add_kv(argv, flag, k, json_string_value(v));
	json_decref(obj);
	return 0;
}

/* Query params Docker's classic builder has and lite's does not: refused
 * when they ask for something (a non-zero, non-empty value). */
static const char *
unsupported(const struct http_req *r)
{
	static const char *const names[] = { "remote", "squash", "extrahosts", "isolation", "outputs", "cpusetcpus",
					     "cpusetmems", "cgroupparent", "shmsize", "memory", "memswap", "cpushares",
					     "cpuperiod", "cpuquota", "ulimits", "session" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = http_query(r, names[i]);

		if (v && *v && strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "[]") && strcmp(v, "null") &&
		    strcmp(v, "{}"))
			return names[i];
	}
	return NULL;
}

/* lite-build's arguments from the query; NULL and a message on a bad one. */
static char **
build_args(struct api *a, char *msg, size_t len)
{
	const char *df = http_query(a->r, "dockerfile"), *target = http_query(a->r, "target");
	const char *net = http_query(a->r, "networkmode"), *bad = unsupported(a->r);
	json_t *tags = http_query_all(a->r, "t"), *t;
	char **argv = NULL;
	size_t i;

	if (bad) {
		snprintf(msg, len, "build: %s is not supported by lite's builder", bad);
		return NULL;
	}
	add(&argv, "lite-build", "build");
	add(&argv, "--progress", "plain");
	json_array_foreach(tags, i, t)
		if (*json_string_value(t))
			add(&argv, "-t", json_string_value(t));
	if (df && *df)
		add(&argv, "-f", df);
	if (target && *target)
		add(&argv, "--target", target);
	if (net && *net && strcmp(net, "default"))
		add(&argv, "--network", net);
	if (http_query_bool(a->r, "nocache", false))
		add(&argv, "--no-cache", NULL);
	if (http_query_bool(a->r, "pull", false))
		add(&argv, "--pull", NULL);
	if (http_query_bool(a->r, "q", false))
		add(&argv, "-q", NULL);
	if (add_json(&argv, a->r, "buildargs", "--build-arg") < 0 || add_json(&argv, a->r, "labels", "--label") < 0) {
		snprintf(msg, len, "build: buildargs and labels must be JSON objects of strings");
		strv_free(argv);
		return NULL;
	}
	add(&argv, "-", NULL);
	return argv;
}

struct run {
	pid_t pid;
	int in, out;               /* lite-build's stdin (we write), stdout+stderr (we read) */
	char line[65536];
	size_t len;
	char *held;                /* a "lite: " line: the error if it is the last */
	char built[80];            /* "Successfully built ID", or -q's "sha256:..." line */
	bool stopped;              /* SIGTERM sent: the client left */
};

static pid_t
spawn(char **argv, int *in, int *out)
{
	char path[PATH_MAX + 32], *host = NULL;
	int pin[2], pout[2];
	pid_t pid;

	builder_path(path, sizeof(path));
	if (pipe2(pin, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pout, O_CLOEXEC) < 0) {
		close(pin[0]);
		close(pin[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 || dup2(pout[1], 2) < 0)
			_exit(127);
		/* not the client's connection (fd 3, not close-on-exec) */
		close_range(3, ~0U, 0);
		/* the daemon's socket, not whatever LITE_HOST the daemon's
		 * environment holds (lite-build defaults to /run/lite.sock) */
		if (asprintf(&host, "unix://%s", docker_lite_socket()) < 0 || setenv("LITE_HOST", host, 1) < 0)
			_exit(127);
		execv(path, argv);
		dprintf(2, "lite: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	if (pid < 0) {
		close(pin[1]);
		close(pout[0]);
		return -1;
	}
	*in = pin[1];
	*out = pout[0];
	return pid;
}

/* One line of lite-build's output (NUL-terminated, with its '\n'). */
static void
on_line(struct docker_progress *p, struct run *r, const char *line)
{
	if (r->held) {
		docker_progress_stream(p, r->held);
		free(r->held);
		r->held = NULL;
	}
	if (!strncmp(line, "Successfully built ", 19))
		snprintf(r->built, sizeof(r->built), "%.*s", (int)strcspn(line + 19, "\n"), line + 19);
	else if (!strncmp(line, "sha256:", 7) && strlen(line) == 7 + 64 + 1)
		snprintf(r->built, sizeof(r->built), "%.71s", line);
	if (!strncmp(line, "lite: ", 6) && !strstr(line, "lite: warning") && !strstr(line, "lite: note"))
		r->held = strdup(line);
	else
		docker_progress_stream(p, line);
}

/* Until lite-build's output ends. The client leaving (docker build
 * interrupted: the connection closes) stops the build as SIGTERM stops
 * `lite build`: its RUN container is removed. */
static void
read_output(struct docker_progress *p, struct run *r)
{
	for (;;) {
		struct pollfd fds[2] = { { .fd = r->out, .events = POLLIN },
					 { .fd = r->stopped ? -1 : p->c->fd, .events = POLLRDHUP } };
		ssize_t n;
		char *nl;

		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & (POLLRDHUP | POLLHUP | POLLERR))
			p->gone = true;
		if (p->gone && !r->stopped) {
			kill(r->pid, SIGTERM);
			r->stopped = true;
		}
		if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(r->out, r->line + r->len, sizeof(r->line) - 1 - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r->len += (size_t)n;
		r->line[r->len] = '\0';
		while ((nl = memchr(r->line, '\n', r->len))) {
			char save = nl[1];

			nl[1] = '\0';
			on_line(p, r, r->line);
			nl[1] = save;
			memmove(r->line, nl + 1, r->len - (size_t)(nl + 1 - r->line));
			r->len -= (size_t)(nl + 1 - r->line);
			r->line[r->len] = '\0';
		}
		if (r->len == sizeof(r->line) - 1) {   /* a long line without end: pass it on */
			on_line(p, r, r->line);
			r->len = 0;
		}
	}
	if (r->len) {
		r->line[r->len] = '\0';
		on_line(p, r, r->line);
		r->len = 0;
	}
}

/* lite-build's error line in Docker's words: "lite: Dockerfile:3: RUN: the
 * command '...' returned a non-zero code: 3" -> "The command '...'
 * returned a non-zero code: 3" (and the code). */
static void
fail_line(struct docker_progress *p, const char *held, int status)
{
	char msg[4096];
	const char *cmd = held ? strstr(held, "the command '") : NULL, *code = cmd ? strstr(cmd, "non-zero code: ") : NULL;
	int exit_code = 0;
	size_t n;

	if (cmd && code) {
		snprintf(msg, sizeof(msg), "T%s", cmd + 1);
		exit_code = atoi(code + strlen("non-zero code: "));
	} else if (held) {
		snprintf(msg, sizeof(msg), "%s", held + strlen("lite: "));
	} else {
		snprintf(msg, sizeof(msg), "the build failed (lite-build exit status %d)", status);
	}
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	docker_progress_error(p, 500, exit_code, msg);
}

/* The docker CLI, for a Dockerfile outside the context (`docker build -f
 * ../Dockerfile .`), appends it to the context tar without the entry's
 * padding and without the end-of-archive blocks (Go's reader takes that;
 * libarchive calls it truncated). A plain tar body gets both: zeros to
 * the next 512-byte block and two zero blocks (more zeros after a
 * complete archive are ignored). A compressed body is passed as it is. */
static void
pad_tar(int fd, const unsigned char *head, uint64_t total)
{
	static const unsigned char zeros[512 + 1024];
	bool compressed = (head[0] == 0x1f && head[1] == 0x8b) || !memcmp(head, "BZh", 3) ||
			  !memcmp(head, "\xfd" "7zXZ", 5) || !memcmp(head, "\x28\xb5\x2f\xfd", 4);

	if (!total || compressed)
		return;
	(void)http_write_all(fd, zeros, (size_t)((512 - total % 512) % 512) + 1024);
}

/* The built image's full id (aux ID) from what lite-build printed. */
static void
send_id(struct docker_progress *p, const char *built)
{
	struct docker_err err;
	json_t *res = NULL;

	if (!*built || docker_lite_call("image_inspect", json_pack("{s:s}", "image", built), &res, &err) < 0)
		return;
	if (json_string_value(json_object_get(res, "Id")))
		docker_progress_line(p, json_pack("{s:{s:O}}", "aux", "ID", json_object_get(res, "Id")));
	json_decref(res);
}

/* POST /build */
int
api_build(struct api *a)
{
	struct docker_progress p = { .c = a->c };
	struct run r = { .in = -1, .out = -1 };
	char msg[512], buf[65536];
	char **argv;
	int status = 0;
	bool body_ok = true;
	unsigned char head[8] = { 0 };
	uint64_t total = 0;
	ssize_t n;

	if (!(argv = build_args(a, msg, sizeof(msg))))
		return http_send_error(a->c, 400, "%s", msg), 0;
	r.pid = spawn(argv, &r.in, &r.out);
	strv_free(argv);
	if (r.pid < 0)
		return http_send_error(a->c, 500, "build: cannot start lite-build: %s", strerror(errno)), 0;
	/* lite-build reads the whole context before it says anything */
	while ((n = http_read_body(a->c, a->r, buf, sizeof(buf))) > 0) {
		if (!total)
			memcpy(head, buf, (size_t)n < sizeof(head) ? (size_t)n : sizeof(head));
		total += (uint64_t)n;
		if (body_ok && http_write_all(r.in, buf, (size_t)n) < 0)
			body_ok = false;   /* it stopped reading: its output says why */
	}
	if (body_ok && n == 0)
		pad_tar(r.in, head, total);
	close(r.in);
	docker_progress_line(&p, NULL);
	read_output(&p, &r);
	close(r.out);
	while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n < 0) {
		free(r.held);
		docker_progress_error(&p, 400, 0, "build: the context ended early");
		docker_progress_end(&p);
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (r.held)
			docker_progress_stream(&p, r.held);
		send_id(&p, r.built);
	} else {
		fail_line(&p, r.held, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	free(r.held);
	docker_progress_end(&p);
	return 0;
}
