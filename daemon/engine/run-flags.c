/* The run params that need the engine's state: mounts and volumes (a
 * named volume is created on first use, a non-root caller's bind is opened
 * by the shim with the caller's own credentials, --volumes-from reads
 * another container), ulimits (at most the engine's own), block
 * devices (resolved to MAJ:MIN), and labels, /dev/shm size, a read-only
 * root and the OOM score into the container's spec. Their syntax was
 * checked when the request was decoded (proto/run-spec.c). */
#include "run-flags.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "daemon.h"
#include "events.h"
#include "run-devices.h"
#include "run-spec.h"
#include "shim-config.h"
#include "volume.h"

static json_t *
mount_json(const struct mount_spec *m, const char *source, const char *volume, bool anonymous)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:b}", "type", m->kind == MOUNT_TMPFS ? "tmpfs" : "bind",
			 "source", source, "target", m->target, "readonly", m->readonly, "options", m->options,
			 "volume", volume, "anonymous", anonymous);
}

/* A volume mount: named (created on first use) or anonymous; always one of
 * the caller's own volumes (volume.h), recorded with its owner. */
static int
add_volume(struct daemon *d, const struct mount_spec *m, uid_t uid, json_t *out, struct lite_err *err)
{
	json_t *e;
	char name[129], path[4096];
	bool anonymous = !m->source[0];
	int r;

	if (anonymous)
		volume_anonymous_name(name);
	else
		snprintf(name, sizeof(name), "%s", m->source);
	bool fresh = !volume_exists(d->cfg.data_root, uid, name);
	r = volume_ensure(d->cfg.data_root, uid, name, anonymous, path, sizeof(path), err);
	if (r < 0)
		return r;
	if (fresh)
		events_emit(d, "volume", "create", name, (int64_t)uid, events_attrs("driver", "local", NULL));
	e = mount_json(m, path, name, anonymous);
	if (!e || json_object_set_new(e, "volume_owner", json_integer((json_int_t)uid)) < 0) {
		json_decref(e);
		return lite_err_set(err, ENOMEM, "out of memory");
	}
	json_array_append_new(out, e);
	return 0;
}

/* The target's first real component is top ("//./proc/x" counts:
 * targets hold no "..", but may hold "." and doubled slashes). */
static bool
under(const char *path, const char *top)
{
	size_t n = strlen(top);

	for (const char *p = path; *p;) {
		size_t len;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		return len == n && strncmp(p, top, n) == 0;
	}
	return false;
}

static int
add_mount(struct daemon *d, const struct mount_spec *m, uid_t uid, json_t *out, struct lite_err *err)
{
	size_t i;
	json_t *e;

	json_array_foreach(out, i, e)
		if (strcmp(json_string_value(json_object_get(e, "target")), m->target) == 0)
			return lite_err_set(err, EINVAL, "duplicate mount point %s", m->target);
	/* issue 11 A2: the kernel's views are not a non-root caller's to cover */
	if (uid != 0 && (under(m->target, "proc") || under(m->target, "sys")))
		return lite_err_set(err, EPERM, "mount point %s: mounts over /proc and /sys are for root only", m->target);
	if (m->kind == MOUNT_VOLUME)
		return add_volume(d, m, uid, out, err);
	/* a non-root caller's host path: the shim opens it with the caller's
	 * credentials (issue 11 A2, shim_mount_from sets caller_check) */
	json_array_append_new(out, mount_json(m, m->kind == MOUNT_BIND ? m->source : "", "", false));
	return 0;
}

/* --volumes-from: every volume and bind of another container of ours. */
static int
volumes_from(struct daemon *d, const struct run_spec *rs, uid_t uid, json_t *out, struct lite_err *err)
{
	json_t *m;
	size_t j;

	for (char **ref = rs->volumes_from; ref && *ref; ref++) {
		struct ctr *src;
		int r = ctr_lookup(d, *ref, uid, &src, err);

		if (r < 0)
			return lite_err_wrap(err, "--volumes-from");
		json_array_foreach(src->spec.mounts, j, m) {
			json_t *copy;

			if (strcmp(json_string_value(json_object_get(m, "type")), "tmpfs") == 0)
				continue;
			/* src's anonymous volume stays src's: our --rm must not take it */
			copy = json_deep_copy(m);
			if (!copy || json_object_set_new(copy, "anonymous", json_false()) < 0) {
				json_decref(copy);
				return lite_err_set(err, ENOMEM, "out of memory");
			}
			json_array_append_new(out, copy);
		}
	}
	return 0;
}

static int
set_mounts(struct daemon *d, const struct run_spec *rs, uid_t uid, struct ctr_spec *s, struct lite_err *err)
{
	json_t *out = json_array();
	int r = out ? 0 : lite_err_set(err, ENOMEM, "out of memory");

	for (size_t i = 0; r == 0 && i < rs->n_mounts; i++)
		r = add_mount(d, &rs->mounts[i], uid, out, err);
	if (r == 0)
		r = volumes_from(d, rs, uid, out, err);
	if (r < 0) {
		json_decref(out);
		return r;
	}
	s->mounts = out;
	return 0;
}

static void
set_labels(const struct run_spec *rs, struct ctr_spec *s)
{
	s->labels = json_object();
	for (char **kv = rs->labels; s->labels && kv && *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		char key[256];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - *kv), *kv);
		json_object_set_new(s->labels, key, json_string(eq + 1));
	}
}

/* "nofile=1024:2048" as the user wrote it (or as Docker's API gives it). */
static void
ulimit_text(const struct ulimit_spec *u, char *buf, size_t len)
{
	char soft[24], hard[24];

	snprintf(soft, sizeof(soft), u->soft == RLIM_INFINITY ? "unlimited" : "%llu", u->soft);
	snprintf(hard, sizeof(hard), u->hard == RLIM_INFINITY ? "unlimited" : "%llu", u->hard);
	snprintf(buf, len, "%s=%s%s%s", u->name, soft, u->soft == u->hard ? "" : ":", u->soft == u->hard ? "" : hard);
}

/* Limits that raise a process's scheduling priority on the host (its
 * namespaces do not confine the scheduler): root's alone to give. */
static bool
host_priority_limit(int resource)
{
	return resource == RLIMIT_RTPRIO || resource == RLIMIT_NICE;
}

static int
set_rlimits(const struct run_spec *rs, uid_t uid, struct ctr_spec *s, struct lite_err *err)
{
	json_t *out = json_array();

	for (size_t i = 0; out && i < rs->n_ulimits; i++) {
		const struct ulimit_spec *u = &rs->ulimits[i];
		struct rlimit own;
		char text[64];

		if (uid != 0 && host_priority_limit(u->resource) && (u->soft || u->hard)) {
			json_decref(out);
			ulimit_text(u, text, sizeof(text));
			return lite_err_set(err, EPERM, "--ulimit \"%s\" is for root only: it would raise the container's "
							"scheduling priority on the host (other callers may set 0)", text);
		}

		/* containers cannot be given more than the engine itself has */
		if (getrlimit(u->resource, &own) == 0 && own.rlim_max != RLIM_INFINITY && u->hard > own.rlim_max) {
			json_decref(out);
			ulimit_text(u, text, sizeof(text));
			return lite_err_set(err, EINVAL, "invalid --ulimit \"%s\": above the engine's hard limit %llu", text,
					    (unsigned long long)own.rlim_max);
		}
		json_array_append_new(out, json_pack("{s:s, s:i, s:I, s:I}", "name", u->name, "resource", u->resource,
						     "soft", (json_int_t)u->soft, "hard", (json_int_t)u->hard));
	}
	s->rlimits = out;
	return 0;
}

/* --device-read-bps: each device's MAJ:MIN and rate, as "MAJ:MIN BYTES" lines. */
static int
set_device_rates(const struct run_spec *rs, struct cgroup_limits *l, struct lite_err *err)
{
	size_t off = 0;

	for (size_t i = 0; i < rs->n_device_read_bps; i++) {
		const struct run_spec_rate *rate = &rs->device_read_bps[i];
		struct stat st;

		if (stat(rate->device, &st) < 0 || !S_ISBLK(st.st_mode))
			return lite_err_set(err, EINVAL, "invalid --device-read-bps \"%s\": %s is not a block device",
					    rate->device, rate->device);
		off += (size_t)snprintf(l->device_read_bps + off, off < sizeof(l->device_read_bps) ? sizeof(l->device_read_bps) - off : 0,
					"%u:%u %llu\n", major(st.st_rdev), minor(st.st_rdev), (unsigned long long)rate->bps);
		if (off >= sizeof(l->device_read_bps))
			return lite_err_set(err, EINVAL, "too many --device-read-bps");
	}
	return 0;
}

int
run_flags_apply(struct daemon *d, const struct run_spec *rs, uid_t uid, struct ctr_spec *s, struct cgroup_limits *l,
		struct lite_err *err)
{
	int r;

	/* the shim writes it as host root: below 0 would shield the caller's
	 * container from the OOM killer at others' expense (CAP_SYS_RESOURCE's
	 * privilege); first, before anything is created */
	if (uid != 0 && rs->oom_score_set && rs->oom_score_adj < 0)
		return lite_err_set(err, EPERM, "--oom-score-adj %d is for root only: other callers may set 0 to 1000",
				    rs->oom_score_adj);
	if (rs->shm_size)
		snprintf(s->shm_size, sizeof(s->shm_size), "%llu", (unsigned long long)rs->shm_size);
	s->read_only = rs->read_only;
	s->oom_score_set = rs->oom_score_set;
	s->oom_score_adj = rs->oom_score_adj;
	s->log = rs->log;
	log_opts_resolve(&s->log, &d->cfg.log_defaults);
	set_labels(rs, s);
	if (!s->labels)
		return lite_err_set(err, ENOMEM, "out of memory");
	r = set_device_rates(rs, l, err);
	if (r == 0)
		r = run_devices_apply(rs, uid, s, l, err);
	if (r == 0)
		r = set_rlimits(rs, uid, s, err);
	if (r == 0)
		r = set_mounts(d, rs, uid, s, err);
	return r;
}

static int
shim_mount_from(const struct ctr_spec *s, json_t *m, struct shim_mount *sm)
{
	const char *volume = json_string_value(json_object_get(m, "volume")) ?: "";
	json_t *copy_up = json_object_get(m, "copy_up");

	sm->tmpfs = strcmp(json_string_value(json_object_get(m, "type")) ?: "", "tmpfs") == 0;
	sm->source = strdup(json_string_value(json_object_get(m, "source")) ?: "");
	sm->target = strdup(json_string_value(json_object_get(m, "target")) ?: "");
	sm->options = strdup(json_string_value(json_object_get(m, "options")) ?: "");
	sm->readonly = json_is_true(json_object_get(m, "readonly"));
	/* a volume's first use copies the image's files into it */
	sm->copy_up = json_is_boolean(copy_up) ? json_is_true(copy_up) : volume[0] != '\0';
	/* issue 11 A2: a host path of a non-root creator is opened as it */
	sm->caller_check = !sm->tmpfs && !volume[0] && s->owner_uid != 0;
	sm->tree_fd = -1;
	return sm->source && sm->target && sm->options ? 0 : -ENOMEM;
}

/* The log's caps; a state from before them gets the built-in defaults. */
static void
set_log_config(const struct ctr_spec *s, struct shim_config *cfg)
{
	struct log_opts lo = s->log;

	log_opts_resolve(&lo, NULL);
	cfg->log_off = strcmp(lo.driver, "none") == 0;
	cfg->log_max = (size_t)lo.max_size;
	cfg->log_files = lo.max_file;
}

int
run_flags_shim_config(const struct ctr_spec *s, struct shim_config *cfg)
{
	size_t i, n = json_array_size(s->mounts);
	json_t *e;

	cfg->mounts = calloc(n + 1, sizeof(*cfg->mounts));
	cfg->rlimits = calloc(json_array_size(s->rlimits) + 3, sizeof(*cfg->rlimits));
	if (!cfg->mounts || !cfg->rlimits)
		return -ENOMEM;
	json_array_foreach(s->mounts, i, e)
		if (shim_mount_from(s, e, &cfg->mounts[cfg->n_mounts++]) < 0)
			return -ENOMEM;
	json_array_foreach(s->rlimits, i, e) {
		struct shim_rlimit *rl = &cfg->rlimits[cfg->n_rlimits++];

		rl->resource = (int)json_integer_value(json_object_get(e, "resource"));
		rl->soft = (unsigned long long)json_integer_value(json_object_get(e, "soft"));
		rl->hard = (unsigned long long)json_integer_value(json_object_get(e, "hard"));
		if (s->owner_uid != 0 && host_priority_limit(rl->resource))
			cfg->n_rlimits--; /* a state from before the rule: set to 0 below */
	}
	/* a non-root caller's container never inherits the engine's own
	 * (a LimitRTPRIO= on the service would otherwise reach it) */
	if (s->owner_uid != 0) {
		cfg->rlimits[cfg->n_rlimits++] = (struct shim_rlimit){ .resource = RLIMIT_RTPRIO };
		cfg->rlimits[cfg->n_rlimits++] = (struct shim_rlimit){ .resource = RLIMIT_NICE };
	}
	cfg->read_only = s->read_only;
	cfg->caller.n_groups = -1;
	if (s->caller.uid != 0) {
		cfg->caller = (struct shim_caller){ .uid = s->caller.uid, .gid = s->caller.gid };
		for (int g = 0; g < s->caller.n_groups && g < SHIM_CONFIG_MAX_GROUPS; g++)
			cfg->caller.groups[cfg->caller.n_groups++] = s->caller.groups[g];
	}
	cfg->set_oom_score = s->oom_score_set;
	cfg->oom_score_adj = s->oom_score_adj;
	if (s->shm_size[0] && !(cfg->shm_size = strdup(s->shm_size)))
		return -ENOMEM;
	set_log_config(s, cfg);
	return run_devices_shim_config(s, cfg);
}
