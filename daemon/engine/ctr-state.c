/* A container's state.json: the spec it was created with and its runtime
 * status, as one JSON object. Pure code, unit-tested. */
#include "ctr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device-spec.h"
#include "caps.h"
#include "format.h"
#include "strv.h"
#include "valid.h"

static const char *status_names[CTR_STATUS_MAX] = {
	[CTR_CREATED] = "created", [CTR_RUNNING] = "running", [CTR_EXITED] = "exited",
};

const char *
ctr_state_status_name(enum ctr_status st)
{
	return st < CTR_STATUS_MAX ? status_names[st] : "unknown";
}

void
ctr_state_spec_clear(struct ctr_spec *s)
{
	strv_free(s->cmd);
	strv_free(s->env);
	s->cmd = s->env = NULL;
	json_decref(s->mounts);
	json_decref(s->labels);
	json_decref(s->rlimits);
	json_decref(s->healthcheck);
	json_decref(s->devices);
	json_decref(s->entrypoint);
	s->mounts = s->labels = s->rlimits = s->healthcheck = s->devices = s->entrypoint = NULL;
	free(s->sec.seccomp_profile);
	s->sec.seccomp_profile = NULL;
	limits_pool_put(s->limits);
	s->limits = NULL;
}

static json_t *
sec_to_json(const struct ctr_sec *sec)
{
	return json_pack("{s:b, s:I, s:b, s:i, s:s?, s:b, s:b}", "privileged", sec->privileged, "caps",
			 (json_int_t)sec->caps, "no_new_privs", sec->no_new_privs, "seccomp", sec->seccomp,
			 "seccomp_profile", sec->seccomp_profile, "pid_host", sec->pid_host, "ipc_host", sec->ipc_host);
}

/* The "sec" object; absent in states written before it: the defaults. */
static int
parse_sec(json_t *o, struct ctr_sec *sec)
{
	int priv = 0, nnp = 1, seccomp = 0, pid_host = 0, ipc_host = 0;
	json_int_t caps = (json_int_t)CAPS_DEFAULT;
	const char *profile = json_string_value(json_object_get(o, "seccomp_profile"));

	if (o && json_unpack(o, "{s?b, s?I, s?b, s?i, s?b, s?b}", "privileged", &priv, "caps", &caps, "no_new_privs",
			     &nnp, "seccomp", &seccomp, "pid_host", &pid_host, "ipc_host", &ipc_host) < 0)
		return -EINVAL;
	*sec = (struct ctr_sec){ .privileged = priv, .caps = (uint64_t)caps, .no_new_privs = nnp, .seccomp = seccomp,
				 .pid_host = pid_host, .ipc_host = ipc_host };
	if (profile && !(sec->seccomp_profile = strdup(profile)))
		return -ENOMEM;
	return 0;
}

static json_t *state_core_json(const struct ctr_spec *s, const struct ctr_runtime *rt);

/* The device filter's part of "limits": absent when it is the default. */
static void
device_limits_to_json(const struct cgroup_limits *l, json_t *limits)
{
	json_t *a;

	if (l->devices_allow_all)
		json_object_set_new(limits, "devices_allow_all", json_true());
	if (!l->n_devices || !(a = json_array()))
		return;
	for (unsigned i = 0; i < l->n_devices; i++) {
		const struct cgroup_device_rule *r = &l->devices[i];
		char acc[4], type[2] = { r->type, '\0' };

		cgroup_values_device_access(r->access, acc);
		json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:s}", "type", type,
						   "major", (int)r->major, "minor", (int)r->minor, "access", acc));
	}
	json_object_set_new(limits, "devices", a);
}

static json_t *
caller_json(const struct userns_caller *c)
{
	json_t *groups = json_array();

	for (int i = 0; groups && i < c->n_groups; i++)
		json_array_append_new(groups, json_integer(c->groups[i]));
	return json_pack("{s:I, s:I, s:o*}", "uid", (json_int_t)c->uid, "gid", (json_int_t)c->gid, "groups", groups);
}

json_t *
ctr_state_to_json(const struct ctr_spec *s, const struct ctr_runtime *rt)
{
	json_t *o = state_core_json(s, rt);

	if (o && s->created_nsec > 0)
		json_object_set_new(o, "created_nsec", json_integer(s->created_nsec));
	if (o)
		json_object_set_new(o, "process", json_pack("{s:b, s:b, s:s, s:i, s:i, s:i, s:i}", "tty", s->tty,
							     "init", s->init, "user", s->user,
							     "stop_signal", s->stop_signal, "rows", s->rows,
							     "cols", s->cols, "stop_timeout", s->stop_timeout));
	if (o)
		json_object_set_new(o, "run", json_pack("{s:O?, s:O?, s:O?, s:s, s:b, s:b, s:i}", "mounts", s->mounts,
							 "labels", s->labels, "rlimits", s->rlimits,
							 "shm_size", s->shm_size, "read_only", s->read_only,
							 "oom_score_set", s->oom_score_set,
							 "oom_score_adj", s->oom_score_adj));
	if (o && s->healthcheck)
		json_object_set(json_object_get(o, "run"), "healthcheck", s->healthcheck);
	if (o && s->devices)
		json_object_set(json_object_get(o, "run"), "devices", s->devices);
	if (o)
		device_limits_to_json(s->limits ? s->limits : &limits_pool_none, json_object_get(o, "limits"));
	if (o)
		json_object_set_new(o, "sec", sec_to_json(&s->sec));
	if (o && rt->paused)
		json_object_set_new(json_object_get(o, "runtime"), "paused", json_true());
	if (o && s->caller.uid != 0)
		json_object_set_new(json_object_get(o, "run"), "caller", caller_json(&s->caller));
	if (o && s->entrypoint)
		json_object_set(o, "entrypoint", s->entrypoint);
	if (o && s->log.driver[0])
		json_object_set_new(o, "log", json_pack("{s:s, s:I, s:i, s:s, s:s}", "driver", s->log.driver, "max_size",
							 (json_int_t)s->log.max_size, "max_file", s->log.max_file,
							 "labels", s->log.labels, "env", s->log.env));
	if (o && s->userns.on)
		json_object_set_new(json_object_get(o, "run"), "userns",
				    json_pack("{s:I, s:I, s:I}", "uid_base", (json_int_t)s->userns.uid_base, "gid_base",
					      (json_int_t)s->userns.gid_base, "size", (json_int_t)s->userns.size));
	ctr_state_ext_to_json(o, s, rt);
	return o;
}

static json_t *
state_core_json(const struct ctr_spec *s, const struct ctr_runtime *rt)
{
	const struct cgroup_limits *l = s->limits ? s->limits : &limits_pool_none;

	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:I, s:I, s:b, s:b,"
			 " s:{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:s},"
			 " s:{s:s, s:i, s:i, s:i, s:b, s:I, s:I, s:s?}}",
			 "version", 1, "id", s->id, "name", s->name, "image", s->image,
			 "image_id", s->image_id, "cmd", strv_to_json(s->cmd),
			 "env", strv_to_json(s->env), "hostname", s->hostname, "cwd", s->cwd,
			 "owner_uid", (json_int_t)s->owner_uid, "created", (json_int_t)s->created,
			 "auto_remove", s->auto_remove, "open_stdin", s->open_stdin,
			 "limits", "memory", (json_int_t)l->memory_bytes,
			 "memory_swap", (json_int_t)l->memory_swap_bytes,
			 "millicpus", (json_int_t)l->millicpus, "cpu_shares", (json_int_t)l->cpu_shares,
			 "pids_limit", (json_int_t)l->pids_limit, "cpuset_cpus", l->cpuset_cpus,
			 "cpuset_mems", l->cpuset_mems, "memory_reservation", (json_int_t)l->memory_reservation,
			 "blkio_weight", (json_int_t)l->blkio_weight, "device_read_bps", l->device_read_bps,
			 "runtime", "status", ctr_state_status_name(rt->status), "shim_pid", (int)rt->shim_pid,
			 "init_pid", (int)rt->init_pid, "exit_code", rt->exit_code,
			 "oom_killed", rt->oom_killed, "started_at", (json_int_t)rt->started_at,
			 "finished_at", (json_int_t)rt->finished_at, "error", rt->error);
}

static int
copy_field(char *dst, size_t len, json_t *o, const char *key, bool required)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return required ? -EINVAL : 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= len)
		return -EINVAL;
	strcpy(dst, json_string_value(v));
	return 0;
}

static int
parse_device_limits(json_t *o, struct cgroup_limits *l)
{
	json_t *a = json_object_get(o, "devices"), *e;
	size_t i;

	l->devices_allow_all = json_is_true(json_object_get(o, "devices_allow_all"));
	if (json_array_size(a) > CGROUP_LIMITS_MAX_DEVICES)
		return -EINVAL;
	json_array_foreach(a, i, e) {
		struct cgroup_device_rule *r = &l->devices[l->n_devices++];
		const char *type = NULL, *access = NULL;
		int major = 0, minor = 0;

		if (json_unpack(e, "{s:s, s:i, s:i, s:s}", "type", &type, "major", &major, "minor", &minor,
				"access", &access) < 0 || strlen(type) != 1 || !strchr("abc", type[0]) ||
		    device_spec_access_parse(access, &r->access) < 0)
			return -EINVAL;
		r->type = type[0];
		r->major = major;
		r->minor = minor;
	}
	return 0;
}

static int
parse_limits(json_t *o, struct cgroup_limits *l)
{
	json_int_t mem = 0, swap = 0, cpus = 0, shares = 0, pids = 0, res = 0, weight = 0;

	if (json_unpack(o, "{s?I, s?I, s?I, s?I, s?I, s?I, s?I}", "memory", &mem, "memory_swap", &swap,
			"millicpus", &cpus, "cpu_shares", &shares, "pids_limit", &pids,
			"memory_reservation", &res, "blkio_weight", &weight) < 0 ||
	    copy_field(l->device_read_bps, sizeof(l->device_read_bps), o, "device_read_bps", false) < 0)
		return -EINVAL;
	l->memory_reservation = (uint64_t)res;
	l->blkio_weight = (unsigned)weight;
	l->memory_bytes = (uint64_t)mem;
	l->memory_swap_bytes = swap;
	l->millicpus = (uint64_t)cpus;
	l->cpu_shares = (uint64_t)shares;
	l->pids_limit = pids;
	if (copy_field(l->cpuset_cpus, sizeof(l->cpuset_cpus), o, "cpuset_cpus", false) < 0 ||
	    copy_field(l->cpuset_mems, sizeof(l->cpuset_mems), o, "cpuset_mems", false) < 0)
		return -EINVAL;
	return parse_device_limits(o, l);
}

static int
parse_runtime(json_t *o, struct ctr_runtime *rt)
{
	const char *status = NULL, *error = NULL;
	json_int_t started = 0, finished = 0;
	int shim = 0, init = 0, code = 0, oom = 0;

	if (json_unpack(o, "{s:s, s?i, s?i, s?i, s?b, s?I, s?I}", "status", &status,
			"shim_pid", &shim, "init_pid", &init, "exit_code", &code, "oom_killed", &oom,
			"started_at", &started, "finished_at", &finished) < 0)
		return -EINVAL;
	error = json_string_value(json_object_get(o, "error")); /* null when none */
	rt->status = CTR_STATUS_MAX;
	for (int i = 0; i < CTR_STATUS_MAX; i++)
		if (strcmp(status, status_names[i]) == 0)
			rt->status = (enum ctr_status)i;
	if (rt->status == CTR_STATUS_MAX)
		return -EINVAL;
	rt->shim_pid = shim;
	rt->init_pid = init;
	rt->exit_code = code;
	rt->oom_killed = oom;
	rt->started_at = started;
	rt->finished_at = finished;
	rt->error = error ? strdup(error) : NULL;
	rt->paused = json_is_true(json_object_get(o, "paused"));
	return 0;
}

/* "run"."caller" (issue 11 A2); absent = root. */
static int
parse_caller(json_t *o, struct ctr_spec *s)
{
	json_int_t uid = 0, gid = 0;
	json_t *groups = NULL, *g;
	size_t i;

	if (!o)
		return 0;
	if (json_unpack(o, "{s:I, s:I, s:o}", "uid", &uid, "gid", &gid, "groups", &groups) < 0 || uid <= 0 ||
	    gid < 0 || uid >= UINT32_MAX || gid >= UINT32_MAX || !json_is_array(groups) ||
	    json_array_size(groups) > USERNS_MAX_GROUPS)
		return -EINVAL;
	s->caller = (struct userns_caller){ .uid = (uid_t)uid, .gid = (gid_t)gid };
	json_array_foreach(groups, i, g) {
		if (!json_is_integer(g) || json_integer_value(g) < 0 || json_integer_value(g) >= UINT32_MAX)
			return -EINVAL;
		s->caller.groups[s->caller.n_groups++] = (gid_t)json_integer_value(g);
	}
	return 0;
}

/* "run"."userns" (issue 11): the container's host range; absent = none. */
static int
parse_userns(json_t *o, struct ctr_spec *s)
{
	json_int_t uid = 0, gid = 0, size = 0;

	if (!o)
		return 0;
	if (json_unpack(o, "{s:I, s:I, s:I}", "uid_base", &uid, "gid_base", &gid, "size", &size) < 0 || uid <= 0 ||
	    gid <= 0 || size <= 0 || uid > UINT32_MAX - size || gid > UINT32_MAX - size)
		return -EINVAL;
	s->userns = (struct userns_range){ .on = true, .uid_base = (uint32_t)uid, .gid_base = (uint32_t)gid,
					   .size = (uint32_t)size };
	return 0;
}

/* The "run" object (mounts, labels, limits); absent in older states. */
static int
parse_run(json_t *o, struct ctr_spec *s)
{
	json_t *v;
	int ro = 0, oom_set = 0, oom = 0;

	if (!o)
		return 0;
	if (json_unpack(o, "{s?b, s?b, s?i}", "read_only", &ro, "oom_score_set", &oom_set, "oom_score_adj", &oom) < 0 ||
	    copy_field(s->shm_size, sizeof(s->shm_size), o, "shm_size", false) < 0)
		return -EINVAL;
	if ((v = json_object_get(o, "mounts")) && json_is_array(v))
		s->mounts = json_incref(v);
	if ((v = json_object_get(o, "labels")) && json_is_object(v))
		s->labels = json_incref(v);
	if ((v = json_object_get(o, "rlimits")) && json_is_array(v))
		s->rlimits = json_incref(v);
	if ((v = json_object_get(o, "healthcheck")) && json_is_object(v))
		s->healthcheck = json_incref(v);
	if ((v = json_object_get(o, "devices")) && json_is_array(v))
		s->devices = json_incref(v);
	s->read_only = ro;
	s->oom_score_set = oom_set;
	s->oom_score_adj = oom;
	return parse_caller(json_object_get(o, "caller"), s) < 0 ? -EINVAL : parse_userns(json_object_get(o, "userns"), s);
}

/* The "log" object (issue 13); absent in older states: the defaults. */
static void
parse_log(json_t *o, struct ctr_spec *s)
{
	const char *driver = NULL, *labels = NULL, *env = NULL;
	json_int_t size = 0;
	int files = 0;

	if (!o || json_unpack(o, "{s?s, s?I, s?i, s?s, s?s}", "driver", &driver, "max_size", &size, "max_file", &files,
			      "labels", &labels, "env", &env) < 0)
		return;
	snprintf(s->log.labels, sizeof(s->log.labels), "%s", labels ?: "");
	snprintf(s->log.env, sizeof(s->log.env), "%s", env ?: "");
	snprintf(s->log.driver, sizeof(s->log.driver), "%s", driver ?: "");
	s->log.max_size = size > 0 ? (uint64_t)size : 0;
	s->log.max_file = files > 0 ? files : 0;
}

/* The "process" object; absent in states written before it existed. */
static int
parse_process(json_t *o, struct ctr_spec *s, char *errbuf, size_t errlen)
{
	int tty = 0, init = 0, sig = 0, rows = 0, cols = 0, stop_timeout = -1;

	s->stop_timeout = -1;
	if (!o)
		return 0;
	if (json_unpack(o, "{s?b, s?b, s?i, s?i, s?i, s?i}", "tty", &tty, "init", &init, "stop_signal", &sig,
			"rows", &rows, "cols", &cols, "stop_timeout", &stop_timeout) < 0 ||
	    copy_field(s->user, sizeof(s->user), o, "user", false) < 0) {
		ctr_state_spec_clear(s);
		snprintf(errbuf, errlen, "malformed container state: process");
		return -EINVAL;
	}
	s->tty = tty;
	s->init = init;
	s->stop_signal = sig;
	s->stop_timeout = stop_timeout;
	s->rows = (unsigned short)rows;
	s->cols = (unsigned short)cols;
	return 0;
}

int
ctr_state_from_json(json_t *o, struct ctr_spec *s, struct ctr_runtime *rt, char *errbuf, size_t errlen)
{
	json_int_t owner = 0, created = 0;
	int auto_remove = 0, open_stdin = 0;
	json_t *limits = NULL, *runtime = NULL;
	struct cgroup_limits parsed_limits = { 0 };

	memset(s, 0, sizeof(*s));
	memset(rt, 0, sizeof(*rt));
	ctr_state_ext_from_json(o, s, rt);
	if (json_unpack(o, "{s:I, s:I, s?b, s?b, s:o, s:o}", "owner_uid", &owner, "created", &created,
			"auto_remove", &auto_remove, "open_stdin", &open_stdin, "limits", &limits,
			"runtime", &runtime) < 0 ||
	    copy_field(s->id, sizeof(s->id), o, "id", true) < 0 || !valid_full_id(s->id) ||
	    copy_field(s->name, sizeof(s->name), o, "name", true) < 0 ||
	    copy_field(s->image, sizeof(s->image), o, "image", true) < 0 ||
	    copy_field(s->image_id, sizeof(s->image_id), o, "image_id", true) < 0 ||
	    copy_field(s->hostname, sizeof(s->hostname), o, "hostname", false) < 0 ||
	    copy_field(s->cwd, sizeof(s->cwd), o, "cwd", false) < 0 ||
	    parse_limits(limits, &parsed_limits) < 0 || parse_runtime(runtime, rt) < 0) {
		snprintf(errbuf, errlen, "malformed container state");
		return -EINVAL;
	}
	s->limits = limits_pool_get(&parsed_limits);
	if (!s->limits) {
		free(rt->error);
		rt->error = NULL;
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	s->cmd = strv_from_json(json_object_get(o, "cmd"));
	s->env = strv_from_json(json_object_get(o, "env"));
	if (!s->cmd || !s->env) {
		ctr_state_spec_clear(s);
		free(rt->error);
		rt->error = NULL;
		snprintf(errbuf, errlen, "malformed container state: cmd/env");
		return -EINVAL;
	}
	s->owner_uid = (uid_t)owner;
	s->created = created;
	s->created_nsec = (long)json_integer_value(json_object_get(o, "created_nsec"));
	if (s->created_nsec < 0 || s->created_nsec > 999999999)
		s->created_nsec = 0;
	s->auto_remove = auto_remove;
	s->open_stdin = open_stdin;
	parse_log(json_object_get(o, "log"), s);
	if (json_is_array(json_object_get(o, "entrypoint")))
		s->entrypoint = json_incref(json_object_get(o, "entrypoint"));
	if (parse_run(json_object_get(o, "run"), s) < 0 || parse_sec(json_object_get(o, "sec"), &s->sec) < 0) {
		ctr_state_spec_clear(s);
		snprintf(errbuf, errlen, "malformed container state: run");
		return -EINVAL;
	}
	return parse_process(json_object_get(o, "process"), s, errbuf, errlen);
}

void
ctr_state_status_text(const struct ctr *c, int64_t now, char *buf, size_t len)
{
	char ago[64];

	switch (c->rt.status) {
	case CTR_RUNNING:
		format_ago(now - c->rt.started_at, ago, sizeof(ago));
		ago[strlen(ago) - 4] = '\0'; /* "3 minutes ago" -> "3 minutes" */
		snprintf(buf, len, "Up %s%s%s%s%s", ago, c->rt.paused ? " (Paused)" : "",
			 c->rt.health[0] && !c->rt.paused ? " (" : "",
			 !c->rt.health[0] || c->rt.paused ? "" : !strcmp(c->rt.health, "starting") ? "health: starting" : c->rt.health,
			 c->rt.health[0] && !c->rt.paused ? ")" : "");
		break;
	case CTR_EXITED:
		format_ago(now - c->rt.finished_at, ago, sizeof(ago));
		snprintf(buf, len, "%s (%d) %s", c->restart_timer && evtimer_pending(c->restart_timer, NULL) ? "Restarting" : "Exited",
			 c->rt.exit_code, ago); /* Docker's "Restarting": the policy's back-off runs */
		break;
	default:
		snprintf(buf, len, "Created");
	}
}

const char *
ctr_state_name(const struct ctr *c)
{
	return c->rt.status == CTR_RUNNING && c->rt.paused ? "paused" : ctr_state_status_name(c->rt.status);
}
