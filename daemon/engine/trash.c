/* Deleting container and volume directories off the loop. Their content is
 * their user's (400,000 files, a 30,000-deep chain): deleting it on the
 * event loop froze every other client for seconds. The tree is renamed
 * into DATA_ROOT/tmp/gc-* (atomic: gone from the table's point of view and
 * after a crash), up to TRASH_BUDGET entries are deleted at once (the
 * usual small container costs no process), and a child process deletes
 * the rest. The daemon ignores SIGCHLD: the kernel reaps it. The child
 * dies with the daemon (a new one sweeps tmp/gc-* at start).
 *
 * Safety: only paths trash_move made, below DATA_ROOT/tmp, are deleted;
 * the walk (common/fs-walk.c) follows no symlink and enters no mount. */
#include "trash.h"

#include <dirent.h>
#include <errno.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ctr.h"
#include "fs-walk.h"
#include "log.h"
#include "str-util.h"

#define TRASH_BUDGET 1000

int
trash_move(const char *data_root, const char *path, const char *kind, char *out, size_t len)
{
	char rnd[65];

	ctr_generate_id(rnd);
	if (snprintf(out, len, "%s/tmp/gc-%s-%.16s", data_root, kind, rnd) >= (int)len)
		return -ENAMETOOLONG;
	return rename(path, out) < 0 ? -errno : 0;
}

static void
delete_logged(const char *path, size_t budget)
{
	int r = fs_walk_rm(path, budget);

	if (r < 0 && r != -EAGAIN)
		log_warnx("delete %s: %s (retried at the next start)", path, strerror(-r));
}

void
trash_delete(const char *path)
{
	static const int dfl[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2 };
	pid_t parent = getpid(), pid;
	int r = fs_walk_rm(path, TRASH_BUDGET);

	if (r != -EAGAIN) {
		if (r < 0)
			log_warnx("delete %s: %s (retried at the next start)", path, strerror(-r));
		return;
	}
	pid = fork();
	if (pid < 0) {
		log_warn("delete %s: fork (retried at the next start)", path);
		return;
	}
	if (pid > 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(0);
	syscall(SYS_close_range, 3, ~0U, 0); /* no client connection, lock or pipe held by this child */
	for (size_t i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
		signal(dfl[i], SIG_DFL); /* not the daemon's handlers */
	delete_logged(path, 0);
	_exit(0);
}

void
trash_sweep(const char *data_root)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (snprintf(tmp, sizeof(tmp), "%s/tmp", data_root) >= (int)sizeof(tmp) || !(d = opendir(tmp)))
		return;
	while ((de = readdir(d)))
		if (str_has_prefix(de->d_name, "gc-") &&
		    snprintf(path, sizeof(path), "%s/%s", tmp, de->d_name) < (int)sizeof(path))
			delete_logged(path, 0);
	closedir(d);
}
