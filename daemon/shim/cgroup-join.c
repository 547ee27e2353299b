/* Putting the container's init into its cgroups without the kernel's
 * global lock. A write of another process's pid to cgroup.procs takes
 * cgroup_threadgroup_rwsem for writing, which waits for an RCU grace
 * period: 5-20 ms of every start on a busy host. Two ways avoid it:
 *
 *   v2  clone3 with CLONE_INTO_CGROUP: the child is born in the cgroup
 *       (the fork path takes the lock for reading only);
 *   v1  the child, single-threaded, writes "0" to each hierarchy's
 *       "tasks" file: a thread moving itself skips the global lock. The
 *       files are opened by the shim (host root) before clone3; the kernel
 *       checks the opener's credentials, so this works in a user
 *       namespace too.
 *
 * The child tells the shim over the set-up socket whether it got in; if
 * not, the shim falls back to writing the pid (rootfs-prepare.c). */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* DIR of ".../DIR/cgroup.procs" into buf, with "/" + leaf appended. */
static int
sibling(const char *procs, const char *leaf, char *buf, size_t len)
{
	const char *slash = strrchr(procs, '/');
	int n;

	if (!slash || strcmp(slash + 1, "cgroup.procs") != 0)
		return -EINVAL;
	n = snprintf(buf, len, "%.*s%s%s", (int)(slash - procs), procs, *leaf ? "/" : "", leaf);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void
cgroup_join_open(const struct shim_config *c, struct cgroup_join *j)
{
	char path[PATH_MAX];
	size_t n = 0;

	*j = (struct cgroup_join){ .v2_fd = -1 };
	for (char **p = c->cgroup_procs; p && *p; p++, n++) {
		if (n >= CGROUP_JOIN_MAX || sibling(*p, "tasks", path, sizeof(path)) < 0)
			goto slow;
		j->tasks_fds[n] = open(path, O_WRONLY | O_CLOEXEC);
		if (j->tasks_fds[n] >= 0)
			continue;
		/* no tasks file: the one v2 hierarchy */
		if (errno != ENOENT || n > 0 || p[1] || sibling(*p, "", path, sizeof(path)) < 0)
			goto slow;
		j->v2_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (j->v2_fd < 0)
			goto slow;
		return;
	}
	j->n_tasks = n;
	j->fast = n > 0;
	return;
slow:
	j->n_tasks = n;
	cgroup_join_close(j);
}

bool
cgroup_join_self(struct cgroup_join *j)
{
	if (!j->fast)
		return false;
	for (size_t i = 0; i < j->n_tasks; i++)
		if (write(j->tasks_fds[i], "0", 1) != 1)
			return false;
	return true;
}

void
cgroup_join_close(struct cgroup_join *j)
{
	for (size_t i = 0; i < j->n_tasks; i++)
		if (j->tasks_fds[i] >= 0)
			close(j->tasks_fds[i]);
	if (j->v2_fd >= 0)
		close(j->v2_fd);
	*j = (struct cgroup_join){ .v2_fd = -1 };
}

void
cgroup_join_report(int sock, bool joined)
{
	char byte = joined ? 'j' : 'n';

	(void)!send(sock, &byte, 1, MSG_NOSIGNAL);
}

int
cgroup_join_wait(int sock, bool *joined)
{
	char byte;
	ssize_t n;

	do
		n = recv(sock, &byte, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return n < 0 ? -errno : -EPIPE;
	*joined = byte == 'j';
	return 0;
}
