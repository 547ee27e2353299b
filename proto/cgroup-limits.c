/* The limit params of run, create and update, decoded once into struct
 * cgroup_limits; one rule and one message per field. */
#include "cgroup-limits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

int
cgroup_limits_check_memory(uint64_t bytes, struct lite_err *err)
{
	if (bytes && bytes < CGROUP_LIMITS_MIN_MEMORY)
		return lite_err_set(err, EINVAL, "invalid --memory: minimum memory limit allowed is 6MB");
	return 0;
}

/* A SIZE param as the user gave it, for a message. */
static const char *
size_text(json_t *params, const char *field, char *buf, size_t len)
{
	json_t *v = json_object_get(params, field);

	if (json_is_string(v))
		return json_string_value(v);
	snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	return buf;
}

static int
decode_memory(json_t *params, struct cgroup_limits *l, struct lite_err *err)
{
	uint64_t bytes = 0;
	char buf[32];
	int r;

	if (!json_object_get(params, "memory"))
		return 0;
	if (proto_get_size(params, "memory", &bytes) < 0)
		return lite_err_set(err, EINVAL, "invalid --memory \"%s\": expected a size like 512m",
				    size_text(params, "memory", buf, sizeof(buf)));
	r = cgroup_limits_check_memory(bytes, err);
	if (r == 0 && bytes)
		l->memory_bytes = bytes;
	return r;
}

static int
decode_cpu(json_t *params, struct cgroup_limits *l, struct lite_err *err)
{
	long long shares = proto_get_int(params, "cpu_shares", 0);

	if (json_object_get(params, "cpus") && proto_get_cpus(params, "cpus", &l->millicpus) < 0)
		return lite_err_set(err, EINVAL, "invalid --cpus: expected a number like 0.5");
	if (shares && (shares < 2 || shares > 262144))
		return lite_err_set(err, EINVAL, "invalid --cpu-shares: expected 2 to 262144");
	if (shares)
		l->cpu_shares = (uint64_t)shares;
	return 0;
}

/* "0-1,3": digits, commas and dashes, fitting dst. */
static int
decode_cpuset(json_t *params, const char *field, char *dst, size_t len, const char *flag, const char *example,
	      struct lite_err *err)
{
	const char *s = proto_get_str(params, field, NULL);

	if (!s)
		return 0;
	if (strlen(s) >= len || strspn(s, "0123456789,-") != strlen(s))
		return lite_err_set(err, EINVAL, "invalid --%s \"%s\": expected a list like %s", flag, s, example);
	snprintf(dst, len, "%s", s);
	return 0;
}

/* memory_reservation, blkio_weight, cpuset_cpus and cpuset_mems. */
static int
decode_more(json_t *params, struct cgroup_limits *l, struct lite_err *err)
{
	long long weight = proto_get_int(params, "blkio_weight", 0);
	uint64_t bytes = 0;

	if (json_object_get(params, "memory_reservation") && proto_get_size(params, "memory_reservation", &bytes) < 0)
		return lite_err_set(err, EINVAL, "invalid --memory-reservation: expected a size like 256m");
	if (bytes)
		l->memory_reservation = bytes;
	if (weight && (weight < 10 || weight > 1000))
		return lite_err_set(err, EINVAL, "invalid --blkio-weight %lld: expected 10 to 1000", weight);
	if (weight)
		l->blkio_weight = (unsigned)weight;
	if (decode_cpuset(params, "cpuset_cpus", l->cpuset_cpus, sizeof(l->cpuset_cpus), "cpuset-cpus", "0-1,3",
			  err) < 0)
		return -EINVAL;
	return decode_cpuset(params, "cpuset_mems", l->cpuset_mems, sizeof(l->cpuset_mems), "cpuset-mems", "0", err);
}

int
cgroup_limits_decode(json_t *params, struct cgroup_limits *l, struct lite_err *err)
{
	int r = decode_memory(params, l, err);

	if (r < 0)
		return r;
	if (json_object_get(params, "memory_swap")) {
		if (proto_get_int(params, "memory_swap", 0) < -1)
			return lite_err_set(err, EINVAL, "invalid --memory-swap: expected a size or -1");
		l->memory_swap_bytes = proto_get_int(params, "memory_swap", 0);
	}
	r = decode_cpu(params, l, err);
	if (r < 0)
		return r;
	if (json_object_get(params, "pids_limit")) {
		long long pids = proto_get_int(params, "pids_limit", 0);

		if (pids < -1 || pids == 0)
			return lite_err_set(err, EINVAL, "invalid --pids-limit: expected a positive number or -1");
		l->pids_limit = pids;
	}
	return decode_more(params, l, err);
}

int
cgroup_limits_check(const struct cgroup_limits *l, long ncpu, struct lite_err *err)
{
	if (l->millicpus && (l->millicpus < 10 || l->millicpus > (uint64_t)ncpu * 1000))
		return lite_err_set(err, EINVAL, "invalid --cpus: range of CPUs is from 0.01 to %ld.00, "
				    "as there are only %ld CPUs available", ncpu, ncpu);
	if (l->memory_swap_bytes > 0 && (uint64_t)l->memory_swap_bytes < l->memory_bytes)
		return lite_err_set(err, EINVAL, "invalid --memory-swap: must be at least --memory");
	if (l->memory_swap_bytes && !l->memory_bytes)
		return lite_err_set(err, EINVAL, "invalid --memory-swap: requires --memory");
	return 0;
}
