/* Unit tests of daemon/docker/docker-create-map.c: Docker's create body
 * (what the docker 20.10 CLI sends) as lite's create params, and the
 * fields refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "docker-create-map.h"

static json_t *
map(const char *body, const char *name, const char **why)
{
	json_t *b = json_loads(body, 0, NULL), *p;

	assert_non_null(b);
	p = docker_create_map_params(b, name, why);
	json_decref(b);
	return p;
}

static char *
dump(json_t *p)
{
	return json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
}

/* The zero values the CLI always sends ask for nothing. */
static void
test_cli_defaults(void **state)
{
	const char *why = NULL;
	json_t *p = map("{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"Domainname\":\"\",\"Env\":null,\"Tty\":false,"
			"\"HostConfig\":{\"Binds\":null,\"NetworkMode\":\"default\",\"RestartPolicy\":{\"Name\":\"no\","
			"\"MaximumRetryCount\":0},\"LogConfig\":{\"Type\":\"\",\"Config\":{}},\"CpuShares\":0,\"Memory\":0,"
			"\"MemorySwappiness\":null,\"OomKillDisable\":false,\"Sysctls\":null,\"DnsSearch\":[],\"CgroupnsMode\":\"\","
			"\"IpcMode\":\"\",\"PidMode\":\"\",\"UTSMode\":\"\",\"ConsoleSize\":[0,0],\"Isolation\":\"\",\"KernelMemory\":0},"
			"\"NetworkingConfig\":{\"EndpointsConfig\":{}}}",
			NULL, &why);
	char *s;

	(void)state;
	assert_non_null(p);
	s = dump(p);
	/* no LogConfig.Type: dockerd's default, json-file (docker-py reads logs only then) */
	assert_string_equal(s, "{\"cmd\":[\"true\"],\"image\":\"busybox\",\"log_driver\":\"json-file\"}");
	free(s);
	json_decref(p);
}

static void
test_mapping(void **state)
{
	const char *why = NULL;
	json_t *p = map("{\"Image\":\"busybox\",\"Entrypoint\":\"sh\",\"Cmd\":[\"-c\",\"x\"],\"Env\":[\"A=1\"],\"User\":\"1000\","
			"\"WorkingDir\":\"/tmp\",\"Labels\":{\"k\":\"v\"},\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/data\":{}},"
			"\"StopSignal\":\"USR1\",\"StopTimeout\":7,\"OpenStdin\":true,\"Tty\":true,"
			"\"Healthcheck\":{\"Test\":[\"CMD\",\"curl\",\"-f\",\"it's\"],\"Interval\":2000000000,\"Retries\":2},"
			"\"HostConfig\":{\"Binds\":[\"/a:/b:ro\"],\"Memory\":67108864,\"CpuQuota\":50000,\"CpuPeriod\":100000,"
			"\"PidsLimit\":0,\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}]},"
			"\"PublishAllPorts\":true,\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},"
			"\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"1m\"}},\"AutoRemove\":false,"
			"\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"SizeBytes\":1048576,\"Mode\":448}}],"
			"\"SecurityOpt\":[\"seccomp={\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"}\",\"no-new-privileges\"],"
			"\"IpcMode\":\"shareable\",\"Tmpfs\":{\"/run\":\"size=1m\"},\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":1,\"Hard\":2}]},"
			"\"NetworkingConfig\":{\"EndpointsConfig\":{\"net1\":{\"Aliases\":[\"web\"],\"IPAMConfig\":{\"IPv4Address\":\"10.1.0.5\"}}}}}",
			"/web1", &why);
	char *s;

	(void)state;
	assert_non_null(p);
	s = dump(p);
	assert_string_equal(
		s, "{\"cmd\":[\"-c\",\"x\"],\"cpus\":\"0.5\",\"entrypoint\":[\"sh\"],\"env\":[\"A=1\"],\"expose\":[\"80/tcp\"],"
		   "\"health_cmd\":\"'curl' '-f' 'it'\\\\''s'\",\"health_interval\":\"2000ms\",\"health_retries\":2,"
		   "\"image\":\"busybox\",\"ip\":\"10.1.0.5\",\"labels\":[\"k=v\"],\"log_driver\":\"json-file\","
		   "\"log_opts\":[\"max-size=1m\"],\"memory\":67108864,"
		   "\"mounts\":[\"type=tmpfs,target=/t,tmpfs-size=1048576,tmpfs-mode=700\"],\"name\":\"web1\","
		   "\"network\":\"net1\",\"network_aliases\":[\"web\"],\"pids_limit\":-1,\"publish\":[\"127.0.0.1:8080:80/tcp\"],"
		   "\"publish_all\":true,\"restart\":\"on-failure:3\",\"seccomp_profile\":\"{\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"}\","
		   "\"security_opt\":[\"no-new-privileges\"],\"stdin\":true,\"stop_signal\":\"USR1\",\"stop_timeout\":7,"
		   "\"tmpfs\":[\"/run:size=1m\"],\"tty\":true,\"ulimits\":[\"nofile=1:2\"],\"user\":\"1000\","
		   "\"volumes\":[\"/data\",\"/a:/b:ro\"],\"workdir\":\"/tmp\"}");
	free(s);
	json_decref(p);
}

static void
test_refused(void **state)
{
	static const char *const cases[][2] = {
		{ "{\"Image\":\"x\",\"HostConfig\":{\"Sysctls\":{\"a\":\"b\"}}}", "HostConfig.Sysctls" },
		{ "{\"Image\":\"x\",\"Domainname\":\"x.org\"}", "Config.Domainname" },
		{ "{\"Image\":\"x\",\"HostConfig\":{\"MemorySwappiness\":10}}", "HostConfig.MemorySwappiness" },
		{ "{\"Image\":\"x\",\"HostConfig\":{\"DnsSearch\":[\"a\"]}}", "HostConfig.DnsSearch" },
		{ "{\"Image\":\"x\",\"HostConfig\":{\"Links\":[\"a:b\"]}}", "HostConfig.Links" },
		{ "{\"Image\":\"x\",\"HostConfig\":{\"UTSMode\":\"host\"}}", "HostConfig.UTSMode" },
		{ "{\"Image\":\"x\",\"HostConfig\":{\"NanoCpus\":1000000000,\"CpuPeriod\":50000}}", "Conflicting options" },
		{ "{\"Image\":\"x\",\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/a\",\"Target\":\"/b\","
		  "\"BindOptions\":{\"Propagation\":\"rshared\"}}]}}", "HostConfig.Mounts[].BindOptions" },
		{ "{\"Image\":\"x\",\"NetworkingConfig\":{\"EndpointsConfig\":{\"a\":{},\"b\":{}}}}", "NetworkingConfig" },
	};
	const char *why;
	json_t *p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		assert_null(map(cases[i][0], NULL, &why));
		assert_non_null(why);
		assert_int_equal(strncmp(why, cases[i][1], strlen(cases[i][1])), 0);
	}
	why = NULL;
	p = map("{\"Image\":\"x\",\"HostConfig\":{\"MemorySwappiness\":-1,\"CgroupnsMode\":\"private\"}}", NULL, &why);
	assert_non_null(p);
	json_decref(p);
}

/* docker-compose sends Config.Volumes and a Bind or Mount for the same
 * directory: one mount, not an anonymous volume beside it. */
static void
test_volume_also_bound(void **state)
{
	const char *why = NULL;
	json_t *p = map("{\"Image\":\"busybox\",\"Volumes\":{\"/data\":{},\"/m\":{},\"/t\":{},\"/anon\":{}},"
			"\"HostConfig\":{\"Binds\":[\"proj_data:/data:rw\"],\"Mounts\":[{\"Type\":\"volume\","
			"\"Source\":\"v\",\"Target\":\"/m\"}],\"Tmpfs\":{\"/t\":\"\"}}}",
			NULL, &why);
	char *s;

	(void)state;
	assert_non_null(p);
	s = json_dumps(json_object_get(p, "volumes"), JSON_COMPACT);
	assert_string_equal(s, "[\"/anon\",\"proj_data:/data:rw\"]");
	free(s);
	json_decref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_defaults),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_volume_also_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
