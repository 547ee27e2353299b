/* The `run` params beyond the basics: mounts and volumes, labels, ulimits,
 * /dev/shm size, a read-only root, OOM score, cpusets, memory reservation.
 * Each is validated here into the container's spec, so nothing is created
 * when one is wrong (the message names the flag). */
#include "run-flags.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "daemon.h"
#include "mount-spec.h"
#include "proto.h"
#include "str-util.h"
#include "ulimit.h"
#include "volume.h"

static json_t *
mount_json(const struct mount_spec *m, const char *source, const char *volume, bool anonymous)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:b}", "type", m->kind == MOUNT_TMPFS ? "tmpfs" : "bind",
			 "source", source, "target", m->target, "readonly", m->readonly, "options", m->options,
			 "volume", volume, "anonymous", anonymous);
}

/* A volume mount: named (created on first use) or anonymous. */
static int
add_volume(struct daemon *d, const struct mount_spec *m, json_t *out, struct lite_err *err)
{
	char name[129], path[4096];
	bool anonymous = !m->source[0];
	int r;

	if (anonymous)
		volume_anonymous_name(name);
	else
		snprintf(name, sizeof(name), "%s", m->source);
	r = volume_ensure(d->cfg.data_root, name, anonymous, path, sizeof(path), err);
	if (r < 0)
		return r;
	json_array_append_new(out, mount_json(m, path, name, anonymous));
	return 0;
}

static int
add_mount(struct daemon *d, const struct mount_spec *m, uid_t uid, json_t *out, struct lite_err *err)
{
	size_t i;
	json_t *e;

	json_array_foreach(out, i, e)
		if (strcmp(json_string_value(json_object_get(e, "target")), m->target) == 0)
			return lite_err_set(err, EINVAL, "duplicate mount point %s", m->target);
	if (m->kind == MOUNT_VOLUME)
		return add_volume(d, m, out, err);
	if (m->kind == MOUNT_BIND && uid != 0)
		/* until user namespaces land, a host path is root's to give */
		return lite_err_set(err, EPERM, "bind mounts of host paths are for root only (%s)", m->source);
	json_array_append_new(out, mount_json(m, m->kind == MOUNT_BIND ? m->source : "", "", false));
	return 0;
}

/* Each string of params[field] through parse, then into out. */
static int
parse_list(struct daemon *d, json_t *params, const char *field, uid_t uid, json_t *out,
	   int (*parse)(const char *, struct mount_spec *, char *, size_t), struct lite_err *err)
{
	struct mount_spec m;
	char msg[512];
	size_t i;
	json_t *e;
	int r;

	json_array_foreach(json_object_get(params, field), i, e) {
		if (parse(json_string_value(e), &m, msg, sizeof(msg)) < 0)
			return lite_err_set(err, EINVAL, "%s", msg);
		r = add_mount(d, &m, uid, out, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --volumes-from: every volume and bind of another container of ours. */
static int
volumes_from(struct daemon *d, json_t *params, uid_t uid, json_t *out, struct lite_err *err)
{
	size_t i, j;
	json_t *e, *m;

	json_array_foreach(json_object_get(params, "volumes_from"), i, e) {
		struct ctr *src;
		int r = ctr_lookup(d, json_string_value(e), uid, &src, err);

		if (r < 0)
			return lite_err_wrap(err, "--volumes-from");
		json_array_foreach(src->spec.mounts, j, m)
			if (strcmp(json_string_value(json_object_get(m, "type")), "tmpfs") != 0)
				json_array_append(out, m);
	}
	return 0;
}

static int
parse_mounts(struct daemon *d, json_t *params, uid_t uid, struct ctr_spec *s, struct lite_err *err)
{
	json_t *out = json_array();
	int r;

	r = parse_list(d, params, "volumes", uid, out, mount_parse_volume, err);
	if (r == 0)
		r = parse_list(d, params, "mounts", uid, out, mount_parse_mount, err);
	if (r == 0)
		r = parse_list(d, params, "tmpfs", uid, out, mount_parse_tmpfs, err);
	if (r == 0)
		r = volumes_from(d, params, uid, out, err);
	if (r < 0) {
		json_decref(out);
		return r;
	}
	s->mounts = out;
	return 0;
}

static int
parse_labels(json_t *params, struct ctr_spec *s, struct lite_err *err)
{
	json_t *labels = json_object(), *e;
	size_t i;

	json_array_foreach(json_object_get(params, "labels"), i, e) {
		const char *kv = json_string_value(e), *eq = strchr(kv, '=');
		char key[256];

		if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key)) {
			json_decref(labels);
			return lite_err_set(err, EINVAL, "invalid --label \"%s\": expected KEY=VALUE", kv);
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
		json_object_set_new(labels, key, json_string(eq + 1));
	}
	s->labels = labels;
	return 0;
}

static int
parse_ulimits(json_t *params, struct ctr_spec *s, struct lite_err *err)
{
	json_t *out = json_array(), *e;
	struct ulimit_spec u;
	char msg[256];
	size_t i;

	json_array_foreach(json_object_get(params, "ulimits"), i, e) {
		struct rlimit own;

		if (ulimit_parse(json_string_value(e), &u, msg, sizeof(msg)) < 0) {
			json_decref(out);
			return lite_err_set(err, EINVAL, "%s", msg);
		}
		/* containers cannot be given more than the engine itself has */
		if (getrlimit(u.resource, &own) == 0 && own.rlim_max != RLIM_INFINITY && u.hard > own.rlim_max) {
			json_decref(out);
			return lite_err_set(err, EINVAL, "invalid --ulimit \"%s\": above the engine's hard limit %llu",
					    json_string_value(e), (unsigned long long)own.rlim_max);
		}
		json_array_append_new(out, json_pack("{s:s, s:i, s:I, s:I}", "name", u.name, "resource", u.resource,
						     "soft", (json_int_t)u.soft, "hard", (json_int_t)u.hard));
	}
	s->rlimits = out;
	return 0;
}

static int
parse_misc(json_t *params, struct ctr_spec *s, struct lite_err *err)
{
	long long score = proto_get_int(params, "oom_score_adj", 0);
	const char *cpus = proto_get_str(params, "cpuset_cpus", ""), *mems = proto_get_str(params, "cpuset_mems", "");
	uint64_t bytes = 0;

	if (json_object_get(params, "shm_size")) {
		if (proto_get_size(params, "shm_size", &bytes) < 0 || bytes == 0)
			return lite_err_set(err, EINVAL, "invalid --shm-size: expected a size like 64m");
		snprintf(s->shm_size, sizeof(s->shm_size), "%llu", (unsigned long long)bytes);
	}
	s->read_only = proto_get_bool(params, "read_only", false);
	if (score < -1000 || score > 1000)
		return lite_err_set(err, EINVAL, "invalid --oom-score-adj %lld: expected -1000 to 1000", score);
	s->oom_score_set = json_object_get(params, "oom_score_adj") != NULL;
	s->oom_score_adj = (int)score;
	if (strlen(cpus) >= sizeof(s->limits.cpuset_cpus) || strspn(cpus, "0123456789,-") != strlen(cpus))
		return lite_err_set(err, EINVAL, "invalid --cpuset-cpus \"%s\": expected a list like 0-1,3", cpus);
	if (strlen(mems) >= sizeof(s->limits.cpuset_mems) || strspn(mems, "0123456789,-") != strlen(mems))
		return lite_err_set(err, EINVAL, "invalid --cpuset-mems \"%s\": expected a list like 0", mems);
	snprintf(s->limits.cpuset_cpus, sizeof(s->limits.cpuset_cpus), "%s", cpus);
	snprintf(s->limits.cpuset_mems, sizeof(s->limits.cpuset_mems), "%s", mems);
	if (json_object_get(params, "memory_reservation") &&
	    proto_get_size(params, "memory_reservation", &s->limits.memory_reservation) < 0)
		return lite_err_set(err, EINVAL, "invalid --memory-reservation: expected a size like 256m");
	return 0;
}

/* --blkio-weight and --device-read-bps /dev/sda:1mb ("MAJ:MIN BYTES" lines). */
static int
parse_blkio(json_t *params, struct cgroup_limits *l, struct lite_err *err)
{
	long long w = proto_get_int(params, "blkio_weight", 0);
	size_t i, off = 0;
	json_t *e;

	if (w && (w < 10 || w > 1000))
		return lite_err_set(err, EINVAL, "invalid --blkio-weight %lld: expected 10 to 1000", w);
	l->blkio_weight = (unsigned)w;
	json_array_foreach(json_object_get(params, "device_read_bps"), i, e) {
		const char *spec = json_string_value(e), *colon = strrchr(spec, ':');
		char dev[256];
		uint64_t bps;
		struct stat st;

		if (!colon || (size_t)(colon - spec) >= sizeof(dev) || parse_size(colon + 1, &bps) < 0)
			return lite_err_set(err, EINVAL, "invalid --device-read-bps \"%s\": expected DEVICE:RATE like /dev/sda:1mb", spec);
		snprintf(dev, sizeof(dev), "%.*s", (int)(colon - spec), spec);
		if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
			return lite_err_set(err, EINVAL, "invalid --device-read-bps \"%s\": %s is not a block device", spec, dev);
		off += (size_t)snprintf(l->device_read_bps + off, off < sizeof(l->device_read_bps) ? sizeof(l->device_read_bps) - off : 0,
					"%u:%u %llu\n", major(st.st_rdev), minor(st.st_rdev), (unsigned long long)bps);
		if (off >= sizeof(l->device_read_bps))
			return lite_err_set(err, EINVAL, "too many --device-read-bps");
	}
	return 0;
}

int
run_flags_parse(struct daemon *d, json_t *params, uid_t uid, struct ctr_spec *s, struct lite_err *err)
{
	int r = parse_misc(params, s, err);

	if (r == 0)
		r = parse_blkio(params, &s->limits, err);
	if (r == 0)
		r = parse_labels(params, s, err);
	if (r == 0)
		r = parse_ulimits(params, s, err);
	if (r == 0)
		r = parse_mounts(d, params, uid, s, err);
	return r;
}

json_t *
run_flags_shim_config(const struct ctr_spec *s)
{
	json_t *o = json_pack("{s:o?, s:O?, s:b}", "mounts", json_deep_copy(s->mounts), "rlimits", s->rlimits,
			      "read_only", s->read_only);
	json_t *m;
	size_t i;

	/* a volume's first use copies the image's files into it */
	json_array_foreach(json_object_get(o, "mounts"), i, m)
		if (*json_string_value(json_object_get(m, "volume")) && !json_object_get(m, "copy_up"))
			json_object_set_new(m, "copy_up", json_true());
	if (s->shm_size[0])
		json_object_set_new(o, "shm_size", json_string(s->shm_size));
	if (s->oom_score_set)
		json_object_set_new(o, "oom_score_adj", json_integer(s->oom_score_adj));
	return o;
}
