/* The inspect object of a container: state.json's fields, the live ones
 * (OOM kills so far, cgroup paths, log path), the health check's state
 * and the network settings. Above the table (ctr.c), the health checks
 * and the container's networks, which it asks for their parts. */
#include "ctr.h"
#include "ctr-sec.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "daemon.h"
#include "image.h"
#include "net-ctr.h"
#include "parse.h"
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
	const struct cgroup_limits *l = c->spec.limits;
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

/* Capability names of a mask. */
static json_t *
cap_list(uint64_t mask)
{
	json_t *a = json_array();

	for (int i = 0; i <= CAPS_LAST; i++)
		if (mask & (UINT64_C(1) << i))
			json_array_append_new(a, json_string(caps_name(i)));
	return a;
}

/* Docker's Config.Entrypoint and Config.Cmd: the command lite keeps is
 * both joined; when it starts with the image's entrypoint, that part is
 * the entrypoint (an --entrypoint that differs shows as the command). */
static void
split_entrypoint(struct ctr *c, json_t *entry, json_t *cfg)
{
	size_t n = json_array_size(entry), i;
	json_t *e, *rest;

	for (i = 0; i < n; i++)
		if (!c->spec.cmd || !c->spec.cmd[i] ||
		    strcmp(c->spec.cmd[i], json_string_value(json_array_get(entry, i)) ?: "") != 0)
			return;
	if (n == 0 || !cfg)
		return;
	rest = json_array();
	for (char **a = c->spec.cmd + n; *a; a++)
		json_array_append_new(rest, json_string(*a));
	e = json_deep_copy(entry);
	json_object_set_new(cfg, "entrypoint", e);
	json_object_set_new(cfg, "cmd", rest);
}

/* The overlay's directories (Docker's GraphDriver.Data) and the files
 * bound over /etc. A missing image leaves lower_dir empty. */
static void
inspect_paths(struct daemon *d, struct ctr *c, json_t *o)
{
	char dir[PATH_MAX], xdir[PATH_MAX], *lower = NULL, **layers = NULL;
	struct lite_err err = { 0 };
	struct image *img = NULL;
	size_t len = 1;

	ctr_dir(d, c, dir, sizeof(dir));
	ctr_exec_dir(d, c, xdir, sizeof(xdir));
	if (image_load(d->cfg.data_root, c->spec.image_id, &img, &err) == 0 &&
	    image_layer_dirs(d->cfg.data_root, img, &layers, &err) == 0) {
		for (char **l = layers; *l; l++)
			len += strlen(*l) + 1;
		lower = calloc(1, len);
		for (char **l = layers; lower && *l; l++)
			strcat(strcat(lower, l == layers ? "" : ":"), *l);
		strv_free(layers);
	}
	if (c->spec.entrypoint) /* --entrypoint, as given */
		split_entrypoint(c, c->spec.entrypoint, json_object_get(o, "config"));
	else if (img)
		split_entrypoint(c, json_object_get(json_object_get(img->config, "config"), "Entrypoint"),
				 json_object_get(o, "config"));
	image_free(img);
	lite_err_clear(&err);
	json_object_set_new(o, "graph_driver", json_pack("{s:s, s:s+, s:s+, s:s+}", "lower_dir", lower ?: "",
							  "upper_dir", dir, "/upper", "merged_dir", xdir, "/rootfs",
							  "work_dir", dir, "/work"));
	json_object_update_new(o, json_pack("{s:s+, s:s+, s:s+}", "hosts_path", dir, "/hosts", "hostname_path", dir,
					    "/hostname", "resolv_conf_path", dir, "/resolv.conf"));
	free(lower);
}

/* The run flags Docker's inspect shows that the core object lacked
 * (issue 12): appended, so older readers see the same keys as before. */
static void
inspect_more(struct ctr *c, json_t *o)
{
	const struct cgroup_limits *l = c->spec.limits;
	json_t *cfg = json_object_get(o, "config"), *sec = json_object_get(cfg, "security");
	uint64_t caps = c->spec.sec.caps;
	char stop_signal[32];

	snprintf(stop_signal, sizeof(stop_signal), "SIG%s", parse_signal_name(c->spec.stop_signal ?: SIGTERM) ?: "TERM");
	json_object_update_new(cfg, json_pack("{s:s, s:i, s:b, s:o, s:I, s:I, s:s, s:s, s:I, s:i}",
					      "stop_signal", stop_signal,
					      "stop_timeout", c->spec.stop_timeout, "init", c->spec.init,
					      "devices", c->spec.devices ? json_incref(c->spec.devices) : json_array(),
					      "cpu_shares", (json_int_t)l->cpu_shares,
					      "nano_cpus", (json_int_t)(l->millicpus * 1000000),
					      "cpuset_cpus", l->cpuset_cpus, "cpuset_mems", l->cpuset_mems,
					      "memory_reservation", (json_int_t)l->memory_reservation,
					      "blkio_weight", (int)l->blkio_weight));
	/* Docker's CapAdd/CapDrop: the difference from its default set */
	if (sec && !c->spec.sec.privileged)
		json_object_update_new(sec, json_pack("{s:o, s:o}", "cap_add", cap_list(caps & ~CAPS_DEFAULT), "cap_drop",
						      cap_list(CAPS_DEFAULT & ~caps)));
	else if (sec)
		json_object_update_new(sec, json_pack("{s:[], s:[]}", "cap_add", "cap_drop"));
}

json_t *
ctr_inspect_json(struct daemon *d, struct ctr *c)
{
	json_t *o = inspect_core(d, c);

	if (o) {
		json_object_set_new(o, "created_nsec", json_integer(c->spec.created_nsec));
		inspect_more(c, o);
		inspect_paths(d, c, o);
	}

	if (o)
		json_object_set_new(o, "network_settings", net_ctr_inspect(d, c));
	if (o) /* issue 13: Docker's HostConfig.RestartPolicy, RestartCount, State.Restarting */
		json_object_update_new(o, json_pack("{s:o, s:i}", "restart_policy", ctr_state_ext_policy_json(&c->spec.restart),
						    "restart_count", c->rt.restart_count));
	if (o)
		json_object_set_new(json_object_get(o, "state"), "restarting",
				    json_boolean(c->restart_timer && evtimer_pending(c->restart_timer, NULL)));
	if (o && c->spec.log.driver[0]) /* Docker's HostConfig.LogConfig (docker-shape.c) */
		json_object_set_new(o, "log", json_pack("{s:s, s:I, s:i}", "driver", c->spec.log.driver, "max_size",
							 (json_int_t)c->spec.log.max_size, "max_file", c->spec.log.max_file));
	return o;
}
