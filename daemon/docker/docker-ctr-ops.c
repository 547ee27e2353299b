/* lite-docker-api: container endpoints over one lite request each —
 * update, changes, export (the tar stream). top, stats and prune have
 * files of their own (docker-ctr-top.c, -stats.c, -prune.c). */
#include "docker-ctr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
