/* Pure cgroup computations: CPU quota and weight conversions, parsing of the
 * oom_kill counter, and where a container's cgroup directories live. No
 * system calls: linked into the unit tests and into the shim. */
#include "cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define CPU_PERIOD_DEFAULT_US 100000
#define CPU_QUOTA_MIN_US      1000
#define SHARES_MIN            2
#define SHARES_MAX            262144

static const char *const ctl_names[CGROUP_CTL_MAX] = {
	[CGROUP_CTL_MEMORY] = "memory",
	[CGROUP_CTL_CPU] = "cpu",
	[CGROUP_CTL_CPUSET] = "cpuset",
	[CGROUP_CTL_PIDS] = "pids",
	[CGROUP_CTL_BLKIO] = "blkio",
	[CGROUP_CTL_FREEZER] = "freezer",
	[CGROUP_CTL_DEVICES] = "devices",
};

/* Docker's default device list (moby oci/defaults.go, runc's
 * AllowedDevices): mknod of any node, then the nodes /dev holds. */
static const struct cgroup_device_rule default_devices[] = {
	{ 'c', -1, -1, CGROUP_DEV_MKNOD },  { 'b', -1, -1, CGROUP_DEV_MKNOD },
	{ 'c', 1, 3, CGROUP_DEV_RWM },      /* null */
	{ 'c', 1, 5, CGROUP_DEV_RWM },      /* zero */
	{ 'c', 1, 7, CGROUP_DEV_RWM },      /* full */
	{ 'c', 1, 8, CGROUP_DEV_RWM },      /* random */
	{ 'c', 1, 9, CGROUP_DEV_RWM },      /* urandom */
	{ 'c', 5, 0, CGROUP_DEV_RWM },      /* tty */
	{ 'c', 5, 1, CGROUP_DEV_RWM },      /* console */
	{ 'c', 5, 2, CGROUP_DEV_RWM },      /* ptmx */
	{ 'c', 136, -1, CGROUP_DEV_RWM },   /* pts/N */
	{ 'c', 10, 200, CGROUP_DEV_RWM },   /* net/tun */
};

/* Controller name, as in v1 mount options and v2 cgroup.controllers. */
const char *
cgroup_values_ctl_name(enum cgroup_ctl ctl)
{
	if ((unsigned)ctl >= CGROUP_CTL_MAX)
		return NULL;
	return ctl_names[ctl];
}

/* Rounded to the nearest microsecond, at least 1000 us (the kernel's
 * minimum); 0 millicpus means "no limit" and gives 0. */
uint64_t
cgroup_values_cpu_quota_us(uint64_t millicpus, uint64_t period_us)
{
	uint64_t quota;

	if (millicpus == 0)
		return 0;
	if (period_us == 0)
		period_us = CPU_PERIOD_DEFAULT_US;
	if (millicpus > (UINT64_MAX - 500) / period_us)
		return UINT64_MAX / 1000; /* absurd: let the kernel reject it */
	quota = (millicpus * period_us + 500) / 1000;
	return quota < CPU_QUOTA_MIN_US ? CPU_QUOTA_MIN_US : quota;
}

/* "QUOTA PERIOD", or "max PERIOD" when millicpus is 0. */
void
cgroup_values_v2_cpu_max(uint64_t millicpus, uint64_t period_us, char *buf, size_t len)
{
	if (period_us == 0)
		period_us = CPU_PERIOD_DEFAULT_US;
	if (millicpus == 0)
		snprintf(buf, len, "max %" PRIu64, period_us);
	else
		snprintf(buf, len, "%" PRIu64 " %" PRIu64,
			 cgroup_values_cpu_quota_us(millicpus, period_us), period_us);
}

/* crun's convert_shares_to_weight(): 2 -> 1, 1024 -> 39, 262144 -> 10000.
 * 0 stays 0 ("not set"); out-of-range shares are clamped first. */
uint64_t
cgroup_values_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < SHARES_MIN)
		shares = SHARES_MIN;
	if (shares > SHARES_MAX)
		shares = SHARES_MAX;
	return 1 + ((shares - SHARES_MIN) * 9999) / (SHARES_MAX - SHARES_MIN);
}

/* Value of the "oom_kill N" line (not "oom_kill_disable"): -ENOENT when the
 * key is missing, -EINVAL when its value is not a number. */
int
cgroup_values_parse_oom_kill(const char *content, uint64_t *ret)
{
	static const char key[] = "oom_kill";
	const char *line = content;

	if (!content || !ret)
		return -EINVAL;
	while (*line) {
		const char *nl = strchr(line, '\n');
		const char *p = line + sizeof(key) - 1;
		uint64_t v = 0;

		if (strncmp(line, key, sizeof(key) - 1) == 0 && (*p == ' ' || *p == '\t')) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			for (; *p >= '0' && *p <= '9'; p++) {
				uint64_t d = (uint64_t)(*p - '0');

				if (v > (UINT64_MAX - d) / 10)
					return -ERANGE;
				v = v * 10 + d;
			}
			while (*p == ' ' || *p == '\t' || *p == '\r')
				p++;
			if (*p != '\n' && *p != '\0')
				return -EINVAL;
			*ret = v;
			return 0;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return -ENOENT;
}

/* One path component: not empty, no '/', not "." or "..". */
static bool
id_is_component(const char *id)
{
	return *id && !strchr(id, '/') && strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

static int
format_dir(const struct cgroup_host *h, enum cgroup_ctl ctl, const char *id, char *buf, size_t len)
{
	const char *sep = h->parent[0] ? "/" : "";

	if (h->mode == CGROUP_MODE_V1)
		return snprintf(buf, len, "%s/%s%s%s/%s", h->root, ctl_names[ctl], sep, h->parent, id);
	return snprintf(buf, len, "%s%s%s/%s", h->root, sep, h->parent, id);
}

/* buf is written only on success; -ENAMETOOLONG when it is too small. */
int
cgroup_values_dir(const struct cgroup_host *h, enum cgroup_ctl ctl, const char *id, char *buf, size_t len)
{
	int n;

	if (!h || !id || !buf || (unsigned)ctl >= CGROUP_CTL_MAX || (unsigned)h->mode >= CGROUP_MODE_MAX)
		return -EINVAL;
	if (!id_is_component(id) || !memchr(h->parent, '\0', sizeof(h->parent)))
		return -EINVAL;
	n = format_dir(h, ctl, id, NULL, 0);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	format_dir(h, ctl, id, buf, len);
	return 0;
}

/* The v2 entry ("0::/a/b") of a /proc/PID/cgroup text, without the leading
 * "0::/", into buf. */
static int
v2_entry(const char *text, char *buf, size_t len)
{
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n >= 4 && strncmp(line, "0::/", 4) == 0) {
			if (n - 4 >= len)
				return -ENAMETOOLONG;
			memcpy(buf, line + 4, n - 4);
			buf[n - 4] = '\0';
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
cgroup_values_v2_delegated_base(const char *proc_self_cgroup, char *buf, size_t len)
{
	char path[PATH_MAX];
	char *slash;
	int r;

	r = v2_entry(proc_self_cgroup, path, sizeof(path));
	if (r < 0)
		return r;
	slash = strrchr(path, '/');
	if (!slash || strcmp(slash, "/supervisor") != 0)
		return -ENOENT;
	*slash = '\0';
	if (!ends_with(path, ".service"))
		return -ENOENT;
	if (strlen(path) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, path);
	return 0;
}

const char *
cgroup_values_ctl_v2_name(enum cgroup_ctl ctl)
{
	return ctl == CGROUP_CTL_BLKIO ? "io" : cgroup_values_ctl_name(ctl);
}

int
cgroup_values_device_rules(const struct cgroup_limits *lim, struct cgroup_device_rule *out, size_t max)
{
	size_t n_default = sizeof(default_devices) / sizeof(default_devices[0]);
	size_t n = n_default + (lim ? lim->n_devices : 0);

	if (n > max || (lim && lim->n_devices > CGROUP_LIMITS_MAX_DEVICES))
		return -E2BIG;
	memcpy(out, default_devices, sizeof(default_devices));
	if (lim && lim->n_devices)
		memcpy(out + n_default, lim->devices, lim->n_devices * sizeof(*out));
	return (int)n;
}

void
cgroup_values_device_access(unsigned access, char buf[4])
{
	size_t n = 0;

	if (access & CGROUP_DEV_READ)
		buf[n++] = 'r';
	if (access & CGROUP_DEV_WRITE)
		buf[n++] = 'w';
	if (access & CGROUP_DEV_MKNOD)
		buf[n++] = 'm';
	buf[n] = '\0';
}

static void
device_number(int32_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%" PRId32, v);
}

/* "a" alone for every device with every access, as the kernel lists it. */
int
cgroup_values_device_v1(const struct cgroup_device_rule *r, char *buf, size_t len)
{
	char maj[16], min[16], acc[4];

	if (r->type != 'a' && r->type != 'b' && r->type != 'c')
		return -EINVAL;
	device_number(r->major, maj, sizeof(maj));
	device_number(r->minor, min, sizeof(min));
	cgroup_values_device_access(r->access, acc);
	if (!acc[0])
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%c %s:%s %s", r->type, maj, min, acc) >= len)
		return -ENAMETOOLONG;
	return 0;
}
