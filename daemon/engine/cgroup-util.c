/* The cgroup primitives every cgroup file uses: path joining, knob writes,
 * killing what is left in a cgroup and removing a cgroup tree. Modelled on
 * crun's cgroup-utils.c: the v1 and v2 back ends share these instead of
 * calling back into the dispatcher (cgroup.c).
 *
 * Safety: writes, signals and removes only at the directories its callers
 * pass, which they computed with cgroup_values_dir() (see the invariants in
 * cgroup.c), and below them. Only pids read from a cgroup.procs there are
 * signalled, never our own. */
#include "cgroup-util.h"

#include "cleanup.h"
#include "fs-util.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RMDIR_TRIES    100
#define RMDIR_SLEEP_US 10000 /* 100 x 10 ms: about 1 s while the kernel reaps */

int
cgroup_util_path(char *buf, size_t len, const char *dir, const char *file)
{
	int n = snprintf(buf, len, "%s/%s", dir, file);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
cgroup_util_write_knob(const char *dir, const char *file, const char *value, struct lite_err *err)
{
	char path[PATH_MAX];
	int r;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return lite_err_set(err, ENAMETOOLONG, "write %s = %s: path too long", file, value);
	r = fs_write_string(path, value);
	if (r < 0)
		return lite_err_sys(err, -r, "write %s = %s", file, value);
	return 0;
}

int
cgroup_util_write_u64(const char *dir, const char *file, uint64_t v, struct lite_err *err)
{
	char val[32];

	snprintf(val, sizeof(val), "%" PRIu64, v);
	return cgroup_util_write_knob(dir, file, val, err);
}

int
cgroup_util_kill_procs(const char *dir)
{
	_cleanup_free_ char *content = NULL;
	char path[PATH_MAX];
	pid_t self = getpid();
	int n = 0, r;

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	r = fs_read_file(path, &content, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (char *p = content, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0 && pid != self && kill((pid_t)pid, SIGKILL) == 0)
			n++;
	}
	return n;
}

static void
kill_level(const char *dir, bool use_kill_file)
{
	if (use_kill_file && cgroup_util_write_knob(dir, "cgroup.kill", "1", NULL) == 0)
		return;
	cgroup_util_kill_procs(dir);
}

/* Retries rmdir on EBUSY while the kernel reaps. A missing dir is fine. */
int
cgroup_util_remove_tree(const char *dir, bool use_kill_file, struct lite_err *err)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	kill_level(dir, use_kill_file);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : lite_err_sys(err, errno, "open cgroup %s", dir);
	while (r == 0 && (de = readdir(d))) {
		char child[PATH_MAX];

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", dir, de->d_name) >= (int)sizeof(child))
			r = lite_err_set(err, ENAMETOOLONG, "remove cgroup %s/%s: path too long", dir, de->d_name);
		else
			r = cgroup_util_remove_tree(child, use_kill_file, err);
	}
	closedir(d);
	if (r < 0)
		return r;
	for (int i = 0;; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || i + 1 >= RMDIR_TRIES)
			return lite_err_sys(err, errno, "remove cgroup %s", dir);
		kill_level(dir, use_kill_file);
		usleep(RMDIR_SLEEP_US);
	}
}
