/* Parsers for the files `lite stats` reads: memory.stat, cpu.stat,
 * blkio and io.stat, /proc/PID/net/dev, /proc/stat, /proc/PID/stat.
 * Pure. (The CPU % formula is the client's, cmd-stats.c.) */
#include "cgroup-stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cgroup_stats_keyed(const char *text, const char *key, uint64_t *ret)
{
	size_t n = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, n) == 0 && l[n] == ' ') {
			*ret = strtoull(l + n + 1, NULL, 10);
			return 0;
		}
	return -ENOENT;
}

int
cgroup_stats_number(const char *text, uint64_t *ret)
{
	char *end;

	if (strncmp(text, "max", 3) == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	*ret = strtoull(text, &end, 10);
	return 0;
}

void
cgroup_stats_blkio(const char *text, uint64_t *ret_read, uint64_t *ret_write)
{
	*ret_read = *ret_write = 0;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char op[16];
		unsigned long long v;
		const char *p;

		if (sscanf(l, "%*u:%*u %15s %llu", op, &v) == 2) { /* v1 */
			if (strcmp(op, "Read") == 0)
				*ret_read += v;
			else if (strcmp(op, "Write") == 0)
				*ret_write += v;
			continue;
		}
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if ((p = strstr(l, " rbytes=")) && p < l + len) /* v2 */
			*ret_read += strtoull(p + 8, NULL, 10);
		if ((p = strstr(l, " wbytes=")) && p < l + len)
			*ret_write += strtoull(p + 8, NULL, 10);
	}
}

void
cgroup_stats_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx)
{
	*ret_rx = *ret_tx = 0;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char name[64];
		unsigned long long rx, tx;

		/* "  eth0: RX bytes packets errs drop fifo frame compressed multicast TX bytes ..." */
		if (sscanf(l, " %63[^:]: %llu %*u %*u %*u %*u %*u %*u %*u %llu", name, &rx, &tx) != 3)
			continue;
		if (strcmp(name, "lo") == 0)
			continue;
		*ret_rx += rx;
		*ret_tx += tx;
	}
}

int
cgroup_stats_proc_stat_ticks(const char *text, uint64_t *ret)
{
	unsigned long long v[8] = { 0 };

	if (strncmp(text, "cpu ", 4) != 0 ||
	    sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7]) < 4)
		return -EINVAL;
	*ret = 0;
	for (int i = 0; i < 8; i++)
		*ret += v[i];
	return 0;
}

int
cgroup_stats_pid_ticks(const char *text, uint64_t *ret)
{
	const char *p = strrchr(text, ')'); /* the command may hold spaces and ')' */
	unsigned long long ut, st;
	long long cut, cst;

	/* after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld", &ut, &st, &cut,
			 &cst) != 4)
		return -EINVAL;
	*ret = ut + st + (uint64_t)(cut > 0 ? cut : 0) + (uint64_t)(cst > 0 ? cst : 0);
	return 0;
}
