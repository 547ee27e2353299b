/* lite-docker-api: GET /containers/{id}/stats — lite's samples in
 * Docker's JSON, precpu_stats from the previous sample: a stream (one a
 * second), one sample with the one a second before (stream=false, so
 * docker stats --no-stream shows CPU %), or one at once (one-shot). */
#include "docker-ctr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
