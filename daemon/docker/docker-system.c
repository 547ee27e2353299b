/* lite-docker-api: /_ping, /version, /info. The API version is 1.41 (what
 * Debian 12's docker 20.10 client speaks); clients from 1.24 up negotiate
 * down through /_ping's API-Version header, and the /v1.NN/ prefix of any
 * version is accepted. */
#include "docker-api.h"

#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"

int
api_ping(struct api *a)
{
	if (!strcmp(a->r->method, "HEAD"))
		return http_send(a->c, 200, "text/plain; charset=utf-8", NULL, 0), 0;
	http_send(a->c, 200, "text/plain; charset=utf-8", "OK", 2);
	return 0;
}

int
api_version(struct api *a)
{
	struct utsname u;

	uname(&u);
	http_send_json(a->c, 200, json_pack("{s:{s:s},s:[{s:s,s:s,s:{s:s,s:s,s:s}}],s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
					    "Platform", "Name", "lite", "Components", "Name", "Engine", "Version",
					    LITE_VERSION, "Details", "ApiVersion", "1.41", "MinAPIVersion", "1.24", "Os",
					    "linux", "Version", LITE_VERSION, "ApiVersion", "1.41", "MinAPIVersion", "1.24",
					    "GitCommit", "", "GoVersion", "", "Os", "linux", "Arch", "amd64",
					    "KernelVersion", u.release, "BuildTime", ""));
	return 0;
}

static json_t *
info_shape(json_t *i)
{
	struct utsname u;
	struct sysinfo si;
	char host[256] = "";
	long running = (long)json_integer_value(json_object_get(i, "running"));
	long total = (long)json_integer_value(json_object_get(i, "containers"));
	const char *cg = json_string_value(json_object_get(i, "cgroup_mode"));

	uname(&u);
	sysinfo(&si);
	gethostname(host, sizeof(host) - 1);
	return json_pack("{s:s,s:i,s:i,s:i,s:i,s:O,s:s,s:[],s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:O,s:s,s:s,"
			 "s:s,s:{},s:[s],s:[],s:b,s:b,s:b,s:b}",
			 "ID", "lite", "Containers", (int)total, "ContainersRunning", (int)running, "ContainersPaused", 0,
			 "ContainersStopped", (int)(total - running), "Images", json_object_get(i, "images"), "Driver",
			 "overlay2", "DriverStatus", "CgroupDriver", "cgroupfs", "CgroupVersion",
			 cg && !strcmp(cg, "v2") ? "2" : "1", "KernelVersion", u.release, "OperatingSystem", "lite",
			 "OSType", "linux", "Architecture", u.machine, "NCPU", (int)sysconf(_SC_NPROCESSORS_ONLN),
			 "MemTotal", (json_int_t)si.totalram * si.mem_unit, "DockerRootDir", json_object_get(i, "data_root"),
			 "Name", host, "ServerVersion", LITE_VERSION, "DefaultRuntime", "lite", "Runtimes",
			 "SecurityOptions", "name=seccomp,profile=default", "Warnings", "MemoryLimit", 1, "SwapLimit", 1,
			 "CpuCfsQuota", 1, "PidsLimit", 1);
}

int
api_info(struct api *a)
{
	return api_call_reply(a, "info", NULL, 200, info_shape);
}
