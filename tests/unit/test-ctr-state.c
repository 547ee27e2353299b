/* Unit tests of a container's state.json (daemon/engine/ctr-state.c): the
 * to_json/from_json round trip, refusal of malformed state, and the
 * "Up 3 minutes" / "Exited (0) ..." status text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "ctr.h"

#define ID_HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *cmd[] = { "sh", "-c", "echo \"hi\"\nexit 3", "", NULL };
static char *env[] = { "A=1", "PATH=/usr/bin:/bin", "EMPTY=", NULL };

/* A spec and runtime with every field set to something distinctive. */

static struct cgroup_limits fill_limits; /* fill()'s: not from the pool, never put */

static void
fill(struct ctr_spec *s, struct ctr_runtime *rt, enum ctr_status st, char *error)
{
	memset(s, 0, sizeof(*s));
	memset(rt, 0, sizeof(*rt));
	strcpy(s->id, ID_HEX);
	strcpy(s->name, "web_1.x-y");
	strcpy(s->image, "localhost:5000/a/b:1.0");
	strcpy(s->image_id, "sha256:" ID_HEX);
	s->cmd = cmd;
	s->env = env;
	strcpy(s->hostname, "0123456789ab");
	strcpy(s->cwd, "/srv/app");
	memset(&fill_limits, 0, sizeof(fill_limits));
	s->limits = &fill_limits;
	fill_limits.memory_bytes = 5ULL << 40;
	fill_limits.memory_swap_bytes = -1;
	fill_limits.millicpus = 1500;
	fill_limits.cpu_shares = 512;
	fill_limits.pids_limit = -1;
	strcpy(fill_limits.cpuset_cpus, "0-3,7");
	strcpy(fill_limits.cpuset_mems, "0");
	s->owner_uid = 4294967294U;
	s->userns = (struct userns_range){ .on = true, .uid_base = 100000, .gid_base = 300000, .size = 65536 };
	s->caller = (struct userns_caller){ .uid = 1001, .gid = 100, .groups = { 100, 27, 4294967293U }, .n_groups = 3 };
	s->created = 1700000000123LL;
	s->created_nsec = 123456789;
	s->auto_remove = true;
	s->open_stdin = true;
	s->sec = (struct ctr_sec){ .privileged = true, .caps = UINT64_C(0x1ffffffffff), .no_new_privs = false,
				   .seccomp = 2, .seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
				   .pid_host = true, .ipc_host = true };
	rt->status = st;
	rt->shim_pid = 4242;
	rt->init_pid = 4243;
	rt->exit_code = 137;
	rt->oom_killed = true;
	rt->started_at = 1700000001;
	rt->finished_at = 1700000099;
	rt->error = error;
}

static void
assert_strv_equal(char **got, char **want)
{
	size_t i;

	assert_non_null(got);
	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

/* to_json, through text as on disk, and back; compares every field. */
static void
round_trip(const struct ctr_spec *s, const struct ctr_runtime *rt)
{
	struct ctr_spec s2;
	struct ctr_runtime rt2;
	char errbuf[128] = "";
	json_t *o = ctr_state_to_json(s, rt);
	char *text;

	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	assert_non_null(text);
	o = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(o);
	assert_int_equal(ctr_state_from_json(o, &s2, &rt2, errbuf, sizeof(errbuf)), 0);
	json_decref(o);

	assert_string_equal(s2.id, s->id);
	assert_string_equal(s2.name, s->name);
	assert_string_equal(s2.image, s->image);
	assert_string_equal(s2.image_id, s->image_id);
	assert_strv_equal(s2.cmd, s->cmd);
	assert_strv_equal(s2.env, s->env);
	assert_string_equal(s2.hostname, s->hostname);
	assert_string_equal(s2.cwd, s->cwd);
	assert_int_equal(s2.limits->memory_bytes, s->limits->memory_bytes);
	assert_int_equal(s2.limits->memory_swap_bytes, s->limits->memory_swap_bytes);
	assert_int_equal(s2.limits->millicpus, s->limits->millicpus);
	assert_int_equal(s2.limits->cpu_shares, s->limits->cpu_shares);
	assert_int_equal(s2.limits->pids_limit, s->limits->pids_limit);
	assert_string_equal(s2.limits->cpuset_cpus, s->limits->cpuset_cpus);
	assert_string_equal(s2.limits->cpuset_mems, s->limits->cpuset_mems);
	assert_int_equal(s2.owner_uid, s->owner_uid);
	assert_true(s2.userns.on == s->userns.on && s2.userns.uid_base == s->userns.uid_base &&
		    s2.userns.gid_base == s->userns.gid_base && s2.userns.size == s->userns.size);
	assert_memory_equal(&s2.caller, &s->caller, sizeof(s->caller));
	assert_int_equal(s2.created, s->created);
	assert_int_equal(s2.created_nsec, s->created_nsec);
	assert_int_equal(s2.auto_remove, s->auto_remove);
	assert_int_equal(s2.open_stdin, s->open_stdin);
	assert_int_equal(s2.sec.privileged, s->sec.privileged);
	assert_int_equal(s2.sec.caps, s->sec.caps);
	assert_int_equal(s2.sec.no_new_privs, s->sec.no_new_privs);
	assert_int_equal(s2.sec.seccomp, s->sec.seccomp);
	assert_int_equal(s2.sec.pid_host, s->sec.pid_host);
	assert_int_equal(s2.sec.ipc_host, s->sec.ipc_host);
	if (s->sec.seccomp_profile)
		assert_string_equal(s2.sec.seccomp_profile, s->sec.seccomp_profile);
	else
		assert_null(s2.sec.seccomp_profile);
	assert_int_equal(rt2.status, rt->status);
	assert_int_equal(rt2.shim_pid, rt->shim_pid);
	assert_int_equal(rt2.init_pid, rt->init_pid);
	assert_int_equal(rt2.exit_code, rt->exit_code);
	assert_int_equal(rt2.oom_killed, rt->oom_killed);
	assert_int_equal(rt2.started_at, rt->started_at);
	assert_int_equal(rt2.finished_at, rt->finished_at);
	if (rt->error)
		assert_string_equal(rt2.error, rt->error);
	else
		assert_null(rt2.error);
	ctr_state_spec_clear(&s2);
	assert_null(s2.cmd);
	assert_null(s2.env);
	free(rt2.error);
}

static void
test_round_trip_full(void **state)
{
	struct ctr_spec s;
	struct ctr_runtime rt;

	(void)state;
	fill(&s, &rt, CTR_EXITED, "exec: \"nope\": executable file not found");
	round_trip(&s, &rt);
}

/* The device filter's rules and --device nodes survive a round trip;
 * a state without them reads as the default filter. */
static void
test_round_trip_devices(void **state)
{
	struct ctr_spec s, s2;
	struct ctr_runtime rt, rt2;
	char errbuf[128] = "";
	json_t *o;

	(void)state;
	fill(&s, &rt, CTR_RUNNING, NULL);
	fill_limits.devices[fill_limits.n_devices++] = (struct cgroup_device_rule){ 'c', 10, 229, CGROUP_DEV_RWM };
	fill_limits.devices[fill_limits.n_devices++] = (struct cgroup_device_rule){ 'b', 8, 16, CGROUP_DEV_READ };
	fill_limits.devices_allow_all = true;
	s.devices = json_pack("[{s:s, s:s, s:s}]", "host", "/dev/fuse", "path", "/dev/f", "perm", "rwm");
	o = ctr_state_to_json(&s, &rt);
	json_decref(s.devices);
	assert_int_equal(ctr_state_from_json(o, &s2, &rt2, errbuf, sizeof(errbuf)), 0);
	json_decref(o);
	assert_int_equal(s2.limits->n_devices, 2);
	assert_int_equal(s2.limits->devices[0].type, 'c');
	assert_int_equal(s2.limits->devices[0].major, 10);
	assert_int_equal(s2.limits->devices[0].minor, 229);
	assert_int_equal(s2.limits->devices[0].access, CGROUP_DEV_RWM);
	assert_int_equal(s2.limits->devices[1].type, 'b');
	assert_int_equal(s2.limits->devices[1].access, CGROUP_DEV_READ);
	assert_true(s2.limits->devices_allow_all);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s2.devices, 0), "path")), "/dev/f");
	ctr_state_spec_clear(&s2);
	free(rt2.error);

	fill(&s, &rt, CTR_RUNNING, NULL);
	o = ctr_state_to_json(&s, &rt);
	assert_null(json_object_get(json_object_get(o, "limits"), "devices"));
	assert_int_equal(ctr_state_from_json(o, &s2, &rt2, errbuf, sizeof(errbuf)), 0);
	json_decref(o);
	assert_int_equal(s2.limits->n_devices, 0);
	assert_false(s2.limits->devices_allow_all);
	assert_null(s2.devices);
	ctr_state_spec_clear(&s2);
	free(rt2.error);
}

static void
test_round_trip_null_error(void **state)
{
	struct ctr_spec s;
	struct ctr_runtime rt;

	(void)state;
	fill(&s, &rt, CTR_RUNNING, NULL);
	round_trip(&s, &rt);
}

static void
test_round_trip_minimal(void **state)
{
	static char *none[] = { NULL };
	struct ctr_spec s;
	struct ctr_runtime rt;

	(void)state;
	fill(&s, &rt, CTR_CREATED, NULL);
	s.cmd = none;
	s.env = none;
	memset(&fill_limits, 0, sizeof(fill_limits));
	s.hostname[0] = s.cwd[0] = '\0';
	s.auto_remove = s.open_stdin = rt.oom_killed = false;
	s.owner_uid = 0;
	rt.shim_pid = rt.init_pid = rt.exit_code = 0;
	s.sec = (struct ctr_sec){ .caps = 0xa80425fb, .no_new_privs = true };
	round_trip(&s, &rt);
}

/* A state written before "sec" existed reads as Docker's defaults with
 * no_new_privs and the default seccomp profile. */
static void
test_sec_absent(void **state)
{
	struct ctr_spec s, s2;
	struct ctr_runtime rt, rt2;
	char errbuf[128] = "";
	json_t *o;

	(void)state;
	fill(&s, &rt, CTR_EXITED, NULL);
	o = ctr_state_to_json(&s, &rt);
	json_object_del(o, "sec");
	assert_int_equal(ctr_state_from_json(o, &s2, &rt2, errbuf, sizeof(errbuf)), 0);
	json_decref(o);
	assert_int_equal(s2.sec.caps, 0xa80425fb);
	assert_true(s2.sec.no_new_privs);
	assert_false(s2.sec.privileged || s2.sec.pid_host || s2.sec.ipc_host);
	assert_int_equal(s2.sec.seccomp, 0);
	assert_null(s2.sec.seccomp_profile);
	ctr_state_spec_clear(&s2);
	free(rt2.error);
}

static void
test_round_trip_every_status(void **state)
{
	struct ctr_spec s;
	struct ctr_runtime rt;

	(void)state;
	for (int st = 0; st < CTR_STATUS_MAX; st++) {
		fill(&s, &rt, (enum ctr_status)st, st == CTR_EXITED ? "boom" : NULL);
		round_trip(&s, &rt);
	}
}

static void
test_status_name(void **state)
{
	(void)state;
	assert_string_equal(ctr_state_status_name(CTR_CREATED), "created");
	assert_string_equal(ctr_state_status_name(CTR_RUNNING), "running");
	assert_string_equal(ctr_state_status_name(CTR_EXITED), "exited");
	assert_string_equal(ctr_state_status_name(CTR_STATUS_MAX), "unknown");
}

/* A valid state as JSON, for the reject tests to break. */
static json_t *
good_state(void)
{
	struct ctr_spec s;
	struct ctr_runtime rt;
	json_t *o;

	fill(&s, &rt, CTR_EXITED, "err");
	o = ctr_state_to_json(&s, &rt);
	assert_non_null(o);
	return o;
}

static void
expect_reject(json_t *o)
{
	struct ctr_spec s;
	struct ctr_runtime rt;
	char errbuf[128] = "";

	assert_int_equal(ctr_state_from_json(o, &s, &rt, errbuf, sizeof(errbuf)), -EINVAL);
	assert_true(errbuf[0] != '\0');
	/* Nothing is left allocated on failure. */
	assert_null(s.cmd);
	assert_null(s.env);
	assert_null(rt.error);
	json_decref(o);
}

static json_t *
without(const char *key)
{
	json_t *o = good_state();

	assert_int_equal(json_object_del(o, key), 0);
	return o;
}

static json_t *
with(const char *key, json_t *v)
{
	json_t *o = good_state();

	assert_int_equal(json_object_set_new(o, key, v), 0);
	return o;
}

static json_t *
with_in(const char *obj, const char *key, json_t *v)
{
	json_t *o = good_state();

	assert_int_equal(json_object_set_new(json_object_get(o, obj), key, v), 0);
	return o;
}

static void
test_reject(void **state)
{
	char long_cpus[200];

	(void)state;
	/* The good state itself is accepted (and freed). */
	{
		struct ctr_spec s;
		struct ctr_runtime rt;
		char errbuf[64];
		json_t *o = good_state();

		assert_int_equal(ctr_state_from_json(o, &s, &rt, errbuf, sizeof(errbuf)), 0);
		ctr_state_spec_clear(&s);
		free(rt.error);
		json_decref(o);
	}
	expect_reject(json_array());
	expect_reject(without("id"));
	expect_reject(with("id", json_string("abc")));
	expect_reject(with("id", json_string("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")));
	expect_reject(with("id", json_string(ID_HEX "0")));
	expect_reject(with("id", json_integer(1)));
	expect_reject(without("name"));
	expect_reject(without("image"));
	expect_reject(without("image_id"));
	expect_reject(without("owner_uid"));
	expect_reject(without("created"));
	expect_reject(with("created", json_string("yesterday")));
	expect_reject(without("cmd"));
	expect_reject(with("cmd", json_string("sh")));
	expect_reject(with("cmd", json_pack("[s, i]", "sh", 1)));
	expect_reject(with("cmd", json_pack("[s, n]", "sh")));
	expect_reject(without("env"));
	expect_reject(with("env", json_pack("[i]", 5)));
	expect_reject(without("limits"));
	expect_reject(with("limits", json_string("none")));
	expect_reject(with_in("limits", "memory", json_string("512m")));
	memset(long_cpus, '1', sizeof(long_cpus) - 1);
	long_cpus[sizeof(long_cpus) - 1] = '\0';
	expect_reject(with_in("limits", "cpuset_cpus", json_string(long_cpus)));
	expect_reject(without("runtime"));
	expect_reject(with_in("runtime", "status", json_string("paused")));
	expect_reject(with_in("runtime", "status", json_string("")));
	expect_reject(with_in("runtime", "status", json_integer(1)));
	expect_reject(with_in("runtime", "exit_code", json_string("0")));
	memset(long_cpus, 'n', 129); /* name[129] holds at most 128 */
	long_cpus[129] = '\0';
	expect_reject(with("name", json_string(long_cpus)));
}

static void
test_status_text(void **state)
{
	struct ctr c;
	char buf[64];
	const int64_t now = 1700001000;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.rt.status = CTR_CREATED;
	ctr_state_status_text(&c, now, buf, sizeof(buf));
	assert_string_equal(buf, "Created");

	c.rt.status = CTR_RUNNING;
	c.rt.started_at = now - 180;
	ctr_state_status_text(&c, now, buf, sizeof(buf));
	assert_string_equal(buf, "Up 3 minutes");
	c.rt.started_at = now - 1;
	ctr_state_status_text(&c, now, buf, sizeof(buf));
	assert_string_equal(buf, "Up 1 second");
	c.rt.started_at = now;
	ctr_state_status_text(&c, now, buf, sizeof(buf));
	assert_string_equal(buf, "Up Less than a second");

	c.rt.status = CTR_EXITED;
	c.rt.exit_code = 137;
	c.rt.finished_at = now - 2;
	ctr_state_status_text(&c, now, buf, sizeof(buf));
	assert_string_equal(buf, "Exited (137) 2 seconds ago");
	c.rt.exit_code = 0;
	c.rt.finished_at = now - 7200;
	ctr_state_status_text(&c, now, buf, sizeof(buf));
	assert_string_equal(buf, "Exited (0) 2 hours ago");
}

/* Equal limits share one block whatever lies past a string's end; each
 * reference is counted, and the block goes with the last one. */
static void
test_limits_pool_shares(void **state)
{
	struct cgroup_limits a, b;
	const struct cgroup_limits *pa, *pb, *pc;
	unsigned base = limits_pool_count(); /* blocks other tests left */

	(void)state;
	memset(&a, 0, sizeof(a));
	a.memory_bytes = 64ULL << 20;
	strcpy(a.cpuset_cpus, "0-1");
	memset(&b, 0x5a, sizeof(b)); /* garbage after the strings and in the unused rules */
	b.memory_bytes = a.memory_bytes;
	b.memory_swap_bytes = b.millicpus = b.cpu_shares = b.pids_limit = 0;
	b.memory_reservation = 0;
	b.blkio_weight = 0;
	strcpy(b.cpuset_cpus, "0-1");
	b.cpuset_mems[0] = b.device_read_bps[0] = '\0';
	b.devices_allow_all = false;
	b.n_devices = 0;
	pa = limits_pool_get(&a);
	pb = limits_pool_get(&b);
	assert_non_null(pa);
	assert_ptr_equal(pa, pb);
	assert_int_equal(limits_pool_count(), base + 1);
	assert_string_equal(pa->cpuset_cpus, "0-1");
	a.memory_bytes = 128ULL << 20;
	pc = limits_pool_get(&a);
	assert_ptr_not_equal(pc, pa);
	assert_int_equal(pc->memory_bytes, 128ULL << 20);
	assert_int_equal(pa->memory_bytes, 64ULL << 20); /* a block never changes */
	assert_int_equal(limits_pool_count(), base + 2);
	limits_pool_put(pa);
	assert_int_equal(limits_pool_count(), base + 2);
	limits_pool_put(pb);
	limits_pool_put(pc);
	limits_pool_put(&limits_pool_none);
	limits_pool_put(NULL);
	assert_int_equal(limits_pool_count(), base);
}

/* Loading states takes references, clearing them gives them back:
 * nothing is left once every loaded spec is cleared. */
static void
test_limits_pool_state_refs(void **state)
{
	struct ctr_spec s, s2, s3;
	struct ctr_runtime rt, rt2, rt3;
	char errbuf[128] = "";
	json_t *o;
	unsigned base = limits_pool_count();

	(void)state;
	fill(&s, &rt, CTR_EXITED, NULL);
	fill_limits.memory_bytes = 3ULL << 30; /* limits no other test loads */
	o = ctr_state_to_json(&s, &rt);
	assert_int_equal(ctr_state_from_json(o, &s2, &rt2, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(ctr_state_from_json(o, &s3, &rt3, errbuf, sizeof(errbuf)), 0);
	json_decref(o);
	assert_ptr_equal(s2.limits, s3.limits);
	assert_int_equal(limits_pool_count(), base + 1);
	ctr_state_spec_clear(&s2);
	assert_int_equal(s3.limits->memory_bytes, 3ULL << 30);
	ctr_state_spec_clear(&s3);
	assert_null(s3.limits);
	assert_int_equal(limits_pool_count(), base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_round_trip_devices),
		cmocka_unit_test(test_sec_absent),
		cmocka_unit_test(test_round_trip_null_error),
		cmocka_unit_test(test_round_trip_minimal),
		cmocka_unit_test(test_round_trip_every_status),
		cmocka_unit_test(test_status_name),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_status_text),
		cmocka_unit_test(test_limits_pool_shares),
		cmocka_unit_test(test_limits_pool_state_refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
