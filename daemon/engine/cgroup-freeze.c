/* Pausing a container: the v1 freezer hierarchy (ROOT/freezer/PARENT/ID,
 * created with the others since the container's processes join it) or the
 * v2 core file cgroup.freeze.
 *
 * Safety invariants: writes only the freezer files of the container's own
 * cgroup, whose path cgroup_values_dir() computed from a validated id. */
#include "cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "cleanup.h"
#include "fs-util.h"

#define FREEZE_POLLS 200       /* 200 x 10 ms: tasks in D state may take a while */
#define FREEZE_POLL_US 10000

/* True when dir/file's content contains want (e.g. "FROZEN", "frozen 1"). */
static bool
file_says(const char *dir, const char *file, const char *want)
{
	_cleanup_free_ char *content = NULL;
	char path[PATH_MAX];

	if (cgroup_util_path(path, sizeof(path), dir, file) < 0 || fs_read_file(path, &content, NULL) < 0)
		return false;
	return strstr(content, want) != NULL;
}

int
cgroup_freeze(const struct cgroup_host *h, const char *id, bool frozen, struct lite_err *err)
{
	bool v1 = h->mode == CGROUP_MODE_V1;
	const char *file = v1 ? "freezer.state" : "cgroup.freeze";
	const char *value = v1 ? (frozen ? "FROZEN" : "THAWED") : (frozen ? "1" : "0");
	const char *state_file = v1 ? "freezer.state" : "cgroup.events";
	const char *want = v1 ? value : (frozen ? "frozen 1" : "frozen 0");
	char dir[PATH_MAX];
	int r;

	if (v1 && !h->has[CGROUP_CTL_FREEZER])
		return lite_err_set(err, ENOTSUP, "the freezer cgroup controller is not available");
	r = cgroup_values_dir(h, CGROUP_CTL_FREEZER, id, dir, sizeof(dir));
	if (r < 0)
		return lite_err_set(err, -r, "cgroup for \"%s\": invalid id or path", id);
	for (int i = 0; i < FREEZE_POLLS; i++) {
		/* v1 may report FREEZING: writing FROZEN again retries the freeze */
		if (i == 0 || (v1 && i % 10 == 0)) {
			r = cgroup_util_write_knob(dir, file, value, err);
			if (r < 0)
				return r;
		}
		if (file_says(dir, state_file, want))
			return 0;
		usleep(FREEZE_POLL_US);
	}
	return lite_err_set(err, ETIMEDOUT, "%s the container: the kernel did not report %s in time",
			    frozen ? "freeze" : "thaw", want);
}
