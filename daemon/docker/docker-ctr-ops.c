/* lite-docker-api: container endpoints over one lite request each —
 * top (the host's ps, filtered to the container's PIDs, as Docker),
 * stats (lite's samples in Docker's JSON, with precpu_stats from the
 * previous sample: stream, or one after a second, or one-shot), update,
 * changes, export (the tar stream) and prune. */
#include "docker-ctr.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"

/* ---------------------------------------------------------------- top */

/* The host's ps ARGS (split on blanks), its output in out. */
static int
run_ps(const char *args, char **out)
{
	char *copy = strdup(args), *argv[34] = { "ps" }, *save = NULL;
	size_t argc = 1, len = 0, cap = 0;
	int pfd[2], status;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	*out = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w && argc < 33; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	if (pipe(pfd) < 0 || (pid = fork()) < 0) {
		free(copy);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execvp("ps", argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n <= 0)
			continue;
		if (len + (size_t)n + 1 > cap) {
			char *nb = realloc(*out, cap = (len + (size_t)n + 1) * 2);

			if (!nb)
				break;
			*out = nb;
		}
		memcpy(*out + len, buf, (size_t)n);
		len += (size_t)n;
		(*out)[len] = '\0';
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	free(copy);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && *out ? 0 : -1;
}

/* A ps line's fields: the last one keeps the rest of the line. */
static json_t *
fields(char *line, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n && *line; i++) {
		while (isspace((unsigned char)*line))
			line++;
		if (!*line)
			break;   /* trailing blanks */
		char *end = line;

		if (i + 1 < n)
			while (*end && !isspace((unsigned char)*end))
				end++;
		else
			end += strlen(end);
		json_array_append_new(a, json_stringn(line, (size_t)(end - line)));
		line = end;
	}
	return a;
}

static bool
has_pid(json_t *pids, const char *s)
{
	size_t i;
	json_t *p;

	json_array_foreach(pids, i, p)
		if (json_integer_value(p) == atoll(s))
			return true;
	return false;
}

int
api_container_top(struct api *a)
{
	const char *args = http_query(a->r, "ps_args");
	struct docker_err err;
	json_t *res = NULL, *titles, *procs;
	char *out = NULL, *save = NULL, *line;
	long pid_col = -1;
	size_t i;
	json_t *t;

	if (docker_lite_call("top", json_pack("{s:s}", "id", a->arg), &res, &err) < 0) {
		if (err.status == 400)
			err.status = 409;   /* Docker: 409 for a container that does not run */
		return docker_ctr_fail(a, &err);
	}
	if (run_ps(args && *args ? args : "-ef", &out) < 0) {
		free(out);
		json_decref(res);
		return http_send_error(a->c, 500, "ps %s failed", args && *args ? args : "-ef"), 0;
	}
	line = strtok_r(out, "\n", &save);
	titles = fields(line, SIZE_MAX);
	json_array_foreach(titles, i, t)
		if (!strcmp(json_string_value(t), "PID"))
			pid_col = (long)i;
	if (pid_col < 0) {
		free(out);
		json_decref(res);
		json_decref(titles);
		return http_send_error(a->c, 500, "Couldn't find PID field in ps output"), 0;
	}
	procs = json_array();
	while ((line = strtok_r(NULL, "\n", &save))) {
		json_t *row = fields(line, json_array_size(titles));

		if (has_pid(json_object_get(res, "pids"), json_string_value(json_array_get(row, (size_t)pid_col)) ?: "-1"))
			json_array_append_new(procs, row);
		else
			json_decref(row);
	}
	free(out);
	json_decref(res);
	return http_send_json(a->c, 200, json_pack("{s:o,s:o}", "Titles", titles, "Processes", procs)), 0;
}

/* ---------------------------------------------------------------- stats */

static json_t *
sample(const char *id, struct docker_err *err)
{
	json_t *res = NULL, *s;

	if (docker_lite_call("stats", json_pack("{s:[s],s:b}", "ids", id, "all", 1), &res, err) < 0)
		return NULL;
	s = json_incref(json_array_get(json_object_get(res, "containers"), 0));
	json_decref(res);
	if (!s) {
		err->status = 404;
		snprintf(err->msg, sizeof(err->msg), "No such container: %s", id);
	}
	return s;
}

static json_t *
cpu_stats(json_t *s)
{
	json_t *c = json_object_get(s, "cpu_stats");

	return json_pack("{s:{s:I,s:I,s:I},s:I,s:I,s:{s:i,s:i,s:i}}", "cpu_usage", "total_usage",
			 json_integer_value(json_object_get(json_object_get(c, "cpu_usage"), "total_usage")),
			 "usage_in_kernelmode", (json_int_t)0, "usage_in_usermode", (json_int_t)0, "system_cpu_usage",
			 json_integer_value(json_object_get(c, "system_cpu_usage")), "online_cpus",
			 json_integer_value(json_object_get(c, "online_cpus")), "throttling_data", "periods", 0,
			 "throttled_periods", 0, "throttled_time", 0);
}

/* lite's sample (and the one before) -> Docker's stats JSON */
static json_t *
docker_stats(json_t *s, json_t *prev)
{
	json_t *m = json_object_get(s, "memory_stats"), *net = json_object_get(json_object_get(s, "networks"), "total");
	json_t *bio = json_array(), *e, *o;
	char name[300];
	size_t i;

	json_array_foreach(json_object_get(json_object_get(s, "blkio_stats"), "io_service_bytes_recursive"), i, e) {
		const char *op = json_string_value(json_object_get(e, "op")) ?: "";

		json_array_append_new(bio, json_pack("{s:i,s:i,s:s,s:O}", "major", 0, "minor", 0, "op",
						     !strcmp(op, "read") ? "Read" : !strcmp(op, "write") ? "Write" : op,
						     "value", json_object_get(e, "value")));
	}
	snprintf(name, sizeof(name), "/%s", json_string_value(json_object_get(s, "name")) ?: "");
	o = json_pack("{s:O,s:s,s:{s:I},s:{s:o,s:[],s:[],s:[],s:[],s:[],s:[],s:[]},s:i,s:{},s:o,s:o,s:s,s:O}", "read",
		      json_object_get(s, "read"), "preread",
		      json_string_value(json_object_get(prev, "read")) ?: "0001-01-01T00:00:00Z", "pids_stats", "current",
		      json_integer_value(json_object_get(json_object_get(s, "pids_stats"), "current")), "blkio_stats",
		      "io_service_bytes_recursive", bio, "io_serviced_recursive", "io_queue_recursive",
		      "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive", "io_time_recursive",
		      "sectors_recursive", "num_procs", 0, "storage_stats", "cpu_stats", cpu_stats(s), "precpu_stats",
		      cpu_stats(prev), "name", name, "id", json_object_get(s, "id"));
	json_object_set_new(o, "memory_stats",
			    json_is_true(json_object_get(s, "running"))
				    ? json_pack("{s:I,s:O,s:I}", "usage", json_integer_value(json_object_get(m, "usage")), "stats",
						json_object_get(m, "stats") ?: json_object(), "limit",
						json_integer_value(json_object_get(m, "limit")))
				    : json_object());
	if (net)
		json_object_set_new(o, "networks",
				    json_pack("{s:{s:I,s:i,s:i,s:i,s:I,s:i,s:i,s:i}}", "eth0", "rx_bytes",
					      json_integer_value(json_object_get(net, "rx_bytes")), "rx_packets", 0, "rx_errors",
					      0, "rx_dropped", 0, "tx_bytes", json_integer_value(json_object_get(net, "tx_bytes")),
					      "tx_packets", 0, "tx_errors", 0, "tx_dropped", 0));
	return o;
}

static int
send_line(struct api *a, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	int r = s ? http_stream_write(a->c, s, strlen(s)) : -1;

	json_decref(o);
	if (r == 0)
		r = http_stream_write(a->c, "\n", 1);
	free(s);
	return r;
}

int
api_container_stats(struct api *a)
{
	bool stream = http_query_bool(a->r, "stream", true), one_shot = http_query_bool(a->r, "one-shot", false);
	struct docker_err err;
	json_t *prev = NULL, *cur = sample(a->arg, &err);

	if (!cur)
		return docker_ctr_fail(a, &err);
	if (one_shot && stream)
		return json_decref(cur), http_send_error(a->c, 400, "cannot have stream=true and one-shot=true"), 0;
	if (!stream) {
		if (!one_shot && json_is_true(json_object_get(cur, "running"))) {
			/* Docker's one sample carries the one a second before */
			prev = cur;
			sleep(1);
			cur = sample(a->arg, &err);
			if (!cur) {
				json_decref(prev);
				return docker_ctr_fail(a, &err);
			}
		}
		http_send_json(a->c, 200, docker_stats(cur, prev));
		json_decref(prev);
		json_decref(cur);
		return 0;
	}
	if (http_stream_begin(a->c, 200, "application/json") < 0) {
		json_decref(cur);
		return 1;
	}
	for (;;) {
		int r = send_line(a, docker_stats(cur, prev));

		json_decref(prev);
		prev = cur;
		if (r < 0 || docker_ctr_client_gone(a->c))
			break;
		sleep(1);
		if (!(cur = sample(a->arg, &err)))
			break;
	}
	json_decref(prev);
	http_stream_end(a->c);
	return 1;
}

/* ---------------------------------------------------------------- update */

int
api_container_update(struct api *a)
{
	static const char *const refused[] = {
		"BlkioWeight", "CpuPeriod", "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems",
		"KernelMemory", "KernelMemoryTCP", "MemoryReservation", "BlkioWeightDevice", "BlkioDeviceReadBps",
		"BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "Devices", "DeviceCgroupRules",
		"OomKillDisable", "Ulimits", "CpuCount", "CpuPercent",
	};
	json_t *body = NULL, *p, *res = NULL, *v, *rp;
	struct docker_err err;
	const char *name;

	if (http_read_json(a->c, a->r, 1 << 20, &body) < 0)
		return 1;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		v = json_object_get(body, refused[i]);
		if ((json_is_integer(v) && json_integer_value(v)) || (json_is_string(v) && *json_string_value(v)) ||
		    json_is_true(v) || (json_is_array(v) && json_array_size(v))) {
			json_decref(body);
			return http_send_error(a->c, 400, "%s is not supported by lite's update", refused[i]), 0;
		}
	}
	p = json_pack("{s:s}", "id", a->arg);
	if (json_integer_value(json_object_get(body, "Memory")))
		json_object_set(p, "memory", json_object_get(body, "Memory"));
	if (json_integer_value(json_object_get(body, "MemorySwap")))
		json_object_set(p, "memory_swap", json_object_get(body, "MemorySwap"));
	if (json_integer_value(json_object_get(body, "CpuShares")))
		json_object_set(p, "cpu_shares", json_object_get(body, "CpuShares"));
	if (json_integer_value(json_object_get(body, "NanoCpus")) > 0) {
		char cpus[32];

		snprintf(cpus, sizeof(cpus), "%.9g", (double)json_integer_value(json_object_get(body, "NanoCpus")) / 1e9);
		json_object_set_new(p, "cpus", json_string(cpus));
	}
	v = json_object_get(body, "PidsLimit");
	if (json_is_integer(v))
		json_object_set_new(p, "pids_limit", json_integer(json_integer_value(v) > 0 ? json_integer_value(v) : -1));
	rp = json_object_get(body, "RestartPolicy");
	if ((name = json_string_value(json_object_get(rp, "Name"))) && *name) {
		char spec[64];
		json_int_t max = json_integer_value(json_object_get(rp, "MaximumRetryCount"));

		if (!strcmp(name, "on-failure") && max > 0)
			snprintf(spec, sizeof(spec), "on-failure:%" JSON_INTEGER_FORMAT, max);
		else
			snprintf(spec, sizeof(spec), "%s", name);
		json_object_set_new(p, "restart", json_string(spec));
	}
	json_decref(body);
	if (docker_lite_call("update", p, &res, &err) < 0)
		return docker_ctr_fail(a, &err);
	json_decref(res);
	return http_send_json(a->c, 200, json_pack("{s:[]}", "Warnings")), 0;
}

/* ---------------------------------------------------------------- changes */

int
api_container_changes(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL, *out, *c;
	size_t i;

	if (docker_lite_call("diff", json_pack("{s:s}", "id", a->arg), &res, &err) < 0)
		return docker_ctr_fail(a, &err);
	out = json_array();
	json_array_foreach(json_object_get(res, "changes"), i, c) {
		const char *k = json_string_value(json_object_get(c, "kind")) ?: "C";

		json_array_append_new(out, json_pack("{s:O,s:i}", "Path", json_object_get(c, "path"), "Kind",
						     *k == 'A' ? 1 : *k == 'D' ? 2 : 0));
	}
	json_decref(res);
	/* Docker: null when nothing changed */
	return http_send_json(a->c, 200, json_array_size(out) ? out : (json_decref(out), json_null())), 0;
}

/* ---------------------------------------------------------------- export */

int
api_container_export(struct api *a)
{
	struct docker_err err;
	struct lite_conn lc;
	json_t *res = NULL;
	char buf[65536];
	ssize_t n;

	if (docker_lite_open("export", json_pack("{s:s}", "id", a->arg), &lc, &res, &err, NULL, NULL) < 0)
		return docker_ctr_fail(a, &err);
	json_decref(res);
	if (http_stream_begin(a->c, 200, "application/x-tar") < 0) {
		docker_lite_close(&lc);
		return 1;
	}
	while ((n = docker_lite_read(&lc, buf, sizeof(buf))) > 0)
		if (http_stream_write(a->c, buf, (size_t)n) < 0)
			break;
	docker_lite_close(&lc);
	http_stream_end(a->c);
	return n != 0;   /* a broken export ends the connection */
}

/* ---------------------------------------------------------------- prune */

struct prune_ctx {
	json_t *c;
	int64_t now;
};

static bool
prune_match(const char *key, const char *value, void *arg)
{
	struct prune_ctx *p = arg;
	int64_t t;

	if (!strcmp(key, "until"))
		return filter_time(value, p->now, &t) == 0 && json_integer_value(json_object_get(p->c, "created")) < t;
	return filter_label(json_object_get(p->c, "labels"), value);
}

int
api_containers_prune(struct api *a)
{
	static const char *const keys[] = { "until", "label!", NULL };
	const char *ftext = http_query(a->r, "filters");
	json_t *f = ftext && *ftext ? json_loads(ftext, 0, NULL) : json_object(), *list = NULL, *deleted, *vals, *v, *c;
	struct filter_set fs = { 0 };
	char *specs[FILTER_MAX] = { 0 }, msg[512];
	struct docker_err err;
	json_int_t reclaimed = 0;
	size_t n = 0, i;
	const char *key;
	int64_t t;

	if (!json_is_object(f)) {
		json_decref(f);
		return http_send_error(a->c, 400, "invalid filters: not a JSON object"), 0;
	}
	json_object_foreach(f, key, vals) {
		json_t *l = json_array();

		if (json_is_array(vals))
			json_array_extend(l, vals);
		else
			json_object_foreach(vals, ftext, v)
				if (json_is_true(v))
					json_array_append_new(l, json_string(ftext));
		json_array_foreach(l, i, v) {
			if (n == FILTER_MAX || asprintf(&specs[n], "%s=%s", key, json_string_value(v) ?: "") < 0 ||
			    filter_add(&fs, specs[n++], keys, msg, sizeof(msg)) < 0 ||
			    (!strcmp(key, "until") && filter_time(json_string_value(v) ?: "", time(NULL), &t) < 0)) {
				if (n == FILTER_MAX)
					snprintf(msg, sizeof(msg), "too many filters");
				else if (!strcmp(key, "until"))
					snprintf(msg, sizeof(msg), "invalid filter 'until=%s'", json_string_value(v) ?: "");
				json_decref(l);
				json_decref(f);
				for (size_t k = 0; k < n; k++)
					free(specs[k]);
				return http_send_error(a->c, 400, "%s", msg), 0;
			}
		}
		json_decref(l);
	}
	json_decref(f);
	if (docker_lite_call("ps", json_pack("{s:b,s:b,s:b}", "all", 1, "details", 1, "size", 1), &list, &err) < 0) {
		for (size_t k = 0; k < n; k++)
			free(specs[k]);
		return docker_ctr_fail(a, &err);
	}
	deleted = json_array();
	json_array_foreach(list, i, c) {
		const char *st = json_string_value(json_object_get(c, "state")) ?: "";
		struct prune_ctx ctx = { c, time(NULL) };
		json_t *res = NULL;

		if ((strcmp(st, "exited") && strcmp(st, "created") && strcmp(st, "dead")) || !filter_match(&fs, prune_match, &ctx))
			continue;
		if (docker_lite_call("rm", json_pack("{s:O}", "id", json_object_get(c, "id")), &res, &err) == 0) {
			json_array_append(deleted, json_object_get(c, "id"));
			reclaimed += json_integer_value(json_object_get(c, "size_rw"));
		}
		json_decref(res);
	}
	json_decref(list);
	for (size_t k = 0; k < n; k++)
		free(specs[k]);
	return http_send_json(a->c, 200,
			      json_pack("{s:o,s:I}", "ContainersDeleted", json_array_size(deleted) ? deleted : (json_decref(deleted), json_null()),
					"SpaceReclaimed", reclaimed)), 0;
}
