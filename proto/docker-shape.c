/* lite's inspect objects (snake_case, documented in PROTOCOL.md) to
 * Docker's (docker inspect). Key order follows Docker's output, so a
 * person comparing the two finds fields where they expect them. Fields
 * lite has no notion of get Docker's zero value ("" , 0, false, null) so
 * templates written for docker never fail on them. Pure. */
#include "docker-shape.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
docker_shape_time(int64_t sec, long nsec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char frac[16] = "";
	int n;

	if (sec <= 0 && nsec <= 0) {
		snprintf(buf, len, "0001-01-01T00:00:00Z");
		return;
	}
	gmtime_r(&t, &tm);
	if (nsec > 0 && nsec < 1000000000) {
		snprintf(frac, sizeof(frac), ".%09ld", nsec);
		for (n = (int)strlen(frac); frac[n - 1] == '0'; n--) /* Go trims trailing zeros */
			frac[n - 1] = '\0';
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, frac);
}

/* A lite time: integer seconds, real seconds, or already a string. */
static json_t *
time_of(json_t *v)
{
	char buf[48];

	if (json_is_string(v))
		return json_incref(v);
	if (json_is_real(v)) {
		double d = json_real_value(v);

		docker_shape_time((int64_t)d, (long)((d - (double)(int64_t)d) * 1e9 + 0.5), buf, sizeof(buf));
	} else {
		docker_shape_time(json_integer_value(v), 0, buf, sizeof(buf));
	}
	return json_string(buf);
}

static json_t *
copy_or_null(json_t *v)
{
	return v && !json_is_null(v) ? json_deep_copy(v) : json_null();
}

/* An array that is empty becomes null, as Go's nil slices are marshalled. */
static json_t *
array_or_null(json_t *v)
{
	return json_array_size(v) ? json_deep_copy(v) : json_null();
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of a map's object with its keys in order: Go marshals and prints
 * maps sorted (labels, networks, ports), so scripts may rely on it. Takes
 * the reference to o. */
static json_t *
sorted(json_t *o)
{
	const char **keys, *k;
	json_t *out, *v;
	size_t n = 0;

	if (!json_is_object(o) || json_object_size(o) < 2)
		return o;
	keys = calloc(json_object_size(o), sizeof(*keys));
	out = json_object();
	if (!keys || !out) {
		free(keys);
		json_decref(out);
		return o;
	}
	json_object_foreach(o, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(o, keys[i]));
	free(keys);
	json_decref(o);
	return out;
}

static json_t *
labels_of(json_t *l)
{
	return json_is_object(l) ? sorted(json_deep_copy(l)) : json_object();
}

static json_t *
int_of(json_t *v)
{
	return json_integer(json_is_integer(v) ? json_integer_value(v) : 0);
}

static json_t *
get(json_t *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		o = json_object_get(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

static const char *
sget(json_t *o, const char *path)
{
	return json_string_value(get(o, path)) ?: "";
}

static bool
bget(json_t *o, const char *path)
{
	return json_is_true(get(o, path));
}

static json_int_t
iget(json_t *o, const char *path)
{
	json_t *v = get(o, path);

	return json_is_integer(v) ? json_integer_value(v) : json_is_real(v) ? (json_int_t)json_real_value(v) : 0;
}

/* ---------------------------------------------------------- containers */

/* created (seconds) and created_nsec, when lite has it */
static json_t *
created_of(json_t *l)
{
	char buf[48];

	if (!json_is_integer(json_object_get(l, "created_nsec")))
		return time_of(json_object_get(l, "created"));
	docker_shape_time(iget(l, "created"), (long)iget(l, "created_nsec"), buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
health(json_t *h)
{
	json_t *log, *e;
	size_t i;

	if (!json_is_object(h))
		return NULL;
	log = json_array();
	json_array_foreach(json_object_get(h, "log"), i, e)
		json_array_append_new(log, json_pack("{s:o, s:o, s:I, s:s}", "Start", time_of(json_object_get(e, "start")),
						     "End", time_of(json_object_get(e, "end")), "ExitCode",
						     iget(e, "exit_code"), "Output", sget(e, "output")));
	return json_pack("{s:s, s:I, s:o}", "Status", sget(h, "status"), "FailingStreak", iget(h, "failing_streak"), "Log",
			 log);
}

static json_t *
state(json_t *l)
{
	json_t *s = json_object_get(l, "state"), *o, *h;
	const char *status = sget(s, "status");
	bool restarting = bget(s, "restarting");

	o = json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:I, s:I, s:s, s:o, s:o}", "Status",
		      restarting && !bget(s, "running") ? "restarting" : status, "Running", bget(s, "running"), "Paused",
		      strcmp(status, "paused") == 0, "Restarting", restarting, "OOMKilled", bget(s, "oom_killed"), "Dead",
		      strcmp(status, "dead") == 0, "Pid", iget(s, "pid"), "ExitCode", iget(s, "exit_code"), "Error",
		      sget(s, "error"), "StartedAt", time_of(json_object_get(s, "started_at")), "FinishedAt",
		      time_of(json_object_get(s, "finished_at")));
	if (o && (h = health(json_object_get(s, "health"))))
		json_object_set_new(o, "Health", h);
	return o;
}

/* "80/tcp" keys: published ports, then exposed ones lite reports. */
static void
port_key(json_t *p, char *buf, size_t len)
{
	snprintf(buf, len, "%" JSON_INTEGER_FORMAT "/%s", iget(p, "container_port"),
		 *sget(p, "protocol") ? sget(p, "protocol") : "tcp");
}

/* NetworkSettings.Ports (bindings with the host address), HostConfig.
 * PortBindings (the address as given: "" for all) and Config.ExposedPorts. */
static void
ports(json_t *l, json_t **ret_ports, json_t **ret_bindings, json_t **ret_exposed)
{
	json_t *ps = json_object(), *pb = json_object(), *ex = json_object(), *p, *e;
	const char *k;
	char key[32], hp[16];
	size_t i;

	json_array_foreach(get(l, "network_settings.ports"), i, p) {
		const char *ip = sget(p, "host_ip");

		port_key(p, key, sizeof(key));
		snprintf(hp, sizeof(hp), "%" JSON_INTEGER_FORMAT, iget(p, "host_port"));
		if (!json_object_get(ps, key)) {
			json_object_set_new(ps, key, json_array());
			json_object_set_new(pb, key, json_array());
		}
		json_array_append_new(json_object_get(ps, key), json_pack("{s:s, s:s}", "HostIp", *ip ? ip : "0.0.0.0",
									   "HostPort", hp));
		json_array_append_new(json_object_get(pb, key), json_pack("{s:s, s:s}", "HostIp",
									   strcmp(ip, "0.0.0.0") ? ip : "", "HostPort", hp));
		json_object_set_new(ex, key, json_object());
	}
	/* --expose without -p: in Ports with no binding (null), as docker */
	e = get(l, "config.exposed_ports");
	json_array_foreach(e, i, p) {
		if (json_is_string(p))
			snprintf(key, sizeof(key), "%s%s", json_string_value(p), strchr(json_string_value(p), '/') ? "" : "/tcp");
		else
			port_key(p, key, sizeof(key));
		if (!json_object_get(ps, key))
			json_object_set_new(ps, key, json_null());
		json_object_set_new(ex, key, json_object());
	}
	json_object_foreach(json_is_object(e) ? e : NULL, k, p) {
		if (!json_object_get(ps, k))
			json_object_set_new(ps, k, json_null());
		json_object_set_new(ex, k, json_object());
	}
	*ret_ports = sorted(ps);
	*ret_bindings = sorted(pb);
	*ret_exposed = sorted(ex);
}

/* Mounts[], HostConfig.Binds (the -v specs), HostConfig.Tmpfs and
 * Config.Volumes (anonymous volumes' targets). */
static void
mounts(json_t *l, json_t **ret_mounts, json_t **ret_binds, json_t **ret_tmpfs, json_t **ret_volumes)
{
	json_t *ms = json_array(), *binds = json_array(), *tmpfs = json_object(), *vols = json_object(), *m;
	size_t i;
	char spec[4200];

	json_array_foreach(json_object_get(l, "mounts"), i, m) {
		const char *vol = sget(m, "volume"), *type = sget(m, "type"), *target = sget(m, "target");
		bool ro = bget(m, "readonly"), anon = bget(m, "anonymous");

		if (strcmp(type, "tmpfs") == 0) {
			json_object_set_new(tmpfs, target, json_string(sget(m, "options")));
			json_array_append_new(ms, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "Type", "tmpfs", "Source", "",
							    "Destination", target, "Mode", "", "RW", !ro, "Propagation", ""));
		} else if (*vol) {
			json_array_append_new(ms, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "Type", "volume", "Name",
							    vol, "Source", sget(m, "source"), "Destination", target,
							    "Driver", "local", "Mode", ro ? "ro" : "z", "RW", !ro,
							    "Propagation", ""));
			if (anon)
				json_object_set_new(vols, target, json_object());
			else if (snprintf(spec, sizeof(spec), "%s:%s%s", vol, target, ro ? ":ro" : "") > 0)
				json_array_append_new(binds, json_string(spec));
		} else {
			json_array_append_new(ms, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "Type", "bind", "Source",
							    sget(m, "source"), "Destination", target, "Mode", ro ? "ro" : "",
							    "RW", !ro, "Propagation", "rprivate"));
			if (snprintf(spec, sizeof(spec), "%s:%s%s", sget(m, "source"), target, ro ? ":ro" : "") > 0)
				json_array_append_new(binds, json_string(spec));
		}
	}
	*ret_mounts = ms;
	*ret_binds = json_array_size(binds) ? binds : (json_decref(binds), json_null());
	*ret_tmpfs = json_object_size(tmpfs) ? tmpfs : (json_decref(tmpfs), json_null());
	*ret_volumes = json_object_size(vols) ? vols : (json_decref(vols), json_null());
}

static json_t *
healthcheck(json_t *h)
{
	if (!json_is_object(h))
		return NULL;
	return json_pack("{s:o, s:I, s:I, s:I, s:I}", "Test", copy_or_null(json_object_get(h, "test")), "Interval",
			 iget(h, "interval"), "Timeout", iget(h, "timeout"), "StartPeriod", iget(h, "start_period"),
			 "Retries", iget(h, "retries"));
}

static json_t *
config(json_t *l, json_t *exposed, json_t *volumes)
{
	json_t *c = json_object_get(l, "config"), *o, *h;

	o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:o, s:b, s:b, s:b, s:o, s:o}", "Hostname", sget(c, "hostname"),
		      "Domainname", "", "User", sget(c, "user"), "AttachStdin", false, "AttachStdout", false,
		      "AttachStderr", false, "ExposedPorts", json_object_size(exposed) ? json_incref(exposed) : json_null(),
		      "Tty", bget(c, "tty"), "OpenStdin", bget(c, "open_stdin"), "StdinOnce", false, "Env",
		      copy_or_null(json_object_get(c, "env")), "Cmd",
		      copy_or_null(json_object_get(c, "cmd") ?: json_object_get(l, "command")));
	if (!o)
		return NULL;
	if ((h = healthcheck(json_object_get(c, "healthcheck"))))
		json_object_set_new(o, "Healthcheck", h);
	json_object_update_new(o, json_pack("{s:s, s:O, s:s, s:o, s:n, s:o}", "Image", sget(l, "image"), "Volumes", volumes,
					    "WorkingDir", sget(c, "working_dir"), "Entrypoint",
					    copy_or_null(json_object_get(c, "entrypoint")), "OnBuild", "Labels",
					    labels_of(json_object_get(c, "labels"))));
	if (*sget(c, "stop_signal"))
		json_object_set_new(o, "StopSignal", json_string(sget(c, "stop_signal")));
	if (iget(c, "stop_timeout") >= 0 && json_is_integer(get(c, "stop_timeout")))
		json_object_set_new(o, "StopTimeout", json_integer(iget(c, "stop_timeout")));
	return o;
}

static json_t *
devices(json_t *c)
{
	json_t *a = json_array(), *d;
	size_t i;

	json_array_foreach(json_object_get(c, "devices"), i, d)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "PathOnHost", sget(d, "host"), "PathInContainer",
						   *sget(d, "path") ? sget(d, "path") : sget(d, "host"), "CgroupPermissions",
						   *sget(d, "perm") ? sget(d, "perm") : "rwm"));
	return a;
}

static json_t *
ulimits(json_t *c)
{
	json_t *a = json_array(), *r;
	size_t i;

	json_array_foreach(json_object_get(c, "rlimits"), i, r)
		json_array_append_new(a, json_pack("{s:s, s:I, s:I}", "Name", sget(r, "name"), "Soft", iget(r, "soft"), "Hard",
						   iget(r, "hard")));
	if (json_array_size(a) == 0) {
		json_decref(a);
		return json_null();
	}
	return a;
}

static json_t *
log_config(json_t *l)
{
	json_t *lc = json_object_get(l, "log_config"), *lo = json_object_get(l, "log");
	json_t *cfg = json_object();
	char v[32];

	if (json_is_object(lc))
		return json_pack("{s:s, s:O}", "Type", sget(lc, "type"), "Config",
				 json_object_get(lc, "config") ?: json_object());
	if (iget(lo, "max_size") > 0 && snprintf(v, sizeof(v), "%" JSON_INTEGER_FORMAT, iget(lo, "max_size")) > 0)
		json_object_set_new(cfg, "max-size", json_string(v));
	if (iget(lo, "max_file") > 0 && snprintf(v, sizeof(v), "%" JSON_INTEGER_FORMAT, iget(lo, "max_file")) > 0)
		json_object_set_new(cfg, "max-file", json_string(v));
	return json_pack("{s:s, s:o}", "Type", *sget(lo, "driver") ? sget(lo, "driver") : "local", "Config", cfg);
}

static json_t *
security_opt(json_t *sec)
{
	json_t *a = json_array();

	if (strcmp(sget(sec, "seccomp"), "unconfined") == 0)
		json_array_append_new(a, json_string("seccomp=unconfined"));
	if (json_array_size(a) == 0) {
		json_decref(a);
		return json_null();
	}
	return a;
}

static json_t *
host_config(json_t *l, json_t *binds, json_t *bindings, json_t *tmpfs)
{
	json_t *c = json_object_get(l, "config"), *sec = json_object_get(c, "security"), *o;
	json_t *rp = json_object_get(l, "restart_policy");
	const char *mode = sget(l, "network_settings.mode");

	o = json_pack("{s:O, s:s, s:o, s:s, s:O, s:{s:s, s:I}, s:b, s:s, s:n, s:o, s:o, s:s, s:[], s:[], s:[], s:n,"
		      " s:n, s:s, s:s, s:n, s:I, s:s, s:b, s:b, s:b, s:o, s:s, s:s, s:I, s:s, s:[i,i], s:s}",
		      "Binds", binds, "ContainerIDFile", "", "LogConfig", log_config(l), "NetworkMode", *mode ? mode : "bridge",
		      "PortBindings", bindings, "RestartPolicy", "Name", *sget(rp, "name") ? sget(rp, "name") : "no",
		      "MaximumRetryCount", iget(rp, "maximum_retry_count"), "AutoRemove", bget(c, "auto_remove"),
		      "VolumeDriver", "", "VolumesFrom", "CapAdd", array_or_null(json_object_get(sec, "cap_add")), "CapDrop",
		      array_or_null(json_object_get(sec, "cap_drop")), "CgroupnsMode", "private", "Dns", "DnsOptions",
		      "DnsSearch", "ExtraHosts", "GroupAdd", "IpcMode", bget(sec, "ipc_host") ? "host" : "private",
		      "Cgroup", "", "Links", "OomScoreAdj", iget(c, "oom_score_adj"), "PidMode",
		      bget(sec, "pid_host") ? "host" : "", "Privileged", bget(sec, "privileged"), "PublishAllPorts",
		      bget(c, "publish_all") || bget(json_object_get(l, "network_settings"), "publish_all"), "ReadonlyRootfs", bget(c, "read_only"), "SecurityOpt", security_opt(sec),
		      "UTSMode", "", "UsernsMode", "", "ShmSize", (json_int_t)strtoll(sget(c, "shm_size"), NULL, 10), "Runtime",
		      "lite", "ConsoleSize", 0, 0, "Isolation", "");
	if (!o)
		return NULL;
	json_object_update_new(o, json_pack("{s:I, s:I, s:I, s:s, s:I, s:[], s:[], s:[], s:[], s:[], s:I, s:I,"
					    " s:I, s:I, s:s, s:s, s:o, s:n, s:I, s:I, s:n, s:b, s:o, s:o}",
					    "CpuShares", iget(c, "cpu_shares"), "Memory", iget(c, "memory"), "NanoCpus",
					    iget(c, "nano_cpus"), "CgroupParent", "", "BlkioWeight", iget(c, "blkio_weight"),
					    "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
					    "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod", (json_int_t)0, "CpuQuota",
					    (json_int_t)0, "CpuRealtimePeriod", (json_int_t)0, "CpuRealtimeRuntime",
					    (json_int_t)0, "CpusetCpus", sget(c, "cpuset_cpus"), "CpusetMems",
					    sget(c, "cpuset_mems"), "Devices", devices(c), "DeviceCgroupRules", "MemoryReservation", iget(c, "memory_reservation"),
					    "MemorySwap", iget(c, "memory_swap"), "MemorySwappiness", "OomKillDisable", false,
					    "PidsLimit", get(c, "pids_limit") && iget(c, "pids_limit") > 0
								 ? json_integer(iget(c, "pids_limit")) : json_null(),
					    "Ulimits", ulimits(c)));
	json_object_set_new(o, "Init", bget(c, "init") ? json_true() : json_null());
	json_object_set_new(o, "Tmpfs", tmpfs);
	return o;
}

static json_t *
networks(json_t *l, json_t **ret_default)
{
	json_t *ns = json_object_get(l, "network_settings"), *out = json_object(), *n, *aliases;
	const char *name;

	aliases = json_object_get(ns, "aliases");
	*ret_default = NULL;
	json_object_foreach(json_object_get(ns, "networks"), name, n) {
		json_t *e = json_pack("{s:n, s:n, s:o, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:i, s:n, s:n}", "IPAMConfig",
				      "Links", "Aliases", strcmp(name, "bridge") ? array_or_null(aliases) : json_null(), "MacAddress",
				      sget(n, "mac_address"), "NetworkID", sget(n, "network_id"), "EndpointID",
				      sget(n, "endpoint_id"), "Gateway", sget(n, "gateway"), "IPAddress", sget(n, "ip_address"),
				      "IPPrefixLen", iget(n, "prefix_len"), "IPv6Gateway", "", "GlobalIPv6Address", "",
				      "GlobalIPv6PrefixLen", 0, "DriverOpts", "DNSNames");

		json_object_set_new(out, name, e);
		if (strcmp(name, "bridge") == 0)
			*ret_default = e;
	}
	return sorted(out);
}

static json_t *
network_settings(json_t *l, json_t *port_map)
{
	json_t *def, *nets = networks(l, &def);

	/* Docker fills the top-level address from the default bridge only */
	return json_pack("{s:s, s:s, s:b, s:s, s:i, s:O, s:s, s:n, s:n, s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:s, s:o}",
			 "Bridge", "", "SandboxID", "", "HairpinMode", false, "LinkLocalIPv6Address", "",
			 "LinkLocalIPv6PrefixLen", 0, "Ports", port_map, "SandboxKey", "", "SecondaryIPAddresses",
			 "SecondaryIPv6Addresses", "EndpointID", sget(def, "EndpointID"), "Gateway", sget(def, "Gateway"),
			 "GlobalIPv6Address", "", "GlobalIPv6PrefixLen", 0, "IPAddress", sget(def, "IPAddress"),
			 "IPPrefixLen", (int)iget(def, "IPPrefixLen"), "IPv6Gateway", "", "MacAddress",
			 sget(def, "MacAddress"), "Networks", nets);
}

static json_t *
graph_driver(json_t *l)
{
	json_t *g = json_object_get(l, "graph_driver");

	if (!json_is_object(g))
		return json_pack("{s:s, s:n}", "Name", "overlay2", "Data");
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "Name", "overlay2", "Data", "LowerDir", sget(g, "lower_dir"),
			 "MergedDir", sget(g, "merged_dir"), "UpperDir", sget(g, "upper_dir"), "WorkDir",
			 sget(g, "work_dir"));
}

json_t *
docker_shape_container(json_t *l)
{
	json_t *cmd = json_object_get(l, "command"), *args = json_array(), *o, *port_map, *bindings, *exposed;
	json_t *ms, *binds, *tmpfs, *volumes;
	char name[140];

	for (size_t i = 1; i < json_array_size(cmd); i++)
		json_array_append(args, json_array_get(cmd, i));
	snprintf(name, sizeof(name), "/%s", sget(l, "name"));
	ports(l, &port_map, &bindings, &exposed);
	mounts(l, &ms, &binds, &tmpfs, &volumes);
	o = json_pack("{s:s, s:o, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:n}",
		      "Id", sget(l, "id"), "Created", created_of(l), "Path",
		      json_string_value(json_array_get(cmd, 0)) ?: "", "Args", args, "State", state(l), "Image",
		      sget(l, "image_id"), "ResolvConfPath", sget(l, "resolv_conf_path"), "HostnamePath",
		      sget(l, "hostname_path"), "HostsPath", sget(l, "hosts_path"), "LogPath", sget(l, "log_path"), "Name",
		      name, "RestartCount", iget(l, "restart_count"), "Driver", "overlay2", "Platform", "linux",
		      "MountLabel", "", "ProcessLabel", "", "AppArmorProfile", "", "ExecIDs");
	if (o)
		json_object_update_new(o, json_pack("{s:o, s:o}", "HostConfig", host_config(l, binds, bindings, tmpfs),
						    "GraphDriver", graph_driver(l)));
	if (o && json_object_get(l, "size_rw")) /* inspect --size */
		json_object_update_new(o, json_pack("{s:o, s:o}", "SizeRw", int_of(json_object_get(l, "size_rw")),
						    "SizeRootFs", int_of(json_object_get(l, "size_root_fs"))));
	if (o)
		json_object_update_new(o, json_pack("{s:o, s:o, s:o}", "Mounts", ms, "Config", config(l, exposed, volumes),
						    "NetworkSettings", network_settings(l, port_map)));
	else
		json_decref(ms);
	json_decref(binds);
	json_decref(bindings);
	json_decref(exposed);
	json_decref(port_map);
	json_decref(volumes);
	return o;
}

/* ---------------------------------------------------------- images */

static json_t *
image_config(json_t *c)
{
	static const char *const keys[] = { "Env", "Cmd", "Entrypoint", "Volumes", "OnBuild", "Labels", "ExposedPorts" };
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:s}", "Hostname", "", "Domainname", "",
			      "User", sget(c, "User"), "AttachStdin", false, "AttachStdout", false, "AttachStderr", false,
			      "Tty", false, "OpenStdin", false, "StdinOnce", false, "Image", "", "WorkingDir",
			      sget(c, "WorkingDir"));

	for (size_t i = 0; o && i < sizeof(keys) / sizeof(keys[0]); i++)
		json_object_set_new(o, keys[i], copy_or_null(json_object_get(c, keys[i])));
	if (o && json_object_get(c, "StopSignal"))
		json_object_set_new(o, "StopSignal", json_deep_copy(json_object_get(c, "StopSignal")));
	if (o && json_object_get(c, "Healthcheck"))
		json_object_set_new(o, "Healthcheck", json_deep_copy(json_object_get(c, "Healthcheck")));
	if (o && json_object_get(c, "Shell"))
		json_object_set_new(o, "Shell", json_deep_copy(json_object_get(c, "Shell")));
	return o;
}

json_t *
docker_shape_image(json_t *l)
{
	json_t *h = json_object_get(l, "History"), *last = json_array_get(h, json_array_size(h) - 1);

	return json_pack("{s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:I, s:{s:s, s:n},"
			 " s:{s:s, s:o}, s:{s:s}}",
			 "Id", sget(l, "Id"), "RepoTags", json_is_array(json_object_get(l, "RepoTags"))
								 ? json_deep_copy(json_object_get(l, "RepoTags")) : json_array(),
			 "RepoDigests", json_is_array(json_object_get(l, "RepoDigests"))
						? json_deep_copy(json_object_get(l, "RepoDigests")) : json_array(),
			 "Parent", sget(l, "Parent"), "Comment", sget(last, "comment"), "Created",
			 time_of(json_object_get(l, "Created")), "DockerVersion", "", "Author", sget(l, "Author"),
			 "Config", image_config(json_object_get(l, "Config")), "Architecture", sget(l, "Architecture"),
			 "Os", sget(l, "Os"), "Size", iget(l, "Size"), "GraphDriver", "Name", "overlay2", "Data",
			 "RootFS", "Type", "layers", "Layers", json_is_array(get(l, "RootFS.Layers"))
								  ? json_deep_copy(get(l, "RootFS.Layers")) : json_array(),
			 "Metadata", "LastTagTime", "0001-01-01T00:00:00Z");
}

/* ---------------------------------------------------------- volumes */

json_t *
docker_shape_volume(json_t *l)
{
	json_t *labels = json_object_get(l, "labels"), *opts = json_object_get(l, "options");

	return json_pack("{s:o, s:s, s:o, s:s, s:s, s:o, s:s}", "CreatedAt", time_of(json_object_get(l, "created")),
			 "Driver", *sget(l, "driver") ? sget(l, "driver") : "local", "Labels",
			 labels_of(labels), "Mountpoint", sget(l, "mountpoint"),
			 "Name", sget(l, "name"), "Options", copy_or_null(opts), "Scope", "local");
}

/* ---------------------------------------------------------- networks */

/* "10.70.9.2" and "10.70.9.0/24" -> "10.70.9.2/24" */
static json_t *
with_prefix(const char *ip, const char *subnet)
{
	const char *slash = strchr(subnet, '/');
	char buf[64];

	if (!*ip || strchr(ip, '/') || !slash)
		return json_string(ip);
	snprintf(buf, sizeof(buf), "%s%s", ip, slash);
	return json_string(buf);
}

json_t *
docker_shape_network(json_t *l)
{
	json_t *ctrs = json_object(), *c, *ipam_cfg = json_array(), *labels = json_object_get(l, "labels"), *opts;
	const char *id, *subnet = sget(l, "subnet"), *driver = sget(l, "driver");

	json_object_foreach(json_object_get(l, "containers"), id, c)
		json_object_set_new(ctrs, id, json_pack("{s:s, s:s, s:s, s:o, s:s}", "Name", sget(c, "name"), "EndpointID",
							sget(c, "endpoint_id"), "MacAddress", sget(c, "mac_address"),
							"IPv4Address", with_prefix(sget(c, "ipv4_address"), subnet),
							"IPv6Address", ""));
	ctrs = sorted(ctrs);
	if (*subnet)
		json_array_append_new(ipam_cfg, json_pack("{s:s, s:s}", "Subnet", subnet, "Gateway", sget(l, "gateway")));
	/* As Docker's: the default network names its bridge; a user-defined
	 * one has only the options it was created with (docker-compose
	 * recreates a network whose options differ from its file's). */
	opts = json_object();
	if (*sget(l, "bridge") && !strcmp(sget(l, "name"), "bridge"))
		json_object_set_new(opts, "com.docker.network.bridge.name", json_string(sget(l, "bridge")));
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:b, s:{s:s, s:n, s:o}, s:b, s:b, s:b, s:{s:s}, s:b, s:o, s:o,"
			 " s:o}",
			 "Name", sget(l, "name"), "Id", sget(l, "id"), "Created", time_of(json_object_get(l, "created")),
			 "Scope", "local", "Driver", *driver ? driver : "bridge", "EnableIPv6", false, "IPAM", "Driver",
			 "default", "Options", "Config", ipam_cfg, "Internal", bget(l, "internal"), "Attachable", false,
			 "Ingress", false, "ConfigFrom", "Network", "", "ConfigOnly", false, "Containers", ctrs, "Options",
			 opts, "Labels", labels_of(labels));
}
