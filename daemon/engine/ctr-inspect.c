/* The inspect object of a container: state.json's fields, the live ones
 * (OOM kills so far, cgroup paths, log path), the health check's state
 * and the network settings. Above the table (ctr.c), the health checks
 * and the container's networks, which it asks for their parts. */
#include "ctr.h"
#include "ctr-sec.h"

#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "net-ctr.h"
#include "strv.h"

static json_t *
cgroup_json(struct daemon *d, struct ctr *c)
{
	json_t *paths = json_object();
	char dir[PATH_MAX];

	for (int i = 0; i < CGROUP_CTL_MAX; i++)
		if (d->cgroups.has[i] && cgroup_values_dir(&d->cgroups, (enum cgroup_ctl)i, c->spec.id, dir, sizeof(dir)) == 0)
			json_object_set_new(paths, cgroup_values_ctl_name((enum cgroup_ctl)i), json_string(dir));
	return json_pack("{s:s, s:o}", "mode", d->cgroups.mode == CGROUP_MODE_V2 ? "v2" : "v1", "paths", paths);
}

static json_t *
inspect_core(struct daemon *d, struct ctr *c)
{
	const struct cgroup_limits *l = &c->spec.limits;
	bool oom = c->rt.oom_killed;
	uint64_t kills = 0;
	char cpus[32], log_path[PATH_MAX + 16];
	json_t *o;

	ctr_dir(d, c, log_path, PATH_MAX);
	strcat(log_path, "/container.log");
	/* a process other than init may have been OOM-killed already */
	if (ctr_is_running(c) && cgroup_oom_kill_count(&d->cgroups, c->spec.id, &kills) == 0 && kills)
		oom = true;
	snprintf(cpus, sizeof(cpus), "%llu.%03llu", (unsigned long long)(l->millicpus / 1000),
		 (unsigned long long)(l->millicpus % 1000));
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:i,"
			 " s:{s:s, s:b, s:i, s:i, s:b, s:I, s:I, s:s?},"
			 " s:{s:s, s:o, s:s, s:I, s:I, s:s, s:I, s:b, s:b},"
			 " s:o, s:s}",
			 "id", c->spec.id, "name", c->spec.name, "image", c->spec.image,
			 "image_id", c->spec.image_id, "command", strv_to_json(c->spec.cmd),
			 "created", (json_int_t)c->spec.created, "owner_uid", (int)c->spec.owner_uid,
			 "state", "status", ctr_state_name(c), "running", ctr_is_running(c),
			 "pid", ctr_is_running(c) ? (int)c->rt.init_pid : 0, "exit_code", c->rt.exit_code,
			 "oom_killed", oom, "started_at", (json_int_t)c->rt.started_at,
			 "finished_at", (json_int_t)c->rt.finished_at, "error", c->rt.error,
			 "config", "hostname", c->spec.hostname, "env", strv_to_json(c->spec.env),
			 "working_dir", c->spec.cwd[0] ? c->spec.cwd : "/",
			 "memory", (json_int_t)l->memory_bytes, "memory_swap", (json_int_t)l->memory_swap_bytes,
			 "cpus", l->millicpus ? cpus : "0", "pids_limit", (json_int_t)l->pids_limit,
			 "auto_remove", c->spec.auto_remove, "open_stdin", c->spec.open_stdin,
			 "cgroup", cgroup_json(d, c), "log_path", log_path);
	/* the rest of the run flags, as given */
	json_t *cfg = json_object_get(o, "config");
	json_object_set_new(cfg, "labels", c->spec.labels ? json_incref(c->spec.labels) : json_object());
	json_object_set_new(cfg, "user", json_string(c->spec.user));
	json_object_set_new(cfg, "tty", json_boolean(c->spec.tty));
	json_object_set_new(cfg, "read_only", json_boolean(c->spec.read_only));
	json_object_set_new(cfg, "shm_size", json_string(c->spec.shm_size[0] ? c->spec.shm_size : "67108864"));
	json_object_set_new(cfg, "rlimits", c->spec.rlimits ? json_incref(c->spec.rlimits) : json_array());
	json_object_set_new(cfg, "security", ctr_sec_inspect(c));
	json_object_set_new(o, "mounts", c->spec.mounts ? json_deep_copy(c->spec.mounts) : json_array());
	if (c->spec.healthcheck) {
		json_object_set(cfg, "healthcheck", c->spec.healthcheck);
		json_object_set_new(json_object_get(o, "state"), "health", ctr_health_json(c));
	}
	return o;
}

json_t *
ctr_inspect_json(struct daemon *d, struct ctr *c)
{
	json_t *o = inspect_core(d, c);

	if (o)
		json_object_set_new(o, "network_settings", net_ctr_inspect(d, c));
	if (o) /* issue 13: Docker's HostConfig.RestartPolicy, RestartCount, State.Restarting */
		json_object_update_new(o, json_pack("{s:o, s:i}", "restart_policy", ctr_state_ext_policy_json(&c->spec.restart),
						    "restart_count", c->rt.restart_count));
	if (o)
		json_object_set_new(json_object_get(o, "state"), "restarting",
				    json_boolean(c->restart_timer && evtimer_pending(c->restart_timer, NULL)));
	return o;
}
