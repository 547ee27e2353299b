/* One sample of a container's resource use, in the shape of Docker's
 * stats API (raw counters; the client computes the percentages from two
 * samples): CPU time, memory (usage, page cache, limit), network bytes of
 * the container's netns (/proc/INIT/net/dev), block I/O bytes, pids.
 * From cgroup v1 or v2 files; cgroup-stats.c parses them. Reads only. */
#include "ctr-stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-stats.h"
#include "cleanup.h"
#include "ctr.h"
#include "daemon.h"
#include "fs-util.h"
#include "log-record.h"

static char *
read_in(const struct cgroup_host *h, enum cgroup_ctl ctl, const char *id, const char *file)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	char *buf = NULL;

	if (cgroup_values_dir(h, ctl, id, dir, sizeof(dir)) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return fs_read_file(path, &buf, NULL) < 0 ? NULL : buf;
}

static uint64_t
number_in(const struct cgroup_host *h, enum cgroup_ctl ctl, const char *id, const char *file)
{
	_cleanup_free_ char *t = read_in(h, ctl, id, file);
	uint64_t v = 0;

	if (t)
		(void)cgroup_stats_number(t, &v);
	return v;
}

static uint64_t
host_mem_total(void)
{
	_cleanup_free_ char *t = NULL;
	uint64_t kb = 0;
	const char *p;

	if (fs_read_file("/proc/meminfo", &t, NULL) == 0 && (p = strstr(t, "MemTotal:")))
		kb = strtoull(p + 9, NULL, 10);
	return kb * 1024;
}

/* v1 without a cpuacct cgroup of its own: the CPU time of its processes
 * (and of the children they reaped), from /proc. */
static uint64_t
cpu_from_procs(const struct cgroup_host *h, const char *id)
{
	_cleanup_free_ char *procs = read_in(h, CGROUP_CTL_PIDS, id, "cgroup.procs");
	long tck = sysconf(_SC_CLK_TCK);
	uint64_t sum = 0;

	if (!procs)
		procs = read_in(h, CGROUP_CTL_MEMORY, id, "cgroup.procs");
	for (char *l = procs; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char path[64];
		_cleanup_free_ char *st = NULL;
		uint64_t t;

		snprintf(path, sizeof(path), "/proc/%ld/stat", strtol(l, NULL, 10));
		if (fs_read_file(path, &st, NULL) == 0 && cgroup_stats_pid_ticks(st, &t) == 0)
			sum += t;
	}
	return tck > 0 ? sum * (1000000000ULL / (uint64_t)tck) : 0;
}

static uint64_t
cpu_usage_ns(const struct daemon *d, const char *id)
{
	const struct cgroup_host *h = &d->cgroups;
	_cleanup_free_ char *t = NULL;
	char path[PATH_MAX + 128];
	uint64_t v = 0;

	if (h->mode == CGROUP_MODE_V2) {
		t = read_in(h, CGROUP_CTL_CPU, id, "cpu.stat");
		if (t && cgroup_stats_keyed(t, "usage_usec", &v) == 0)
			return v * 1000;
		return 0;
	}
	t = read_in(h, CGROUP_CTL_CPU, id, "cpuacct.usage"); /* co-mounted cpu,cpuacct */
	if (!t) {
		snprintf(path, sizeof(path), "%s/cpuacct/%s%s%s/cpuacct.usage", h->root, h->parent,
			 h->parent[0] ? "/" : "", id);
		(void)fs_read_file(path, &t, NULL);
	}
	if (t && cgroup_stats_number(t, &v) == 0)
		return v;
	return cpu_from_procs(h, id);
}

static json_t *
memory_json(const struct daemon *d, const char *id)
{
	const struct cgroup_host *h = &d->cgroups;
	bool v2 = h->mode == CGROUP_MODE_V2;
	_cleanup_free_ char *stat = read_in(h, CGROUP_CTL_MEMORY, id, "memory.stat");
	uint64_t usage = number_in(h, CGROUP_CTL_MEMORY, id, v2 ? "memory.current" : "memory.usage_in_bytes");
	uint64_t limit = number_in(h, CGROUP_CTL_MEMORY, id, v2 ? "memory.max" : "memory.limit_in_bytes");
	uint64_t host = host_mem_total(), inactive = 0;
	const char *key = v2 ? "inactive_file" : "total_inactive_file";

	if (stat)
		(void)cgroup_stats_keyed(stat, key, &inactive);
	if (!limit || limit > host) /* no limit: the host's memory, as Docker */
		limit = host;
	return json_pack("{s:I, s:I, s:{s:I}}", "usage", (json_int_t)usage, "limit", (json_int_t)limit, "stats", key,
			 (json_int_t)inactive);
}

static json_t *
blkio_json(const struct daemon *d, const char *id)
{
	const struct cgroup_host *h = &d->cgroups;
	_cleanup_free_ char *t = NULL;
	uint64_t rd = 0, wr = 0;

	if (h->mode == CGROUP_MODE_V2)
		t = read_in(h, CGROUP_CTL_BLKIO, id, "io.stat");
	else if (!(t = read_in(h, CGROUP_CTL_BLKIO, id, "blkio.throttle.io_service_bytes_recursive")))
		t = read_in(h, CGROUP_CTL_BLKIO, id, "blkio.throttle.io_service_bytes");
	if (t)
		cgroup_stats_blkio(t, &rd, &wr);
	return json_pack("{s:[{s:s, s:I}, {s:s, s:I}]}", "io_service_bytes_recursive", "op", "read", "value",
			 (json_int_t)rd, "op", "write", "value", (json_int_t)wr);
}

static json_t *
net_json(pid_t init)
{
	_cleanup_free_ char *t = NULL;
	char path[64];
	uint64_t rx = 0, tx = 0;

	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)init);
	if (init > 0 && fs_read_file(path, &t, NULL) == 0)
		cgroup_stats_net_dev(t, &rx, &tx);
	return json_pack("{s:{s:I, s:I}}", "total", "rx_bytes", (json_int_t)rx, "tx_bytes", (json_int_t)tx);
}

static uint64_t
system_cpu_ns(void)
{
	_cleanup_free_ char *t = NULL;
	long tck = sysconf(_SC_CLK_TCK);
	uint64_t ticks = 0;

	if (fs_read_file("/proc/stat", &t, NULL) < 0 || cgroup_stats_proc_stat_ticks(t, &ticks) < 0 || tck <= 0)
		return 0;
	return ticks * (1000000000ULL / (uint64_t)tck);
}

json_t *
ctr_stats_sample(struct daemon *d, const struct ctr *c)
{
	bool running = c->rt.status == CTR_RUNNING;
	const char *id = c->spec.id;
	struct timespec now;
	char read[LOG_RECORD_TIME_LEN + 1];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	clock_gettime(CLOCK_REALTIME, &now);
	log_record_format_time((int64_t)now.tv_sec * 1000000000 + now.tv_nsec, read, sizeof(read));
	if (!running)
		return json_pack("{s:s, s:s, s:s, s:b}", "id", id, "name", c->spec.name, "read", read, "running", 0);
	return json_pack("{s:s, s:s, s:s, s:b, s:{s:{s:I}, s:I, s:i}, s:o, s:o, s:o, s:{s:I}}", "id", id, "name",
			 c->spec.name, "read", read, "running", 1, "cpu_stats", "cpu_usage", "total_usage",
			 (json_int_t)cpu_usage_ns(d, id), "system_cpu_usage", (json_int_t)system_cpu_ns(),
			 "online_cpus", (int)(ncpu > 0 ? ncpu : 1), "memory_stats", memory_json(d, id), "networks",
			 net_json(c->rt.init_pid), "blkio_stats", blkio_json(d, id), "pids_stats", "current",
			 (json_int_t)number_in(&d->cgroups, CGROUP_CTL_PIDS, id, "pids.current"));
}

int
ctr_stats_pids(struct daemon *d, const struct ctr *c, json_t **ret)
{
	_cleanup_free_ char *procs = read_in(&d->cgroups, CGROUP_CTL_PIDS, c->spec.id, "cgroup.procs");
	json_t *a = json_array();

	if (!procs)
		procs = read_in(&d->cgroups, CGROUP_CTL_MEMORY, c->spec.id, "cgroup.procs");
	if (!a)
		return -ENOMEM;
	for (char *l = procs; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (*l >= '0' && *l <= '9')
			json_array_append_new(a, json_integer(strtol(l, NULL, 10)));
	*ret = a;
	return 0;
}
