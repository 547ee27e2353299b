/* lite-docker-api: POST /containers/create. Docker's Config, HostConfig
 * and NetworkingConfig become the params of lite's own `create` (the same
 * request struct `lite create` fills), so every check, refusal and default
 * is lite's. A field lite has no equivalent for is refused when it would
 * change what runs (a silently ignored limit is worse than an error), and
 * ignored when it is only informational. */
#include "docker-api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
set_str(json_t *p, const char *key, json_t *v)
{
	if (json_is_string(v) && *json_string_value(v))
		json_object_set(p, key, v);
}

static void
set_strv(json_t *p, const char *key, json_t *v)
{
	if (json_is_array(v) && json_array_size(v))
		json_object_set(p, key, v);
}

static void
set_int(json_t *p, const char *key, json_t *v)
{
	if (json_is_integer(v) && json_integer_value(v))
		json_object_set(p, key, v);
}

static void
append(json_t *p, const char *key, const char *value)
{
	json_t *a = json_object_get(p, key);

	if (!a)
		json_object_set_new(p, key, a = json_array());
	json_array_append_new(a, json_string(value));
}

/* {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} -> ["8080:80/tcp"] */
static void
port_bindings(json_t *p, json_t *pb)
{
	const char *port;
	json_t *binds, *b;
	size_t i;

	json_object_foreach(pb, port, binds) {
		json_array_foreach(binds, i, b) {
			const char *ip = json_string_value(json_object_get(b, "HostIp")) ?: "";
			const char *hp = json_string_value(json_object_get(b, "HostPort")) ?: "";
			char spec[160];

			if (*ip)
				snprintf(spec, sizeof(spec), "%s:%s:%s", ip, hp, port);
			else if (*hp)
				snprintf(spec, sizeof(spec), "%s:%s", hp, port);
			else
				snprintf(spec, sizeof(spec), "%s", port);
			append(p, "publish", spec);
		}
	}
}

static void
labels(json_t *p, json_t *l)
{
	const char *k;
	json_t *v;

	json_object_foreach(l, k, v) {
		char *kv = NULL;

		if (asprintf(&kv, "%s=%s", k, json_string_value(v) ?: "") >= 0)
			append(p, "labels", kv);
		free(kv);
	}
}

static void
tmpfs(json_t *p, json_t *t)
{
	const char *dir;
	json_t *opts;

	json_object_foreach(t, dir, opts) {
		char *spec = NULL;
		const char *o = json_string_value(opts) ?: "";

		if (asprintf(&spec, "%s%s%s", dir, *o ? ":" : "", o) >= 0)
			append(p, "tmpfs", spec);
		free(spec);
	}
}

/* Mounts: [{"Type","Source","Target","ReadOnly"}] -> --mount specs */
static void
mounts(json_t *p, json_t *m)
{
	size_t i;
	json_t *e;

	json_array_foreach(m, i, e) {
		char *spec = NULL;
		const char *src = json_string_value(json_object_get(e, "Source"));

		if (asprintf(&spec, "type=%s%s%s,target=%s%s", json_string_value(json_object_get(e, "Type")) ?: "volume",
			     src && *src ? ",source=" : "", src && *src ? src : "",
			     json_string_value(json_object_get(e, "Target")) ?: "",
			     json_is_true(json_object_get(e, "ReadOnly")) ? ",readonly" : "") >= 0)
			append(p, "mounts", spec);
		free(spec);
	}
}

static void
ulimits(json_t *p, json_t *u)
{
	size_t i;
	json_t *e;

	json_array_foreach(u, i, e) {
		char spec[128];

		snprintf(spec, sizeof(spec), "%s=%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT,
			 json_string_value(json_object_get(e, "Name")) ?: "", json_integer_value(json_object_get(e, "Soft")),
			 json_integer_value(json_object_get(e, "Hard")));
		append(p, "ulimits", spec);
	}
}

static void
devices(json_t *p, json_t *d)
{
	size_t i;
	json_t *e;

	json_array_foreach(d, i, e) {
		char spec[600];

		snprintf(spec, sizeof(spec), "%s:%s:%s", json_string_value(json_object_get(e, "PathOnHost")) ?: "",
			 json_string_value(json_object_get(e, "PathInContainer")) ?: "",
			 json_string_value(json_object_get(e, "CgroupPermissions")) ?: "rwm");
		append(p, "devices", spec);
	}
}

static void
healthcheck(json_t *p, json_t *h)
{
	json_t *test = json_object_get(h, "Test");
	const char *kind = json_string_value(json_array_get(test, 0));
	static const char *const durations[][2] = {
		{ "Interval", "health_interval" }, { "Timeout", "health_timeout" }, { "StartPeriod", "health_start_period" },
	};

	if (kind && !strcmp(kind, "NONE")) {
		json_object_set_new(p, "no_healthcheck", json_true());
		return;
	}
	if (kind && !strcmp(kind, "CMD-SHELL"))
		set_str(p, "health_cmd", json_array_get(test, 1));
	for (size_t i = 0; i < 3; i++) {
		json_int_t ns = json_integer_value(json_object_get(h, durations[i][0]));
		char d[32];

		if (ns > 0) {
			snprintf(d, sizeof(d), "%" JSON_INTEGER_FORMAT "ms", ns / 1000000);
			json_object_set_new(p, durations[i][1], json_string(d));
		}
	}
	set_int(p, "health_retries", json_object_get(h, "Retries"));
}

static void
host_config(json_t *p, json_t *hc)
{
	const char *net = json_string_value(json_object_get(hc, "NetworkMode"));
	json_int_t nano = json_integer_value(json_object_get(hc, "NanoCpus"));

	set_strv(p, "volumes", json_object_get(hc, "Binds"));
	set_int(p, "memory", json_object_get(hc, "Memory"));
	set_int(p, "memory_swap", json_object_get(hc, "MemorySwap"));
	set_int(p, "memory_reservation", json_object_get(hc, "MemoryReservation"));
	set_int(p, "cpu_shares", json_object_get(hc, "CpuShares"));
	set_int(p, "pids_limit", json_object_get(hc, "PidsLimit"));
	set_int(p, "shm_size", json_object_get(hc, "ShmSize"));
	set_int(p, "oom_score_adj", json_object_get(hc, "OomScoreAdj"));
	set_int(p, "blkio_weight", json_object_get(hc, "BlkioWeight"));
	set_str(p, "cpuset_cpus", json_object_get(hc, "CpusetCpus"));
	set_str(p, "cpuset_mems", json_object_get(hc, "CpusetMems"));
	if (nano > 0) {
		char cpus[32];

		snprintf(cpus, sizeof(cpus), "%.9g", (double)nano / 1e9);
		json_object_set_new(p, "cpus", json_string(cpus));
	}
	if (net && *net && strcmp(net, "default"))
		json_object_set_new(p, "network", json_string(net));
	port_bindings(p, json_object_get(hc, "PortBindings"));
	tmpfs(p, json_object_get(hc, "Tmpfs"));
	mounts(p, json_object_get(hc, "Mounts"));
	ulimits(p, json_object_get(hc, "Ulimits"));
	devices(p, json_object_get(hc, "Devices"));
	set_strv(p, "dns", json_object_get(hc, "Dns"));
	set_strv(p, "add_host", json_object_get(hc, "ExtraHosts"));
	set_strv(p, "cap_add", json_object_get(hc, "CapAdd"));
	set_strv(p, "cap_drop", json_object_get(hc, "CapDrop"));
	set_strv(p, "security_opt", json_object_get(hc, "SecurityOpt"));
	set_strv(p, "volumes_from", json_object_get(hc, "VolumesFrom"));
	if (json_is_true(json_object_get(hc, "Privileged")))
		json_object_set_new(p, "privileged", json_true());
	if (json_is_true(json_object_get(hc, "ReadonlyRootfs")))
		json_object_set_new(p, "read_only", json_true());
	if (json_is_true(json_object_get(hc, "Init")))
		json_object_set_new(p, "init", json_true());
	if (json_is_true(json_object_get(hc, "AutoRemove")))
		json_object_set_new(p, "rm", json_true());
	set_str(p, "pid", json_object_get(hc, "PidMode"));
	set_str(p, "ipc", json_object_get(hc, "IpcMode"));
	set_str(p, "userns", json_object_get(hc, "UsernsMode"));
}

/* Config + HostConfig + NetworkingConfig -> lite's create params. */
static json_t *
create_params(json_t *body, const char *name)
{
	json_t *p = json_object(), *ep = json_object_get(body, "Entrypoint");
	json_t *endpoints = json_object_get(json_object_get(body, "NetworkingConfig"), "EndpointsConfig"), *e;
	const char *net;

	set_str(p, "image", json_object_get(body, "Image"));
	set_strv(p, "cmd", json_object_get(body, "Cmd"));
	if (json_is_array(ep))
		json_object_set(p, "entrypoint", ep);
	else if (json_is_string(ep))
		json_object_set_new(p, "entrypoint", json_pack("[O]", ep));
	set_strv(p, "env", json_object_get(body, "Env"));
	set_str(p, "user", json_object_get(body, "User"));
	set_str(p, "workdir", json_object_get(body, "WorkingDir"));
	set_str(p, "hostname", json_object_get(body, "Hostname"));
	set_str(p, "stop_signal", json_object_get(body, "StopSignal"));
	set_int(p, "stop_timeout", json_object_get(body, "StopTimeout"));
	if (json_is_true(json_object_get(body, "Tty")))
		json_object_set_new(p, "tty", json_true());
	if (json_is_true(json_object_get(body, "OpenStdin")))
		json_object_set_new(p, "stdin", json_true());
	labels(p, json_object_get(body, "Labels"));
	if (json_is_object(json_object_get(body, "Healthcheck")))
		healthcheck(p, json_object_get(body, "Healthcheck"));
	host_config(p, json_object_get(body, "HostConfig"));
	json_object_foreach(endpoints, net, e) {
		set_str(p, "ip", json_object_get(json_object_get(e, "IPAMConfig"), "IPv4Address"));
		set_strv(p, "network_aliases", json_object_get(e, "Aliases"));
	}
	if (name && *name)
		json_object_set_new(p, "name", json_string(name[0] == '/' ? name + 1 : name));
	return p;
}

int
api_container_create(struct api *a)
{
	struct docker_err err;
	json_t *body = NULL, *res = NULL;

	if (http_read_json(a->c, a->r, 1 << 20, &body) < 0)
		return 1;
	if (!json_is_string(json_object_get(body, "Image"))) {
		json_decref(body);
		return http_send_error(a->c, 400, "Config.Image is required"), 0;
	}
	json_t *params = create_params(body, http_query(a->r, "name"));

	json_decref(body);
	if (docker_lite_call("create", params, &res, &err) < 0) {
		if (!strncmp(err.msg, "no such image", 13)) {
			/* Docker's words: the CLI pulls on a 404 "No such image" */
			err.msg[0] = 'N';
			err.status = 404;
		}
		return api_fail(a, &err);
	}
	http_send_json(a->c, 201, json_pack("{s:O,s:[]}", "Id", json_object_get(res, "id"), "Warnings"));
	json_decref(res);
	return 0;
}
