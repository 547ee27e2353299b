/* A non-root caller's host bind sources, checked at create with the
 * caller's own credentials, so that a bind the caller cannot open is
 * refused before anything is made (Docker validates bind sources at
 * create, and `docker run --rm` expects a refusal there: exit 125, no
 * container left).
 *
 * This is a check only: the shim still opens each source as the caller
 * when the container starts (daemon/shim/caller-open.c) and mounts that
 * very fd, so a path changed between create and start is caught there.
 * The rules and messages are the shim's: no symlink in the path, only
 * files and directories, write access for a read-write bind.
 *
 * The daemon's loop waits for the child, so never long: a path that does
 * not answer within BIND_CHECK_MS (a hung NFS server, a user's FUSE file
 * system that never replies) kills the child and leaves the decision to
 * the shim at start, which opens it off the loop. */
#include "bind-check.h"

#include "caller-path.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BIND_CHECK_MS 1000

/* In the child: 0 or -errno, by the shim's rules (caller-path.c). */
static int
check_as_caller(const struct userns_caller *who, const char *src, bool readonly)
{
	int fd;

	if (setgroups((size_t)who->n_groups, who->groups) < 0 || setgid(who->gid) < 0 || setuid(who->uid) < 0)
		return -EPERM;
	return caller_path_open(src, readonly, &fd);
}

/* The child's answer over a pipe (the daemon ignores SIGCHLD, so the
 * kernel reaps the child and its exit status is not there to read);
 * -ETIMEDOUT when it has none within ms. */
static int
check_one(const struct userns_caller *who, const char *src, bool readonly, int ms)
{
	struct pollfd pfd1;
	int pfd[2], r = -EIO, pr;
	ssize_t n = -1;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		close(pfd[0]);
		r = check_as_caller(who, src, readonly);
		_exit(write(pfd[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(pfd[1]);
	pfd1 = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	do
		pr = poll(&pfd1, 1, ms);
	while (pr < 0 && errno == EINTR);
	if (pr == 0) {
		kill(pid, SIGKILL);
		close(pfd[0]);
		return -ETIMEDOUT;
	}
	do
		n = read(pfd[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	return n == sizeof(r) ? r : -EIO;
}

static int
explain(const char *src, int r, struct lite_err *err)
{
	char msg[512];

	caller_path_explain(src, r, msg, sizeof(msg));
	return lite_err_set(err, r == -ELOOP || r == -EISDIR ? EINVAL : r == -ENOENT ? ENOENT : EACCES, "%s", msg);
}

int
bind_check_caller(const struct ctr_spec *s, struct lite_err *err)
{
	struct timespec t0, t1;
	size_t i;
	json_t *m;

	if (s->owner_uid == 0)
		return 0;
	if (s->caller.uid == 0 || s->caller.n_groups < 0)
		return lite_err_set(err, EPERM, "bind sources: the caller's credentials are unknown");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	json_array_foreach(s->mounts, i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *vol = json_string_value(json_object_get(m, "volume"));
		const char *src = json_string_value(json_object_get(m, "source"));
		long left;
		int r;

		if (!type || strcmp(type, "bind") != 0 || (vol && vol[0]) || !src)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = BIND_CHECK_MS - ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;   /* out of time: the shim checks the rest at start */
		r = check_one(&s->caller, src, json_is_true(json_object_get(m, "readonly")), (int)left);
		if (r == -ETIMEDOUT)
			return 0;
		if (r < 0)
			return explain(src, r, err);
	}
	return 0;
}
