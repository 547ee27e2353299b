/* cgroup v1 (also hybrid hosts): one directory per present controller at
 * ROOT/CTL/PARENT/ID, its limits, and its removal.
 *
 * Safety: changes host state only at or below ROOT/CTL/PARENT/ID (see the
 * invariants in cgroup.c); PARENT levels are created when missing but never
 * removed. A new cpuset level gets its parent's cpus and mems before any
 * process could be written into it; a PARENT level of the cpuset
 * hierarchy also gets cgroup.clone_children = 1, so the kernel does that
 * for each container's level. */
#include "cgroup.h"
#include "cgroup-internal.h"
#include "cgroup-util.h"

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define CPU_PERIOD_US 100000

static bool
is_blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

/* Copy cpuset.cpus and cpuset.mems from the parent when dir has none: a
 * cpuset with empty cpus or mems refuses every process. */
static int
cpuset_inherit(const char *dir, struct lite_err *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[PATH_MAX], path[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return lite_err_set(err, EINVAL, "cpuset %s has no parent", dir);
	*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *mine = NULL, *theirs = NULL;
		int r;

		r = cgroup_util_path(path, sizeof(path), dir, files[i]);
		if (r == 0)
			r = fs_read_file(path, &mine, NULL);
		if (r < 0)
			return lite_err_sys(err, -r, "read %s", path);
		if (!is_blank(mine))
			continue;
		r = cgroup_util_path(path, sizeof(path), parent, files[i]);
		if (r == 0)
			r = fs_read_file(path, &theirs, NULL);
		if (r < 0)
			return lite_err_sys(err, -r, "read %s", path);
		theirs[strcspn(theirs, "\n")] = '\0';
		r = cgroup_util_write_knob(dir, files[i], theirs, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A PARENT level of the cpuset hierarchy hands its cpus and mems to each
 * new child (cgroup.clone_children): writing them into every container's
 * cpuset instead makes the kernel check the new value against every
 * sibling (validate_change), a cost that grew with the number of running
 * containers. Written once per level and daemon; cpuset_inherit still
 * fills a child that came out empty (the flag turned off meanwhile). */
static char cpuset_parents_done[4][PATH_MAX];

static bool
cpuset_parent_done(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(cpuset_parents_done); i++)
		if (!strcmp(cpuset_parents_done[i], dir))
			return true;
	return false;
}

static void
cpuset_clone_children(const char *dir)
{
	if (cgroup_util_write_knob(dir, "cgroup.clone_children", "1", NULL) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cpuset_parents_done); i++)
		if (!cpuset_parents_done[i][0]) {
			snprintf(cpuset_parents_done[i], sizeof(cpuset_parents_done[i]), "%s", dir);
			return;
		}
}

/* mkdir each level of ROOT/CTL/PARENT/ID in turn, so that cpuset levels can
 * be filled from their parents as they appear. */
static int
make_dirs(const struct cgroup_host *h, enum cgroup_ctl ctl, const char *dir, struct lite_err *err)
{
	char path[PATH_MAX];
	size_t base = strlen(h->root) + 1 + strlen(cgroup_values_ctl_name(ctl));

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + base + 1;; p++) {
		char *slash = strchr(p, '/');

		if (slash)
			*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return lite_err_sys(err, errno, "create cgroup %s", path);
		if (ctl == CGROUP_CTL_CPUSET && !(slash && cpuset_parent_done(path))) {
			int r = cpuset_inherit(path, err);
			if (r < 0)
				return r;
			if (slash) /* a PARENT level: filled, now it fills its children */
				cpuset_clone_children(path);
		}
		if (!slash)
			return 0;
		*slash = '/';
		p = slash;
	}
}

/* memory.memsw.limit_in_bytes: -1 unlimited, 0 Docker's default of twice
 * the memory limit. */
static int
apply_memsw(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	char path[PATH_MAX];
	int64_t total = lim->memory_swap_bytes;
	int r;

	if (cgroup_util_path(path, sizeof(path), dir, "memory.memsw.limit_in_bytes") < 0 || access(path, F_OK) < 0) {
		if (total > 0)
			log_warnx("cgroup: no swap accounting, memory+swap limit %" PRId64 " ignored", total);
		return 0;
	}
	if (total == -1)
		return cgroup_util_write_knob(dir, "memory.memsw.limit_in_bytes", "-1", err);
	if (total == 0)
		total = lim->memory_bytes > (uint64_t)INT64_MAX / 2 ? -1 : (int64_t)(lim->memory_bytes * 2);
	r = total == -1 ? cgroup_util_write_knob(dir, "memory.memsw.limit_in_bytes", "-1", err)
			: cgroup_util_write_u64(dir, "memory.memsw.limit_in_bytes", (uint64_t)total, err);
	if (r == -EINVAL)
		lite_err_wrap(err, "memory+swap limit %" PRId64 " bytes is below the memory limit", total);
	return r;
}

static int
apply_memory(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	int r;

	if (lim->memory_reservation &&
	    (r = cgroup_util_write_u64(dir, "memory.soft_limit_in_bytes", lim->memory_reservation, err)) < 0)
		return r;
	if (!lim->memory_bytes)
		return 0;
	r = cgroup_util_write_u64(dir, "memory.limit_in_bytes", lim->memory_bytes, err);
	if (r == -EINVAL) {
		/* Re-applied over an older, lower memsw limit: raise that first. */
		if (apply_memsw(dir, lim, NULL) == 0)
			r = cgroup_util_write_u64(dir, "memory.limit_in_bytes", lim->memory_bytes, err);
	}
	if (r == -EINVAL || r == -EBUSY)
		return lite_err_wrap(err, "memory limit %" PRIu64 " bytes is too small", lim->memory_bytes);
	if (r < 0)
		return r;
	return apply_memsw(dir, lim, err);
}

/* blkio.weight (CFQ) or blkio.bfq.weight (BFQ): whichever the disk
 * scheduler offers; throttling works under any scheduler. */
static int
apply_blkio(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	char path[PATH_MAX], buf[512], *save = NULL;
	int r = 0;

	if (lim->blkio_weight) {
		const char *file = "blkio.weight";

		if (cgroup_util_path(path, sizeof(path), dir, file) < 0 || access(path, F_OK) < 0)
			file = "blkio.bfq.weight";
		if (cgroup_util_path(path, sizeof(path), dir, file) < 0 || access(path, F_OK) < 0)
			return lite_err_set(err, ENOTSUP, "blkio weight %u: the disk scheduler offers no weights "
					    "(blkio.weight needs CFQ or BFQ)", lim->blkio_weight);
		r = cgroup_util_write_u64(dir, file, lim->blkio_weight, err);
	}
	snprintf(buf, sizeof(buf), "%s", lim->device_read_bps);
	for (char *line = strtok_r(buf, "\n", &save); r == 0 && line; line = strtok_r(NULL, "\n", &save))
		r = cgroup_util_write_knob(dir, "blkio.throttle.read_bps_device", line, err);
	return r;
}

static int
apply_cpu(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	int r = 0;

	if (lim->millicpus) {
		r = cgroup_util_write_u64(dir, "cpu.cfs_period_us", CPU_PERIOD_US, err);
		if (r == 0)
			r = cgroup_util_write_u64(dir, "cpu.cfs_quota_us", cgroup_values_cpu_quota_us(lim->millicpus, CPU_PERIOD_US), err);
	}
	if (r == 0 && lim->cpu_shares)
		r = cgroup_util_write_u64(dir, "cpu.shares", lim->cpu_shares, err);
	return r;
}

/* The device filter: deny everything, then allow the rules of
 * cgroup_values_device_rules(). Written only while devices.list still
 * shows the "a *:* rwm" a new cgroup inherits: update re-applies limits to
 * running containers, and rewriting the list would deny every device for a
 * moment. --privileged (devices_allow_all) keeps the inherited list. */
static int
apply_devices(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	struct cgroup_device_rule rules[64];
	_cleanup_free_ char *list = NULL;
	char path[PATH_MAX], line[64];
	int n, r;

	if (lim->devices_allow_all)
		return 0;
	r = cgroup_util_path(path, sizeof(path), dir, "devices.list");
	if (r == 0)
		r = fs_read_file(path, &list, NULL);
	if (r < 0)
		return lite_err_sys(err, -r, "read %s", path);
	if (strcmp(list, "a *:* rwm\n") != 0)
		return 0;
	n = cgroup_values_device_rules(lim, rules, ARRAY_SIZE(rules));
	if (n < 0)
		return lite_err_set(err, E2BIG, "too many devices");
	r = cgroup_util_write_knob(dir, "devices.deny", "a", err);
	for (int i = 0; r == 0 && i < n; i++) {
		r = cgroup_values_device_v1(&rules[i], line, sizeof(line));
		if (r < 0)
			return lite_err_set(err, -r, "invalid device rule");
		r = cgroup_util_write_knob(dir, "devices.allow", line, err);
	}
	return r;
}

static int
apply_limits(enum cgroup_ctl ctl, const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	int r = 0;

	switch (ctl) {
	case CGROUP_CTL_MEMORY:
		return apply_memory(dir, lim, err);
	case CGROUP_CTL_CPU:
		return apply_cpu(dir, lim, err);
	case CGROUP_CTL_PIDS:
		if (lim->pids_limit > 0)
			return cgroup_util_write_u64(dir, "pids.max", (uint64_t)lim->pids_limit, err);
		if (lim->pids_limit == -1)
			return cgroup_util_write_knob(dir, "pids.max", "max", err);
		return 0;
	case CGROUP_CTL_BLKIO:
		return apply_blkio(dir, lim, err);
	case CGROUP_CTL_DEVICES:
		return apply_devices(dir, lim, err);
	case CGROUP_CTL_CPUSET:
		if (lim->cpuset_cpus[0])
			r = cgroup_util_write_knob(dir, "cpuset.cpus", lim->cpuset_cpus, err);
		if (r == 0 && lim->cpuset_mems[0])
			r = cgroup_util_write_knob(dir, "cpuset.mems", lim->cpuset_mems, err);
		return r;
	default:
		return 0;
	}
}

/* Create ROOT/CTL/PARENT/ID for every present controller, then apply. */
int
cgroup_v1_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err)
{
	for (int c = 0; c < CGROUP_CTL_MAX; c++) {
		char dir[PATH_MAX];
		int r;

		if (!h->has[c])
			continue;
		r = cgroup_values_dir(h, c, id, dir, sizeof(dir));
		if (r < 0)
			return lite_err_set(err, -r, "cgroup for \"%s\": invalid id or path", id);
		r = make_dirs(h, c, dir, err);
		if (r == 0)
			r = apply_limits(c, dir, lim, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Kill in every hierarchy first, then remove; the first error is kept but
 * every hierarchy is tried. */
int
cgroup_v1_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err)
{
	char dir[CGROUP_CTL_MAX][PATH_MAX];
	int ret = 0;

	for (int c = 0; c < CGROUP_CTL_MAX; c++) {
		dir[c][0] = '\0';
		if (h->has[c] && cgroup_values_dir(h, c, id, dir[c], sizeof(dir[c])) == 0)
			cgroup_util_kill_procs(dir[c]);
	}
	for (int c = 0; c < CGROUP_CTL_MAX; c++) {
		int r;

		if (!dir[c][0])
			continue;
		r = cgroup_util_remove_tree(dir[c], false, ret < 0 ? NULL : err);
		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}
