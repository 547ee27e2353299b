/* lite-docker-api: /_ping, /version, /info. The API version is 1.41 (what
 * Debian 12's docker 20.10 client speaks); clients from 1.24 up negotiate
 * down through /_ping's API-Version header, and /v1.24/ to /v1.41/
 * prefixes are accepted (docker-route.c refuses the others). */
#include "docker-api.h"

#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"

/* What dockerd's /_ping adds to the headers every reply carries. */
#define PING_HEADERS                                                 \
	"Builder-Version: 1\r\n"                                     \
	"Cache-Control: no-cache, no-store, must-revalidate\r\n"     \
	"Pragma: no-cache\r\n"

int
api_ping(struct api *a)
{
	if (!strcmp(a->r->method, "HEAD"))
		return http_send_extra(a->c, 200, "text/plain; charset=utf-8", PING_HEADERS, NULL, 0), 0;
	http_send_extra(a->c, 200, "text/plain; charset=utf-8", PING_HEADERS, "OK", 2);
	return 0;
}

int
api_version(struct api *a)
{
	struct utsname u;

	uname(&u);
	http_send_json(a->c, 200,
		       json_pack("{s:{s:s},s:[{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}}],"
				 "s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
				 "Platform", "Name", "lite", "Components", "Name", "Engine", "Version", LITE_VERSION,
				 "Details", "ApiVersion", DOCKER_API_VERSION, "MinAPIVersion", DOCKER_API_MIN_VERSION,
				 "Os", "linux", "Arch", "amd64", "KernelVersion", u.release, "GitCommit", "", "GoVersion",
				 "", "BuildTime", "", "Experimental", "false",
				 "Version", LITE_VERSION, "ApiVersion", DOCKER_API_VERSION, "MinAPIVersion",
				 DOCKER_API_MIN_VERSION, "GitCommit", "", "GoVersion", "", "Os", "linux", "Arch", "amd64",
				 "KernelVersion", u.release, "BuildTime", ""));
	return 0;
}

/* PRETTY_NAME from os-release, as dockerd's OperatingSystem. */
static void
os_name(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen("/etc/os-release", "re");

	snprintf(buf, len, "Linux");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + strlen("PRETTY_NAME=");

		if (strncmp(line, "PRETTY_NAME=", strlen("PRETTY_NAME=")))
			continue;
		v[strcspn(v, "\n")] = '\0';
		if (*v == '"' && strlen(v) >= 2) {
			v[strlen(v) - 1] = '\0';
			v++;
		}
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

/* A one-line file's content ("" when it cannot be read). */
static void
read_word(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* Counts by state from `ps -a` (the caller's containers, as lite shows
 * them); -1 when ps fails. */
static void
count_states(long *total, long *running, long *paused)
{
	struct docker_err err;
	json_t *res = NULL, *c;
	size_t i;

	if (docker_lite_call("ps", json_pack("{s:b}", "all", 1), &res, &err) < 0 || !json_is_array(res)) {
		json_decref(res);
		return;
	}
	*total = (long)json_array_size(res);
	*running = *paused = 0;
	json_array_foreach(res, i, c) {
		json_t *st = json_object_get(c, "state");
		const char *s = json_is_string(st) ? json_string_value(st)
						   : json_string_value(json_object_get(st, "status"));

		if (!s)
			s = json_string_value(json_object_get(c, "status"));
		*paused += s && !strcmp(s, "paused");
		*running += s && (!strcmp(s, "running") || !strcmp(s, "restarting"));
	}
	json_decref(res);
}

static json_t *
info_host(json_t *out)
{
	struct utsname u;
	struct sysinfo si;
	char host[256] = "", os[256], id[64], fwd[8];

	uname(&u);
	sysinfo(&si);
	gethostname(host, sizeof(host) - 1);
	os_name(os, sizeof(os));
	read_word("/etc/machine-id", id, sizeof(id));
	read_word("/proc/sys/net/ipv4/ip_forward", fwd, sizeof(fwd));
	json_object_update_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:s,s:b}",
					      "ID", *id ? id : "lite", "KernelVersion", u.release, "OperatingSystem", os,
					      "OSType", "linux", "Architecture", u.machine, "NCPU",
					      (int)sysconf(_SC_NPROCESSORS_ONLN), "MemTotal",
					      (json_int_t)si.totalram * si.mem_unit, "Name", host, "IPv4Forwarding",
					      !strcmp(fwd, "1")));
	return out;
}

static json_t *
info_shape(json_t *i)
{
	long running = (long)json_integer_value(json_object_get(i, "running"));
	long total = (long)json_integer_value(json_object_get(i, "containers")), paused = 0;
	const char *cg = json_string_value(json_object_get(i, "cgroup_mode"));
	json_t *userns = json_object_get(i, "userns");
	json_t *sec = json_pack("[s]", "name=seccomp,profile=default");

	count_states(&total, &running, &paused);
	if (json_is_true(json_object_get(userns, "supported")))
		json_array_append_new(sec, json_string("name=userns"));
	if (getuid() != 0)
		json_array_append_new(sec, json_string("name=rootless"));
	if (cg && !strcmp(cg, "v2"))
		json_array_append_new(sec, json_string("name=cgroupns"));
	/* BridgeNfIptables: lite's bridge uses nftables, not br_netfilter,
	 * so docker info has nothing to warn about there. */
	return info_host(json_pack(
		"{s:i,s:i,s:i,s:i,s:O,s:s,s:[],s:s,s:s,s:{s:[s],s:[s,s,s],s:[s,s,s]},s:O,s:s,s:s,s:s,"
		"s:{s:{s:s}},s:o,s:[],s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:s,s:{s:s},"
		"s:s,s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:b,s:i,s:[],s:i,s:s,s:s,s:s}",
		"Containers", (int)total, "ContainersRunning", (int)running, "ContainersPaused", (int)paused,
		"ContainersStopped", (int)(total - running - paused), "Images", json_object_get(i, "images"), "Driver",
		"overlay2", "DriverStatus", "CgroupDriver", "cgroupfs", "CgroupVersion",
		cg && !strcmp(cg, "v2") ? "2" : "1", "Plugins", "Volume", "local", "Network", "bridge", "host", "none",
		"Log", "json-file", "local", "none", "DockerRootDir", json_object_get(i, "data_root"), "ServerVersion",
		LITE_VERSION, "DefaultRuntime", "lite", "LoggingDriver", "json-file", "Runtimes", "lite", "path",
		"lite-shim", "SecurityOptions", sec, "Warnings", "MemoryLimit", 1, "SwapLimit", 1, "KernelMemory", 0,
		"KernelMemoryTCP", 0, "CpuCfsPeriod", 1, "CpuCfsQuota", 1, "CPUShares", 1, "CPUSet", 1, "PidsLimit", 1,
		"OomKillDisable", 1, "BridgeNfIptables", 1, "BridgeNfIp6tables", 1, "Debug", 0, "LiveRestoreEnabled",
		1, "InitBinary", "lite-init", "Swarm", "LocalNodeState", "inactive", "IndexServerAddress",
		"https://index.docker.io/v1/", "ContainerdCommit", "ID", LITE_VERSION, "Expected", LITE_VERSION,
		"RuncCommit", "ID", LITE_VERSION, "Expected", LITE_VERSION, "InitCommit", "ID", LITE_VERSION, "Expected",
		LITE_VERSION, "ExperimentalBuild", 0, "NFd", 0, "Labels", "NEventsListener", 0, "Isolation", "",
		"HttpProxy", "", "HttpsProxy", ""));
}

int
api_info(struct api *a)
{
	return api_call_reply(a, "info", NULL, 200, info_shape);
}
