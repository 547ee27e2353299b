/* The numbers of `lite stats` out of the texts of cgroup v1 and v2 files
 * and /proc (cgroup-stats.c). Pure: the engine reads the files
 * (ctr-stats.c), these parse them; unit-tested in
 * tests/unit/test-cgroup-stats.c. */
#pragma once

#include <stdint.h>

/* The value of "KEY N" in a flat keyed file (memory.stat, cpu.stat);
 * -ENOENT when absent. */
int cgroup_stats_keyed(const char *text, const char *key, uint64_t *ret);
/* A single number ("12345\n"); v2's "max" gives UINT64_MAX. */
int cgroup_stats_number(const char *text, uint64_t *ret);
/* Bytes read and written, summed over devices: v1
 * blkio.throttle.io_service_bytes ("8:0 Read 4096") or v2 io.stat
 * ("8:0 rbytes=4096 wbytes=0 ..."). */
void cgroup_stats_blkio(const char *text, uint64_t *ret_read, uint64_t *ret_write);
/* Bytes received and sent by every interface but lo, from /proc/PID/net/dev. */
void cgroup_stats_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx);
/* The host's CPU time in clock ticks, from /proc/stat's "cpu " line. */
int cgroup_stats_proc_stat_ticks(const char *text, uint64_t *ret);
/* utime + stime + cutime + cstime of a /proc/PID/stat text, in ticks. */
int cgroup_stats_pid_ticks(const char *text, uint64_t *ret);
