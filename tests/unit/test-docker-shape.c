/* Unit tests for proto/docker-shape.c: lite's inspect objects in Docker's
 * shape, with Docker's zero values where lite has nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docker-shape.h"

static json_t *
load(const char *text)
{
	json_error_t e;
	json_t *o = json_loads(text, 0, &e);

	if (!o)
		fail_msg("bad test JSON: %s", e.text);
	return o;
}

/* The value at a dotted path, dumped compactly (strings without quotes). */
static void
expect(json_t *o, const char *path, const char *want)
{
	char key[64], *s;
	const char *p = path;

	while (o && *p) {
		size_t n = strcspn(p, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(key)) : json_object_get(o, key);
		p += n + (p[n] == '.');
	}
	if (!o)
		fail_msg("%s: missing", path);
	s = json_is_string(o) ? strdup(json_string_value(o)) : json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
	if (strcmp(s, want) != 0)
		fail_msg("%s: got %s, want %s", path, s, want);
	free(s);
}

static void
test_time(void **state)
{
	char buf[48];

	docker_shape_time(0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "0001-01-01T00:00:00Z");
	docker_shape_time(1700000000, 0, buf, sizeof(buf));
	assert_string_equal(buf, "2023-11-14T22:13:20Z");
	docker_shape_time(1700000000, 123456789, buf, sizeof(buf));
	assert_string_equal(buf, "2023-11-14T22:13:20.123456789Z");
	docker_shape_time(1700000000, 500000000, buf, sizeof(buf));
	assert_string_equal(buf, "2023-11-14T22:13:20.5Z");
}

static void
test_container(void **state)
{
	json_t *l = load(
		"{\"id\":\"abc\",\"name\":\"web\",\"image\":\"busybox\",\"image_id\":\"sha256:11\","
		"\"command\":[\"sh\",\"-c\",\"sleep 1\"],\"created\":1700000000,\"owner_uid\":0,"
		"\"state\":{\"status\":\"paused\",\"running\":true,\"pid\":42,\"exit_code\":0,\"oom_killed\":false,"
		"\"started_at\":1700000001,\"finished_at\":0,\"error\":null,"
		"\"health\":{\"status\":\"healthy\",\"failing_streak\":0,\"log\":[{\"start\":\"2023-11-14T22:13:21Z\","
		"\"end\":\"2023-11-14T22:13:22Z\",\"exit_code\":0,\"output\":\"ok\"}]}},"
		"\"config\":{\"hostname\":\"h\",\"env\":[\"A=1\"],\"working_dir\":\"/\",\"memory\":1048576,"
		"\"memory_swap\":0,\"cpus\":\"0.500\",\"pids_limit\":100,\"auto_remove\":true,\"open_stdin\":false,"
		"\"labels\":{\"z\":\"1\",\"a\":\"2\"},\"user\":\"nobody\",\"tty\":true,\"read_only\":true,"
		"\"shm_size\":\"67108864\",\"rlimits\":[{\"name\":\"nofile\",\"soft\":10,\"hard\":20}],"
		"\"security\":{\"privileged\":false,\"cap_add\":[\"CAP_NET_ADMIN\"],\"cap_drop\":[],\"seccomp\":\"unconfined\","
		"\"pid_host\":true,\"ipc_host\":false},\"stop_signal\":\"SIGTERM\",\"stop_timeout\":-1,\"init\":true,"
		"\"devices\":[{\"host\":\"/dev/null\",\"path\":\"/dev/n\",\"perm\":\"rw\"}],\"cpu_shares\":512,"
		"\"nano_cpus\":500000000,\"healthcheck\":{\"test\":[\"CMD-SHELL\",\"true\"],\"interval\":1,\"timeout\":2,"
		"\"start_period\":3,\"retries\":4}},"
		"\"log_path\":\"/d/c/abc/container.log\",\"hosts_path\":\"/d/c/abc/hosts\","
		"\"graph_driver\":{\"lower_dir\":\"/l1:/l2\",\"upper_dir\":\"/u\",\"merged_dir\":\"/m\",\"work_dir\":\"/w\"},"
		"\"mounts\":[{\"type\":\"bind\",\"source\":\"/d/v/vol/_data\",\"target\":\"/data\",\"readonly\":false,"
		"\"volume\":\"vol\",\"anonymous\":false},{\"type\":\"bind\",\"source\":\"/h\",\"target\":\"/b\",\"readonly\":true,"
		"\"volume\":\"\"},{\"type\":\"bind\",\"source\":\"/d/v/x/_data\",\"target\":\"/anon\",\"volume\":\"x\","
		"\"anonymous\":true},{\"type\":\"tmpfs\",\"source\":\"\",\"target\":\"/t\",\"options\":\"size=1m\"}],"
		"\"network_settings\":{\"mode\":\"bridge\",\"networks\":{\"n1\":{\"network_id\":\"n1id\",\"ip_address\":"
		"\"10.67.0.2\",\"prefix_len\":24,\"gateway\":\"10.67.0.1\"},\"bridge\":{\"network_id\":\"bid\",\"ip_address\":"
		"\"10.66.0.5\",\"prefix_len\":16,\"gateway\":\"10.66.0.1\"}},\"ports\":[{\"container_port\":80,\"protocol\":"
		"\"tcp\",\"host_ip\":\"0.0.0.0\",\"host_port\":8080},{\"container_port\":53,\"protocol\":\"udp\",\"host_ip\":"
		"\"127.0.0.1\",\"host_port\":5353}],\"aliases\":[\"db\"]},"
		"\"restart_policy\":{\"name\":\"on-failure\",\"maximum_retry_count\":3},\"restart_count\":2}");
	json_t *d = docker_shape_container(l);

	assert_non_null(d);
	expect(d, "Id", "abc");
	expect(d, "Name", "/web");
	expect(d, "Created", "2023-11-14T22:13:20Z");
	json_object_set_new(l, "created_nsec", json_integer(120000000));
	json_decref(d);
	d = docker_shape_container(l);
	expect(d, "Created", "2023-11-14T22:13:20.12Z");
	expect(d, "Path", "sh");
	expect(d, "Args", "[\"-c\",\"sleep 1\"]");
	expect(d, "Image", "sha256:11");
	expect(d, "RestartCount", "2");
	expect(d, "State.Status", "paused");
	expect(d, "State.Running", "true");
	expect(d, "State.Paused", "true");
	expect(d, "State.Pid", "42");
	expect(d, "State.Error", "");
	expect(d, "State.StartedAt", "2023-11-14T22:13:21Z");
	expect(d, "State.FinishedAt", "0001-01-01T00:00:00Z");
	expect(d, "State.Health.Status", "healthy");
	expect(d, "State.Health.Log.0.Output", "ok");
	expect(d, "Config.Hostname", "h");
	expect(d, "Config.User", "nobody");
	expect(d, "Config.Tty", "true");
	expect(d, "Config.Cmd", "[\"sh\",\"-c\",\"sleep 1\"]");
	expect(d, "Config.Entrypoint", "null");
	expect(d, "Config.Entrypoint", "null");
	expect(d, "Config.Labels", "{\"a\":\"2\",\"z\":\"1\"}"); /* sorted, as Go */
	json_object_set_new(json_object_get(l, "config"), "entrypoint", json_pack("[s]", "sh"));
	json_object_set_new(json_object_get(l, "config"), "cmd", json_pack("[s,s]", "-c", "sleep 1"));
	json_decref(d);
	d = docker_shape_container(l);
	expect(d, "Config.Entrypoint", "[\"sh\"]");
	expect(d, "Config.Cmd", "[\"-c\",\"sleep 1\"]");
	expect(d, "Path", "sh");
	expect(d, "Config.ExposedPorts", "{\"53/udp\":{},\"80/tcp\":{}}");
	expect(d, "Config.Volumes", "{\"/anon\":{}}");
	expect(d, "Config.Healthcheck.Test", "[\"CMD-SHELL\",\"true\"]");
	expect(d, "Config.Healthcheck.Retries", "4");
	expect(d, "Config.StopSignal", "SIGTERM");
	expect(d, "HostConfig.Binds", "[\"vol:/data\",\"/h:/b:ro\"]");
	expect(d, "HostConfig.Memory", "1048576");
	expect(d, "HostConfig.NanoCpus", "500000000");
	expect(d, "HostConfig.CpuShares", "512");
	expect(d, "HostConfig.PidsLimit", "100");
	expect(d, "HostConfig.AutoRemove", "true");
	expect(d, "HostConfig.ReadonlyRootfs", "true");
	expect(d, "HostConfig.Privileged", "false");
	expect(d, "HostConfig.CapAdd", "[\"CAP_NET_ADMIN\"]");
	expect(d, "HostConfig.CapDrop", "null");
	expect(d, "HostConfig.PidMode", "host");
	expect(d, "HostConfig.SecurityOpt", "[\"seccomp=unconfined\"]");
	expect(d, "HostConfig.RestartPolicy", "{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}");
	expect(d, "HostConfig.PortBindings.80/tcp", "[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]");
	expect(d, "HostConfig.PortBindings.53/udp", "[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"5353\"}]");
	expect(d, "HostConfig.Devices", "[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":\"/dev/n\","
					"\"CgroupPermissions\":\"rw\"}]");
	expect(d, "HostConfig.Ulimits", "[{\"Name\":\"nofile\",\"Soft\":10,\"Hard\":20}]");
	expect(d, "HostConfig.Init", "true");
	expect(d, "HostConfig.Tmpfs", "{\"/t\":\"size=1m\"}");
	expect(d, "HostConfig.NetworkMode", "bridge");
	expect(d, "Mounts.0", "{\"Type\":\"volume\",\"Name\":\"vol\",\"Source\":\"/d/v/vol/_data\",\"Destination\":"
			      "\"/data\",\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true,\"Propagation\":\"\"}");
	expect(d, "Mounts.1", "{\"Type\":\"bind\",\"Source\":\"/h\",\"Destination\":\"/b\",\"Mode\":\"ro\",\"RW\":false,"
			      "\"Propagation\":\"rprivate\"}");
	expect(d, "Mounts.3.Type", "tmpfs");
	expect(d, "GraphDriver", "{\"Name\":\"overlay2\",\"Data\":{\"LowerDir\":\"/l1:/l2\",\"MergedDir\":\"/m\","
				 "\"UpperDir\":\"/u\",\"WorkDir\":\"/w\"}}");
	expect(d, "LogPath", "/d/c/abc/container.log");
	expect(d, "HostsPath", "/d/c/abc/hosts");
	/* the top-level address is the default bridge's, as Docker's */
	expect(d, "NetworkSettings.IPAddress", "10.66.0.5");
	expect(d, "NetworkSettings.IPPrefixLen", "16");
	expect(d, "NetworkSettings.Gateway", "10.66.0.1");
	expect(d, "NetworkSettings.Networks.n1.IPAddress", "10.67.0.2");
	expect(d, "NetworkSettings.Networks.n1.NetworkID", "n1id");
	expect(d, "NetworkSettings.Networks.n1.Aliases", "[\"db\"]");
	expect(d, "NetworkSettings.Networks.bridge.Aliases", "null");
	expect(d, "NetworkSettings.Ports.80/tcp", "[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]");
	/* networks in name order */
	assert_string_equal(json_object_iter_key(json_object_iter(
				    json_object_get(json_object_get(d, "NetworkSettings"), "Networks"))),
			    "bridge");
	json_decref(d);
	json_decref(l);
}

static void
test_container_minimal(void **state)
{
	json_t *l = load("{\"id\":\"x\",\"name\":\"n\",\"command\":[],\"state\":{\"status\":\"created\"},"
			 "\"config\":{},\"network_settings\":{\"mode\":\"none\",\"networks\":{},\"ports\":[]}}");
	json_t *d = docker_shape_container(l);

	assert_non_null(d);
	expect(d, "Path", "");
	expect(d, "Args", "[]");
	expect(d, "State.Status", "created");
	expect(d, "State.StartedAt", "0001-01-01T00:00:00Z");
	expect(d, "HostConfig.Binds", "null");
	expect(d, "HostConfig.RestartPolicy.Name", "no");
	expect(d, "HostConfig.PidsLimit", "null");
	expect(d, "HostConfig.LogConfig.Type", "local");
	expect(d, "HostConfig.PublishAllPorts", "false");
	expect(d, "Mounts", "[]");
	expect(d, "Config.ExposedPorts", "null");
	expect(d, "Config.Labels", "{}");
	expect(d, "NetworkSettings.IPAddress", "");
	expect(d, "NetworkSettings.Ports", "{}");
	expect(d, "GraphDriver.Data", "null");
	assert_null(json_object_get(json_object_get(d, "State"), "Health"));
	json_decref(d);
	json_decref(l);
}

/* -P and the log driver as the container keeps them */
static void
test_container_publish_log(void **state)
{
	json_t *l = load("{\"id\":\"x\",\"name\":\"n\",\"command\":[],\"state\":{\"status\":\"created\"},"
			 "\"config\":{},\"log\":{\"driver\":\"json-file\",\"max_size\":1024,\"max_file\":2},"
			 "\"network_settings\":{\"mode\":\"bridge\",\"networks\":{},\"ports\":[],\"publish_all\":true}}");
	json_t *d = docker_shape_container(l);

	(void)state;
	assert_non_null(d);
	expect(d, "HostConfig.PublishAllPorts", "true");
	expect(d, "HostConfig.LogConfig", "{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"1024\",\"max-file\":\"2\"}}");
	json_decref(d);
	json_decref(l);
}

static void
test_image(void **state)
{
	json_t *l = load("{\"Id\":\"sha256:aa\",\"RepoTags\":[\"busybox:latest\"],\"Created\":\"2023-11-14T22:13:20Z\","
			 "\"Size\":1234,\"Layers\":1,\"Architecture\":\"amd64\",\"Os\":\"linux\","
			 "\"Config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"]},"
			 "\"RootFS\":{\"Type\":\"layers\",\"Layers\":[\"sha256:bb\"]},"
			 "\"History\":[{\"created\":\"x\",\"comment\":\"imported\"}]}");
	json_t *d = docker_shape_image(l);

	assert_non_null(d);
	expect(d, "Id", "sha256:aa");
	expect(d, "RepoTags", "[\"busybox:latest\"]");
	expect(d, "RepoDigests", "[]");
	expect(d, "Parent", "");
	expect(d, "Comment", "imported");
	expect(d, "Created", "2023-11-14T22:13:20Z");
	expect(d, "Config.Cmd", "[\"sh\"]");
	expect(d, "Config.Entrypoint", "null");
	expect(d, "Config.WorkingDir", "");
	expect(d, "RootFS.Layers", "[\"sha256:bb\"]");
	expect(d, "Size", "1234");
	expect(d, "GraphDriver.Name", "overlay2");
	assert_null(json_object_get(d, "Layers"));
	assert_null(json_object_get(d, "History"));
	json_decref(d);
	json_decref(l);
}

static void
test_volume(void **state)
{
	json_t *l = load("{\"name\":\"v\",\"created\":1700000000,\"anonymous\":false,\"owner_uid\":0,"
			 "\"mountpoint\":\"/d/volumes/v/_data\",\"driver\":\"local\",\"labels\":{\"b\":\"2\",\"a\":\"1\"}}");
	json_t *d = docker_shape_volume(l);

	assert_non_null(d);
	expect(d, "Name", "v");
	expect(d, "Driver", "local");
	expect(d, "Mountpoint", "/d/volumes/v/_data");
	expect(d, "CreatedAt", "2023-11-14T22:13:20Z");
	expect(d, "Scope", "local");
	expect(d, "Labels", "{\"a\":\"1\",\"b\":\"2\"}");
	expect(d, "Options", "null");
	json_decref(d);
	json_decref(l);
}

static void
test_network(void **state)
{
	json_t *l = load("{\"name\":\"n1\",\"id\":\"abcd\",\"driver\":\"bridge\",\"bridge\":\"lbr-abcd\",\"subnet\":"
			 "\"10.67.1.0/24\",\"gateway\":\"10.67.1.1\",\"created\":1700000000,\"owner_uid\":0,"
			 "\"containers\":{\"c1\":{\"name\":\"web\",\"ipv4_address\":\"10.67.1.2\"}}}");
	json_t *d = docker_shape_network(l), *host;

	assert_non_null(d);
	expect(d, "Name", "n1");
	expect(d, "Id", "abcd");
	expect(d, "Driver", "bridge");
	expect(d, "Scope", "local");
	expect(d, "Created", "2023-11-14T22:13:20Z");
	expect(d, "IPAM.Config", "[{\"Subnet\":\"10.67.1.0/24\",\"Gateway\":\"10.67.1.1\"}]");
	expect(d, "Containers.c1.Name", "web");
	expect(d, "Containers.c1.IPv4Address", "10.67.1.2/24");
	expect(d, "Options", "{}");
	json_decref(d);
	json_decref(l);
	l = load("{\"name\":\"bridge\",\"id\":\"b0\",\"driver\":\"bridge\",\"bridge\":\"lite0\"}");
	d = docker_shape_network(l);
	expect(d, "Options", "{\"com.docker.network.bridge.name\":\"lite0\"}");
	json_decref(d);
	json_decref(l);
	l = load("{\"name\":\"host\",\"id\":\"host\",\"driver\":\"host\"}");
	host = docker_shape_network(l);
	assert_non_null(host);
	expect(host, "Driver", "host");
	expect(host, "IPAM.Config", "[]");
	expect(host, "Containers", "{}");
	json_decref(host);
	json_decref(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),  cmocka_unit_test(test_container), cmocka_unit_test(test_container_minimal), cmocka_unit_test(test_container_publish_log),
		cmocka_unit_test(test_image), cmocka_unit_test(test_volume),    cmocka_unit_test(test_network),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
