/* The cgroup front: layout detection, the container's procs and OOM files,
 * limits checked against the controllers present, and dispatch of create
 * and destroy to cgroup-v1.c / cgroup-v2.c by the detected mode. The
 * primitives those share live in cgroup-util.c, below all three.
 *
 * Safety: this file, cgroup-v1.c, cgroup-v2.c and cgroup-util.c change
 * host state. They create, write, signal and remove only at or below
 * ROOT[/CTL]/PARENT/ID: PARENT is checked here (relative, no empty, "." or
 * ".." component) and ID by cgroup_values_dir() (a single component). PARENT
 * itself is never removed, and only pids read from a cgroup.procs below it
 * are signalled (never our own). */
#include "cgroup.h"
#include "cgroup-internal.h"
#include "cgroup-util.h"

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>


#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

/* ---- detection ---- */

static bool
parent_is_valid(const char *parent)
{
	const char *p = parent;

	if (!*parent)
		return true; /* directly below the hierarchy roots */
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* Whether the comma-separated option list opts holds exactly name. */
static bool
opts_have(const char *opts, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = opts;; p++) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (!p)
			return false;
	}
}

/* Whether mountinfo lists a v1 cgroup mount of device dev carrying ctl. */
static bool
mountinfo_has_ctl(const char *mountinfo, dev_t dev, const char *ctl)
{
	const char *line = mountinfo;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char buf[4096], fstype[64], opts[1024];
		unsigned maj, min;
		const char *sep;

		if (n < sizeof(buf)) {
			memcpy(buf, line, n);
			buf[n] = '\0';
		} else {
			buf[0] = '\0';
		}
		line = nl ? nl + 1 : NULL;
		if (sscanf(buf, "%*d %*d %u:%u", &maj, &min) != 2 || makedev(maj, min) != dev)
			continue;
		sep = strstr(buf, " - ");
		if (!sep || sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, "cgroup") == 0 && opts_have(opts, ctl))
			return true;
	}
	return false;
}

/* ROOT/CTL is a v1 hierarchy carrying ctl (ROOT/cpu may be a symlink to a
 * co-mounted "cpu,cpuacct"; stat and statfs follow it). Without a readable
 * mountinfo the file-system magic alone decides. */
static bool
v1_ctl_mounted(const char *root, enum cgroup_ctl ctl, const char *mountinfo)
{
	char path[PATH_MAX];
	struct statfs sfs;
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", root, cgroup_values_ctl_name(ctl)) >= (int)sizeof(path))
		return false;
	if (statfs(path, &sfs) < 0 || sfs.f_type != CGROUP_SUPER_MAGIC)
		return false;
	if (!mountinfo)
		return true;
	if (stat(path, &st) < 0)
		return false;
	return mountinfo_has_ctl(mountinfo, st.st_dev, cgroup_values_ctl_name(ctl));
}

static int
detect_v1(struct cgroup_host *h)
{
	_cleanup_free_ char *mountinfo = NULL;
	char path[PATH_MAX];
	int n = 0;

	if (fs_read_file("/proc/self/mountinfo", &mountinfo, NULL) < 0)
		mountinfo = NULL;
	for (int c = 0; c < CGROUP_CTL_MAX; c++) {
		h->has[c] = v1_ctl_mounted(h->root, c, mountinfo);
		n += h->has[c];
	}
	if (h->has[CGROUP_CTL_MEMORY]) {
		h->has_swap = cgroup_util_path(path, sizeof(path), h->root, "memory/memory.memsw.limit_in_bytes") == 0 &&
			      access(path, F_OK) == 0;
	}
	return n;
}

/* memory.swap.max exists in non-root cgroups only: look at the children. */
static bool
v2_has_swap(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/memory.swap.max", root, de->d_name) < (int)sizeof(path))
			found = access(path, F_OK) == 0;
	}
	closedir(d);
	return found;
}

/* Fills has[] from ROOT/cgroup.controllers; returns how many are present. */
static int
detect_v2(struct cgroup_host *h)
{
	_cleanup_free_ char *ctls = NULL;
	char path[PATH_MAX];
	char *save = NULL;
	int n = 0;

	if (cgroup_util_path(path, sizeof(path), h->root, "cgroup.controllers") < 0 || fs_read_file(path, &ctls, NULL) < 0)
		return 0;
	for (char *w = strtok_r(ctls, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		for (int c = 0; c < CGROUP_CTL_MAX; c++)
			if (strcmp(w, cgroup_values_ctl_v2_name(c)) == 0 && !h->has[c]) {
				h->has[c] = true;
				n++;
			}
	if (h->has[CGROUP_CTL_MEMORY])
		h->has_swap = v2_has_swap(h->root);
	return n;
}

static bool
is_cgroup2(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* No v1 controller is mounted: a cgroup2 at ROOT/unified may carry them. */
static void
detect_unified(struct cgroup_host *h)
{
	struct cgroup_host u = *h;

	u.mode = CGROUP_MODE_V2;
	if (cgroup_util_path(u.root, sizeof(u.root), h->root, "unified") < 0 || !is_cgroup2(u.root))
		return;
	if (detect_v2(&u) > 0)
		*h = u;
}

/* v2 on a cgroup2 root; v1 on a tmpfs with per-controller mounts (a hybrid
 * host's ROOT/unified is ignored unless no v1 controller is mounted). */
int
cgroup_detect(const char *root, const char *parent, struct cgroup_host *ret, struct lite_err *err)
{
	struct cgroup_host h = { 0 };
	struct statfs sfs;
	size_t len;

	if (!root || !parent || !ret)
		return lite_err_set(err, EINVAL, "cgroup detect: missing argument");
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof(h.root) - 64)
		return lite_err_set(err, EINVAL, "cgroup root \"%s\": invalid path", root);
	memcpy(h.root, root, len);
	if (!parent_is_valid(parent) || strlen(parent) >= sizeof(h.parent))
		return lite_err_set(err, EINVAL, "cgroup parent \"%s\": must be a relative path without \".\" or \"..\"", parent);
	strcpy(h.parent, parent);

	if (statfs(h.root, &sfs) < 0)
		return lite_err_sys(err, errno, "cgroup root %s", h.root);
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		h.mode = CGROUP_MODE_V2;
		detect_v2(&h);
	} else if (sfs.f_type == TMPFS_MAGIC) {
		h.mode = CGROUP_MODE_V1;
		if (detect_v1(&h) == 0)
			detect_unified(&h);
	} else {
		return lite_err_set(err, ENOTSUP, "cgroup root %s is neither cgroup2 nor a tmpfs of v1 hierarchies", h.root);
	}
	for (int c = 0; c < CGROUP_CTL_MAX; c++)
		if (!h.has[c] && !(h.mode == CGROUP_MODE_V2 && (c == CGROUP_CTL_FREEZER || c == CGROUP_CTL_DEVICES)))
			log_info("cgroup: %s controller not available under %s", cgroup_values_ctl_name(c), h.root);
	if (h.mode == CGROUP_MODE_V1 && !h.has[CGROUP_CTL_DEVICES])
		log_warnx("cgroup: no devices controller: containers can open every device node they create");
	*ret = h;
	return 0;
}

/* ---- files the shim and the OOM watcher use ---- */

void
cgroup_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* v1 lists one file per present controller, possibly none at all. */
int
cgroup_procs_files(const struct cgroup_host *h, const char *id, char ***ret_files)
{
	char **v = calloc(CGROUP_CTL_MAX + 1, sizeof(char *));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (int c = 0; c < CGROUP_CTL_MAX; c++) {
		char dir[PATH_MAX];
		int r;

		if (h->mode == CGROUP_MODE_V2 && c > 0)
			break;
		if (h->mode == CGROUP_MODE_V1 && !h->has[c])
			continue;
		r = cgroup_values_dir(h, c, id, dir, sizeof(dir));
		if (r < 0 || asprintf(&v[n], "%s/cgroup.procs", dir) < 0) {
			v[n] = NULL;
			cgroup_strv_free(v);
			return r < 0 ? r : -ENOMEM;
		}
		n++;
	}
	*ret_files = v;
	return 0;
}

int
cgroup_oom_file(const struct cgroup_host *h, const char *id, char *buf, size_t len)
{
	char dir[PATH_MAX];
	const char *name = h->mode == CGROUP_MODE_V1 ? "memory.oom_control" : "memory.events";
	int r;

	if (!h->has[CGROUP_CTL_MEMORY])
		return -ENOENT;
	r = cgroup_values_dir(h, CGROUP_CTL_MEMORY, id, dir, sizeof(dir));
	if (r < 0)
		return r;
	if (snprintf(buf, len, "%s/%s", dir, name) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* Missing controller, cgroup or key all count as "no OOM kill": 0. */
int
cgroup_oom_kill_count(const struct cgroup_host *h, const char *id, uint64_t *ret)
{
	_cleanup_free_ char *content = NULL;
	char path[PATH_MAX];
	uint64_t v = 0;
	int r;

	r = cgroup_oom_file(h, id, path, sizeof(path));
	if (r == -ENOENT) {
		*ret = 0;
		return 0;
	}
	if (r < 0)
		return r;
	r = fs_read_file(path, &content, NULL);
	if (r == -ENOENT || r == -ENODEV) {
		*ret = 0;
		return 0;
	}
	if (r < 0)
		return r;
	r = cgroup_values_parse_oom_kill(content, &v);
	if (r < 0 && r != -ENOENT)
		return r;
	*ret = r == -ENOENT ? 0 : v;
	return 0;
}

/* ---- dispatch ---- */

static int
check_limits(const struct cgroup_host *h, const struct cgroup_limits *lim, struct lite_err *err)
{
	static const char *const what[CGROUP_CTL_MAX] = {
		[CGROUP_CTL_MEMORY] = "memory limit", [CGROUP_CTL_CPU] = "CPU limit",
		[CGROUP_CTL_CPUSET] = "cpuset", [CGROUP_CTL_PIDS] = "pids limit",
		[CGROUP_CTL_BLKIO] = "block I/O limit",
	};
	bool want[CGROUP_CTL_MAX] = {
		[CGROUP_CTL_MEMORY] = lim->memory_bytes || lim->memory_swap_bytes || lim->memory_reservation,
		[CGROUP_CTL_CPU] = lim->millicpus || lim->cpu_shares,
		[CGROUP_CTL_CPUSET] = lim->cpuset_cpus[0] || lim->cpuset_mems[0],
		[CGROUP_CTL_PIDS] = lim->pids_limit > 0,
		[CGROUP_CTL_BLKIO] = lim->blkio_weight || lim->device_read_bps[0],
	};

	if (lim->memory_swap_bytes && !lim->memory_bytes)
		return lite_err_set(err, EINVAL, "a memory+swap limit needs a memory limit");
	if (lim->memory_swap_bytes < -1 ||
	    (lim->memory_swap_bytes > 0 && (uint64_t)lim->memory_swap_bytes < lim->memory_bytes))
		return lite_err_set(err, EINVAL, "memory+swap limit %" PRId64 " must be at least the memory limit %" PRIu64,
				    lim->memory_swap_bytes, lim->memory_bytes);
	if (lim->pids_limit < -1)
		return lite_err_set(err, EINVAL, "pids limit %" PRId64 " is invalid", lim->pids_limit);
	for (int c = 0; c < CGROUP_CTL_MAX; c++)
		if (want[c] && !h->has[c])
			return lite_err_set(err, ENOTSUP, "%s requested but the %s cgroup controller is not available",
					    what[c], cgroup_values_ctl_name(c));
	return 0;
}

/* On failure, cgroups this call created are removed again (never ones that
 * existed before: they may hold a running container). */
int
cgroup_create(const struct cgroup_host *h, const char *id, const struct cgroup_limits *lim, struct lite_err *err)
{
	static const struct cgroup_limits none;
	char dir[PATH_MAX];
	bool existed;
	int r;

	if (!lim)
		lim = &none;
	r = cgroup_values_dir(h, 0, id, dir, sizeof(dir));
	if (r < 0)
		return lite_err_set(err, -r, "cgroup for \"%s\": invalid id or path", id ? id : "");
	r = check_limits(h, lim, err);
	if (r < 0)
		return r;
	existed = false;
	for (int c = 0; c < CGROUP_CTL_MAX && !existed; c++)
		existed = (h->mode == CGROUP_MODE_V2 || h->has[c]) && cgroup_values_dir(h, c, id, dir, sizeof(dir)) == 0 &&
			  access(dir, F_OK) == 0;
	r = h->mode == CGROUP_MODE_V1 ? cgroup_v1_create(h, id, lim, err) : cgroup_v2_create(h, id, lim, err);
	if (r < 0 && !existed)
		cgroup_destroy(h, id, NULL);
	return r;
}

int
cgroup_destroy(const struct cgroup_host *h, const char *id, struct lite_err *err)
{
	char dir[PATH_MAX];
	int r;

	r = cgroup_values_dir(h, 0, id, dir, sizeof(dir));
	if (r < 0)
		return lite_err_set(err, -r, "cgroup for \"%s\": invalid id or path", id ? id : "");
	return h->mode == CGROUP_MODE_V1 ? cgroup_v1_destroy(h, id, err) : cgroup_v2_destroy(h, id, err);
}
