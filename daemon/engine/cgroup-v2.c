/* cgroup v2: the container's cgroup at ROOT/PARENT/ID, the controllers its
 * ancestors must delegate, its limits, and its removal.
 *
 * Safety: changes host state only at or below ROOT/PARENT/ID, plus
 * cgroup.subtree_control of ROOT (or, under systemd, of the delegated
 * service cgroup, a prefix of PARENT) and of each PARENT level below it (see
 * the invariants in cgroup.c); PARENT levels are created when missing but
 * never removed. */
#include "cgroup.h"
#include "cgroup-internal.h"
#include "cgroup-util.h"

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define CPU_PERIOD_US 100000

/* Whether the whitespace-separated list holds exactly word. */
static bool
words_have(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || strchr(" \t\n", p[-1])) && strchr(" \t\n", p[n]))
			return true; /* strchr(s, '\0') matches the end, too */
	return false;
}

/* Enable every present controller in dir/cgroup.subtree_control, one at a
 * time (a failed "+a +b" write says nothing about which one failed) and only
 * those not yet enabled. */
static int
enable_controllers(const struct cgroup_host *h, const char *dir, struct lite_err *err)
{
	_cleanup_free_ char *enabled = NULL;
	char path[PATH_MAX];
	int r;

	r = cgroup_util_path(path, sizeof(path), dir, "cgroup.subtree_control");
	if (r == 0)
		r = fs_read_file(path, &enabled, NULL);
	if (r < 0)
		return lite_err_sys(err, -r, "read %s", path);
	for (int c = 0; c < CGROUP_CTL_MAX; c++) {
		char val[32];

		if (!h->has[c] || words_have(enabled, cgroup_values_ctl_v2_name(c)))
			continue;
		snprintf(val, sizeof(val), "+%s", cgroup_values_ctl_v2_name(c));
		r = cgroup_util_write_knob(dir, "cgroup.subtree_control", val, err);
		if (r < 0)
			return lite_err_wrap(err, "cgroup %s", dir);
	}
	return 0;
}

/* mkdir each level of PARENT/ID below ROOT (below ROOT/DELEGATED, which
 * exists: systemd made it); every level above ID delegates the controllers
 * to its children. */
static int
make_dirs(const struct cgroup_host *h, const char *dir, struct lite_err *err)
{
	char path[PATH_MAX], top[PATH_MAX];
	int r;

	snprintf(top, sizeof(top), "%s%s%s", h->root, h->delegated[0] ? "/" : "", h->delegated);
	r = enable_controllers(h, top, err);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + strlen(top) + 1;; p++) {
		char *slash = strchr(p, '/');

		if (slash)
			*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return lite_err_sys(err, errno, "create cgroup %s", path);
		if (!slash)
			return 0;
		r = enable_controllers(h, path, err);
		if (r < 0)
			return r;
		*slash = '/';
		p = slash;
	}
}

/* memory.swap.max is swap alone: total minus memory; Docker's default (total
 * 0) is as much swap as memory; -1 is "max". */
static int
apply_memory(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	char path[PATH_MAX];
	int64_t total = lim->memory_swap_bytes;
	int r;

	if (lim->memory_reservation && (r = cgroup_util_write_u64(dir, "memory.low", lim->memory_reservation, err)) < 0)
		return r;
	if (!lim->memory_bytes)
		return 0;
	r = cgroup_util_write_u64(dir, "memory.max", lim->memory_bytes, err);
	if (r == -EINVAL || r == -EBUSY)
		return lite_err_wrap(err, "memory limit %" PRIu64 " bytes is too small", lim->memory_bytes);
	if (r < 0)
		return r;
	if (cgroup_util_path(path, sizeof(path), dir, "memory.swap.max") < 0 || access(path, F_OK) < 0) {
		if (total > 0)
			log_warnx("cgroup: no swap accounting, memory+swap limit %" PRId64 " ignored", total);
		return 0;
	}
	if (total == -1)
		return cgroup_util_write_knob(dir, "memory.swap.max", "max", err);
	if (total == 0)
		return cgroup_util_write_u64(dir, "memory.swap.max", lim->memory_bytes, err);
	return cgroup_util_write_u64(dir, "memory.swap.max", (uint64_t)total - lim->memory_bytes, err);
}

/* io.weight and io.max "MAJ:MIN rbps=N" per device. */
static int
apply_io(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	char buf[512], val[96], *save = NULL;
	int r = 0;

	if (lim->blkio_weight) {
		snprintf(val, sizeof(val), "default %u", lim->blkio_weight);
		r = cgroup_util_write_knob(dir, "io.weight", val, err);
	}
	snprintf(buf, sizeof(buf), "%s", lim->device_read_bps);
	for (char *line = strtok_r(buf, "\n", &save); r == 0 && line; line = strtok_r(NULL, "\n", &save)) {
		char dev[32];
		unsigned long long bps;

		if (sscanf(line, "%31s %llu", dev, &bps) != 2)
			continue;
		snprintf(val, sizeof(val), "%s rbps=%llu", dev, bps);
		r = cgroup_util_write_knob(dir, "io.max", val, err);
	}
	return r;
}

static int
apply_limits(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	char val[64];
	int r;

	r = apply_memory(dir, lim, err);
	if (r == 0 && lim->millicpus) {
		cgroup_values_v2_cpu_max(lim->millicpus, CPU_PERIOD_US, val, sizeof(val));
		r = cgroup_util_write_knob(dir, "cpu.max", val, err);
	}
	if (r == 0 && lim->cpu_shares)
		r = cgroup_util_write_u64(dir, "cpu.weight", cgroup_values_shares_to_weight(lim->cpu_shares), err);
	if (r == 0 && lim->pids_limit > 0)
		r = cgroup_util_write_u64(dir, "pids.max", (uint64_t)lim->pids_limit, err);
	if (r == 0 && lim->pids_limit == -1)
		r = cgroup_util_write_knob(dir, "pids.max", "max", err);
	if (r == 0 && lim->cpuset_cpus[0])
		r = cgroup_util_write_knob(dir, "cpuset.cpus", lim->cpuset_cpus, err);
	if (r == 0 && lim->cpuset_mems[0])
		r = cgroup_util_write_knob(dir, "cpuset.mems", lim->cpuset_mems, err);
	if (r == 0)
		r = apply_io(dir, lim, err);
	return r;
}

/* Create ROOT/PARENT/ID with the controllers delegated down to it and
 * its device filter attached. */
int
cgroup_v2_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err)
{
	char dir[PATH_MAX];
	int r;

	r = cgroup_values_dir(h, 0, id, dir, sizeof(dir));
	if (r < 0)
		return lite_err_set(err, -r, "cgroup for \"%s\": invalid id or path", id);
	r = make_dirs(h, dir, err);
	if (r == 0)
		r = apply_limits(dir, lim, err);
	if (r == 0)
		r = cgroup_v2_devices_attach(dir, lim, err);
	return r;
}

/* cgroup.kill (Linux 5.14+) kills the whole subtree at once; older kernels
 * get a SIGKILL per pid, level by level. */
int
cgroup_v2_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err)
{
	char dir[PATH_MAX], kill_file[PATH_MAX];
	bool has_kill;
	int r;

	r = cgroup_values_dir(h, 0, id, dir, sizeof(dir));
	if (r < 0)
		return lite_err_set(err, -r, "cgroup for \"%s\": invalid id or path", id);
	has_kill = cgroup_util_path(kill_file, sizeof(kill_file), dir, "cgroup.kill") == 0 && access(kill_file, F_OK) == 0;
	return cgroup_util_remove_tree(dir, has_kill, err);
}

/* The daemon's own cgroup names a systemd service's delegated subtree:
 * containers go below it, so systemd sees them as the service's (and a
 * restart keeps them, with KillMode=process). Only when systemd already put
 * the daemon in the leaf SERVICE/supervisor (DelegateSubgroup=, systemd
 * 254+): a service whose root holds processes cannot enable controllers for
 * its children, and moving ourselves out of it would make the next start
 * fail (systemd cannot place the new daemon into a cgroup with controllers
 * enabled). Elsewhere the engine's sub-tree stays at ROOT/PARENT. */
int
cgroup_v2_use_delegation(struct cgroup_host *h, struct lite_err *err)
{
	_cleanup_free_ char *self = NULL;
	char base[sizeof(h->delegated)], parent[sizeof(h->parent)];
	int r;

	if (h->mode != CGROUP_MODE_V2)
		return 0;
	r = fs_read_file("/proc/self/cgroup", &self, NULL);
	if (r < 0)
		return lite_err_sys(err, -r, "read /proc/self/cgroup");
	r = cgroup_values_v2_delegated_base(self, base, sizeof(base));
	if (r == -ENOENT) {
		if (getenv("INVOCATION_ID"))
			log_info("cgroup: under systemd without DelegateSubgroup=supervisor; containers stay in %s/%s",
				 h->root, h->parent);
		return 0;
	}
	if (r < 0 || snprintf(parent, sizeof(parent), "%s%s%s", base, h->parent[0] ? "/" : "", h->parent) >= (int)sizeof(parent))
		return lite_err_set(err, ENAMETOOLONG, "delegated cgroup %s: path too long", base);
	strcpy(h->delegated, base);
	strcpy(h->parent, parent);
	log_info("cgroup: systemd delegated %s/%s; containers in %s/%s", h->root, base, h->root, parent);
	return 0;
}
