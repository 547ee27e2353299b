/* lite-docker-api: Docker's create body (Config + HostConfig +
 * NetworkingConfig) as the params of lite's own `create` (the same
 * request struct `lite create` fills), so every check, refusal and default
 * is lite's. A field lite has no equivalent for is refused when it would
 * change what runs (a silently ignored limit is worse than an error), and
 * ignored when it is only informational (the Docker CLI sends every field,
 * most at their zero value: only a value that asks for something counts).
 * Pure: unit-tested in tests/unit/test-docker-create-map.c;
 * docs/DOCKER-API.md lists the mapping. */
#include "docker-create-map.h"

#include <inttypes.h>
#include <stdbool.h>
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

static void
strv_append(json_t *p, const char *key, json_t *v)
{
	size_t i;
	json_t *e;

	json_array_foreach(v, i, e)
		if (json_is_string(e))
			append(p, key, json_string_value(e));
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

/* Mounts: [{"Type","Source","Target","ReadOnly","TmpfsOptions"}] ->
 * --mount specs. Options lite has no equivalent for are refused. */
static const char *
mounts(json_t *p, json_t *m)
{
	size_t i;
	json_t *e;

	json_array_foreach(m, i, e) {
		char *spec = NULL, opts[96] = "";
		const char *src = json_string_value(json_object_get(e, "Source"));
		const char *type = json_string_value(json_object_get(e, "Type")) ?: "volume";
		const char *prop = json_string_value(json_object_get(json_object_get(e, "BindOptions"), "Propagation"));
		json_t *vo = json_object_get(e, "VolumeOptions"), *to = json_object_get(e, "TmpfsOptions");

		if (prop && *prop && strcmp(prop, "rprivate"))
			return "HostConfig.Mounts[].BindOptions.Propagation (lite mounts are rprivate)";
		if (json_is_true(json_object_get(vo, "NoCopy")) ||
		    json_object_size(json_object_get(vo, "DriverConfig")) ||
		    json_object_size(json_object_get(vo, "Labels")))
			return "HostConfig.Mounts[].VolumeOptions (lite volumes are local, copied from the image)";
		if (json_integer_value(json_object_get(to, "SizeBytes")) > 0)
			snprintf(opts, sizeof(opts), ",tmpfs-size=%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(to, "SizeBytes")));
		if (json_integer_value(json_object_get(to, "Mode")) > 0)
			snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts), ",tmpfs-mode=%llo",
				 (unsigned long long)json_integer_value(json_object_get(to, "Mode")));
		if (asprintf(&spec, "type=%s%s%s,target=%s%s%s", type, src && *src ? ",source=" : "", src && *src ? src : "",
			     json_string_value(json_object_get(e, "Target")) ?: "",
			     json_is_true(json_object_get(e, "ReadOnly")) ? ",readonly" : "", opts) >= 0)
			append(p, "mounts", spec);
		free(spec);
	}
	return NULL;
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
	if (kind && !strcmp(kind, "CMD") && json_array_size(test) > 1) {
		/* lite runs a check with sh -c: the words, each quoted */
		char cmd[4096] = "";
		size_t off = 0;

		for (size_t i = 1; i < json_array_size(test); i++) {
			const char *w = json_string_value(json_array_get(test, i)) ?: "";

			off += (size_t)snprintf(cmd + off, off < sizeof(cmd) ? sizeof(cmd) - off : 0, "%s'", i > 1 ? " " : "");
			for (; *w && off < sizeof(cmd); w++)
				off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, *w == '\'' ? "'\\''" : "%c", *w);
			off += (size_t)snprintf(cmd + off, off < sizeof(cmd) ? sizeof(cmd) - off : 0, "'");
		}
		if (off < sizeof(cmd))
			json_object_set_new(p, "health_cmd", json_string(cmd));
	}
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

/* Does a field's value ask for something? The zero values the Docker CLI
 * always sends do not. */
static bool
asks(json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return false;
	if (json_is_string(v))
		return *json_string_value(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_object(v))
		return json_object_size(v) > 0;
	return true;
}

/* A field that asks for what lite cannot do: its name, or NULL. */
static const char *
unsupported(json_t *body, json_t *hc)
{
	static const char *const hc_fields[] = {
		"CpuRealtimePeriod", "CpuRealtimeRuntime", "KernelMemory", "KernelMemoryTCP", "OomKillDisable",
		"GroupAdd", "Sysctls", "CgroupParent", "Links", "DnsOptions", "DnsSearch", "BlkioWeightDevice",
		"BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "DeviceCgroupRules",
		"DeviceRequests", "MaskedPaths", "ReadonlyPaths", "Capabilities", "CpuCount", "CpuPercent",
		"IOMaximumIOps", "IOMaximumBandwidth", "StorageOpt", "ContainerIDFile",
	};
	static char name[64];
	json_t *v;
	const char *s;

	for (size_t i = 0; i < sizeof(hc_fields) / sizeof(hc_fields[0]); i++)
		if (asks(json_object_get(hc, hc_fields[i]))) {
			snprintf(name, sizeof(name), "HostConfig.%s", hc_fields[i]);
			return name;
		}
	if (asks(json_object_get(body, "Domainname")))
		return "Config.Domainname";
	if (asks(json_object_get(body, "MacAddress")))
		return "Config.MacAddress";
	v = json_object_get(hc, "MemorySwappiness");
	if (json_is_integer(v) && json_integer_value(v) != -1)
		return "HostConfig.MemorySwappiness";
	if ((s = json_string_value(json_object_get(hc, "UTSMode"))) && *s)
		return "HostConfig.UTSMode (lite gives each container its own UTS namespace)";
	if ((s = json_string_value(json_object_get(hc, "CgroupnsMode"))) && *s && strcmp(s, "private"))
		return "HostConfig.CgroupnsMode (lite containers have a private cgroup namespace)";
	if ((s = json_string_value(json_object_get(hc, "Runtime"))) && *s && strcmp(s, "lite") && strcmp(s, "runc"))
		return "HostConfig.Runtime (lite is its own runtime)";
	if ((s = json_string_value(json_object_get(hc, "VolumeDriver"))) && *s && strcmp(s, "local"))
		return "HostConfig.VolumeDriver (lite volumes are local)";
	if ((s = json_string_value(json_object_get(hc, "Isolation"))) && *s && strcmp(s, "default"))
		return "HostConfig.Isolation";
	return NULL;
}

/* CpuQuota/CpuPeriod -> cpus (lite's limit is the same CFS quota). */
static const char *
cpu_limit(json_t *p, json_t *hc)
{
	json_int_t nano = json_integer_value(json_object_get(hc, "NanoCpus"));
	json_int_t quota = json_integer_value(json_object_get(hc, "CpuQuota"));
	json_int_t period = json_integer_value(json_object_get(hc, "CpuPeriod"));
	char cpus[32];

	if (nano > 0 && (quota > 0 || period > 0))
		return "Conflicting options: Nano CPUs and CPU Period cannot both be set";
	if (period > 0 && quota <= 0)
		return "HostConfig.CpuPeriod without CpuQuota (lite sets the period with the quota only)";
	if (quota > 0) {
		if (!period)
			period = 100000;
		nano = quota * 1000000000 / period;
	}
	if (nano > 0) {
		snprintf(cpus, sizeof(cpus), "%.9g", (double)nano / 1e9);
		json_object_set_new(p, "cpus", json_string(cpus));
	}
	return NULL;
}

static void
log_config(json_t *p, json_t *lc)
{
	const char *k, *type = json_string_value(json_object_get(lc, "Type"));
	json_t *v;

	/* dockerd's default driver is json-file, and Docker clients read the
	 * logs only of json-file (or journald) containers (docker-py's run);
	 * lite's json-file is its local driver under that name */
	json_object_set_new(p, "log_driver", json_string(type && *type ? type : "json-file"));
	json_object_foreach(json_object_get(lc, "Config"), k, v) {
		char *kv = NULL;

		if (asprintf(&kv, "%s=%s", k, json_string_value(v) ?: "") >= 0)
			append(p, "log_opts", kv);
		free(kv);
	}
}

static void
restart_policy(json_t *p, json_t *rp)
{
	const char *name = json_string_value(json_object_get(rp, "Name"));
	json_int_t max = json_integer_value(json_object_get(rp, "MaximumRetryCount"));
	char spec[64];

	if (!name || !*name || !strcmp(name, "no"))
		return;
	if (!strcmp(name, "on-failure") && max > 0)
		snprintf(spec, sizeof(spec), "on-failure:%" JSON_INTEGER_FORMAT, max);
	else
		snprintf(spec, sizeof(spec), "%s", name);
	json_object_set_new(p, "restart", json_string(spec));
}

/* BlkioDeviceReadBps [{"Path","Rate"}] -> device_read_bps "PATH:RATE" */
static void
read_bps(json_t *p, json_t *l)
{
	size_t i;
	json_t *e;

	json_array_foreach(l, i, e) {
		char spec[600];

		snprintf(spec, sizeof(spec), "%s:%" JSON_INTEGER_FORMAT, json_string_value(json_object_get(e, "Path")) ?: "",
			 json_integer_value(json_object_get(e, "Rate")));
		append(p, "device_read_bps", spec);
	}
}

/* SecurityOpt: the Docker CLI sends seccomp=FILE as the file's text. */
static void
security_opts(json_t *p, json_t *l)
{
	size_t i;
	json_t *e;

	json_array_foreach(l, i, e) {
		const char *o = json_string_value(e) ?: "";

		if ((!strncmp(o, "seccomp=", 8) || !strncmp(o, "seccomp:", 8)) && o[8] == '{')
			json_object_set_new(p, "seccomp_profile", json_string(o + 8));
		else
			append(p, "security_opt", o);
	}
}

static const char *
host_config(json_t *p, json_t *hc)
{
	const char *net = json_string_value(json_object_get(hc, "NetworkMode")), *why;
	json_t *pids = json_object_get(hc, "PidsLimit"), *cs = json_object_get(hc, "ConsoleSize");
	const char *s;

	if ((why = cpu_limit(p, hc)))
		return why;
	strv_append(p, "volumes", json_object_get(hc, "Binds"));   /* after Config.Volumes */
	set_int(p, "memory", json_object_get(hc, "Memory"));
	set_int(p, "memory_swap", json_object_get(hc, "MemorySwap"));
	set_int(p, "memory_reservation", json_object_get(hc, "MemoryReservation"));
	set_int(p, "cpu_shares", json_object_get(hc, "CpuShares"));
	if (json_is_integer(pids))
		json_object_set_new(p, "pids_limit", json_integer(json_integer_value(pids) > 0 ? json_integer_value(pids) : -1));
	set_int(p, "shm_size", json_object_get(hc, "ShmSize"));
	set_int(p, "oom_score_adj", json_object_get(hc, "OomScoreAdj"));
	set_int(p, "blkio_weight", json_object_get(hc, "BlkioWeight"));
	set_str(p, "cpuset_cpus", json_object_get(hc, "CpusetCpus"));
	set_str(p, "cpuset_mems", json_object_get(hc, "CpusetMems"));
	read_bps(p, json_object_get(hc, "BlkioDeviceReadBps"));
	if (net && *net && strcmp(net, "default"))
		json_object_set_new(p, "network", json_string(net));
	port_bindings(p, json_object_get(hc, "PortBindings"));
	if (json_is_true(json_object_get(hc, "PublishAllPorts")))
		json_object_set_new(p, "publish_all", json_true());
	tmpfs(p, json_object_get(hc, "Tmpfs"));
	if ((why = mounts(p, json_object_get(hc, "Mounts"))))
		return why;
	ulimits(p, json_object_get(hc, "Ulimits"));
	devices(p, json_object_get(hc, "Devices"));
	set_strv(p, "dns", json_object_get(hc, "Dns"));
	set_strv(p, "add_host", json_object_get(hc, "ExtraHosts"));
	set_strv(p, "cap_add", json_object_get(hc, "CapAdd"));
	set_strv(p, "cap_drop", json_object_get(hc, "CapDrop"));
	security_opts(p, json_object_get(hc, "SecurityOpt"));
	set_strv(p, "volumes_from", json_object_get(hc, "VolumesFrom"));
	if (json_is_true(json_object_get(hc, "Privileged")))
		json_object_set_new(p, "privileged", json_true());
	if (json_is_true(json_object_get(hc, "ReadonlyRootfs")))
		json_object_set_new(p, "read_only", json_true());
	if (json_is_true(json_object_get(hc, "Init")))
		json_object_set_new(p, "init", json_true());
	if (json_is_true(json_object_get(hc, "AutoRemove")))
		json_object_set_new(p, "rm", json_true());
	if ((s = json_string_value(json_object_get(hc, "PidMode"))) && *s && strcmp(s, "private"))
		json_object_set_new(p, "pid", json_string(s));
	if ((s = json_string_value(json_object_get(hc, "IpcMode"))) && *s && strcmp(s, "private") && strcmp(s, "shareable"))
		json_object_set_new(p, "ipc", json_string(s));
	set_str(p, "userns", json_object_get(hc, "UsernsMode"));
	restart_policy(p, json_object_get(hc, "RestartPolicy"));
	log_config(p, json_object_get(hc, "LogConfig"));
	if (json_integer_value(json_array_get(cs, 0)) > 0 && json_integer_value(json_array_get(cs, 1)) > 0) {
		json_object_set(p, "rows", json_array_get(cs, 0));
		json_object_set(p, "cols", json_array_get(cs, 1));
	}
	return NULL;
}

static void
object_keys(json_t *p, const char *key, json_t *o)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
		append(p, key, k);
}

/* Is dir the target of one of HostConfig's Binds, Mounts or Tmpfs? */
static bool
mounted_by_host_config(json_t *hc, const char *dir)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(hc, "Binds"), i, e) {
		const char *b = json_string_value(e), *colon = b ? strchr(b, ':') : NULL;
		size_t len;

		if (!colon)
			continue;
		len = strcspn(colon + 1, ":");
		if (strlen(dir) == len && !strncmp(colon + 1, dir, len))
			return true;
	}
	json_array_foreach(json_object_get(hc, "Mounts"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "Target")) ?: "", dir))
			return true;
	return json_object_get(json_object_get(hc, "Tmpfs"), dir) != NULL;
}

/* Config.Volumes: an anonymous volume for each, unless HostConfig mounts
 * something there (docker-compose sends both for a named volume; Docker
 * makes one mount). */
static void
anonymous_volumes(json_t *p, json_t *volumes, json_t *hc)
{
	const char *dir;
	json_t *v;

	json_object_foreach(volumes, dir, v)
		if (!mounted_by_host_config(hc, dir))
			append(p, "volumes", dir);
}

static const char *
networking(json_t *p, json_t *body)
{
	json_t *endpoints = json_object_get(json_object_get(body, "NetworkingConfig"), "EndpointsConfig"), *e;
	const char *net;

	if (json_object_size(endpoints) > 1)
		return "NetworkingConfig.EndpointsConfig with more than one network (connect the others after the create)";
	json_object_foreach(endpoints, net, e) {
		json_t *ipam = json_object_get(e, "IPAMConfig");

		if (asks(json_object_get(ipam, "IPv6Address")) || asks(json_object_get(ipam, "LinkLocalIPs")))
			return "NetworkingConfig.EndpointsConfig.IPAMConfig: IPv6 addresses (lite networks are IPv4)";
		if (asks(json_object_get(e, "Links")) || asks(json_object_get(e, "DriverOpts")) ||
		    asks(json_object_get(e, "MacAddress")))
			return "NetworkingConfig.EndpointsConfig: Links, DriverOpts and MacAddress";
		if (!json_object_get(p, "network") && strcmp(net, "default"))
			json_object_set_new(p, "network", json_string(net));
		set_str(p, "ip", json_object_get(ipam, "IPv4Address"));
		set_strv(p, "network_aliases", json_object_get(e, "Aliases"));
	}
	return NULL;
}

json_t *
docker_create_map_params(json_t *body, const char *name, const char **why)
{
	json_t *p = json_object(), *ep = json_object_get(body, "Entrypoint"), *hc = json_object_get(body, "HostConfig");

	if ((*why = unsupported(body, hc))) {
		json_decref(p);
		return NULL;
	}
	set_str(p, "image", json_object_get(body, "Image"));
	set_strv(p, "cmd", json_object_get(body, "Cmd"));
	if (json_is_string(json_object_get(body, "Cmd")))
		json_object_set_new(p, "cmd", json_pack("[O]", json_object_get(body, "Cmd")));
	if (json_is_array(ep))
		json_object_set(p, "entrypoint", ep);
	else if (json_is_string(ep))
		json_object_set_new(p, "entrypoint", json_pack("[O]", ep));
	set_strv(p, "env", json_object_get(body, "Env"));
	set_str(p, "user", json_object_get(body, "User"));
	set_str(p, "workdir", json_object_get(body, "WorkingDir"));
	set_str(p, "hostname", json_object_get(body, "Hostname"));
	set_str(p, "stop_signal", json_object_get(body, "StopSignal"));
	if (json_is_integer(json_object_get(body, "StopTimeout")))
		json_object_set(p, "stop_timeout", json_object_get(body, "StopTimeout"));
	if (json_is_true(json_object_get(body, "Tty")))
		json_object_set_new(p, "tty", json_true());
	if (json_is_true(json_object_get(body, "OpenStdin")))
		json_object_set_new(p, "stdin", json_true());
	if (json_is_true(json_object_get(body, "NetworkDisabled")))
		json_object_set_new(p, "network", json_string("none"));
	labels(p, json_object_get(body, "Labels"));
	object_keys(p, "expose", json_object_get(body, "ExposedPorts"));
	anonymous_volumes(p, json_object_get(body, "Volumes"), hc);
	if (json_is_object(json_object_get(body, "Healthcheck")))
		healthcheck(p, json_object_get(body, "Healthcheck"));
	if ((*why = host_config(p, hc)) || (*why = networking(p, body))) {
		json_decref(p);
		return NULL;
	}
	if (name && *name)
		json_object_set_new(p, "name", json_string(name[0] == '/' ? name + 1 : name));
	return p;
}

