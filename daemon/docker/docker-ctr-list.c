/* lite-docker-api: GET /containers/json — lite's ps rows in Docker's list
 * shape. Query: all, limit, size, filters (both of Docker's forms:
 * {"key":["v"]} and {"key":{"v":true}}), matched by lite ps's own filter
 * code (client/ps-filter.c: the same keys and meaning as `lite ps
 * --filter`). A status filter lists stopped containers too, as Docker. */
#include "docker-ctr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps-filter.h"

static json_t *
command_string(json_t *cmd)
{
	char buf[4096] = "";
	size_t i;
	json_t *v;

	json_array_foreach(cmd, i, v)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " " : "", json_string_value(v) ?: "");
	return json_string(buf);
}

/* lite's {"container_port","protocol","host_ip","host_port"} -> Docker's */
static json_t *
ports(json_t *l)
{
	json_t *out = json_array(), *p;
	size_t i;

	json_array_foreach(l, i, p) {
		json_t *e = json_pack("{s:I,s:s}", "PrivatePort", json_integer_value(json_object_get(p, "container_port")),
				      "Type", json_string_value(json_object_get(p, "protocol")) ?: "tcp");

		if (json_object_get(p, "host_port")) {
			json_object_set(e, "IP", json_object_get(p, "host_ip"));
			json_object_set(e, "PublicPort", json_object_get(p, "host_port"));
		}
		json_array_append_new(out, e);
	}
	return out;
}

static json_t *
mounts(json_t *l)
{
	json_t *out = json_array(), *m;
	size_t i;

	json_array_foreach(l, i, m) {
		const char *type = json_string_value(json_object_get(m, "type")) ?: "bind";

		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "Type", type, "Source",
						     json_string_value(json_object_get(m, "source")) ?: "", "Destination",
						     json_string_value(json_object_get(m, "target")) ?: "", "Mode", "",
						     "RW", !json_is_true(json_object_get(m, "readonly")), "Propagation", ""));
	}
	return out;
}

static json_t *
networks(json_t *ns)
{
	json_t *out = json_object(), *n;
	const char *name;

	json_object_foreach(json_object_get(ns, "networks"), name, n)
		json_object_set_new(out, name, json_pack("{s:s,s:s,s:s,s:s}", "NetworkID",
							 json_string_value(json_object_get(n, "network_id")) ?: "",
							 "IPAddress", json_string_value(json_object_get(n, "ip_address")) ?: "",
							 "Gateway", json_string_value(json_object_get(n, "gateway")) ?: "",
							 "MacAddress", json_string_value(json_object_get(n, "mac_address")) ?: ""));
	return out;
}

static json_t *
entry(json_t *c)
{
	char name[300];
	const char *mode = json_string_value(json_object_get(json_object_get(c, "network_settings"), "mode"));
	json_t *e;

	snprintf(name, sizeof(name), "/%s", json_string_value(json_object_get(c, "name")) ?: "");
	e = json_pack("{s:O,s:[s],s:O,s:O,s:o,s:O,s:O,s:O,s:o,s:O,s:{s:s},s:{s:o},s:o}", "Id", json_object_get(c, "id"),
		      "Names", name, "Image", json_object_get(c, "image"), "ImageID", json_object_get(c, "image_id"),
		      "Command", command_string(json_object_get(c, "command")), "Created", json_object_get(c, "created"),
		      "State", json_object_get(c, "state"), "Status", json_object_get(c, "status"), "Ports",
		      ports(json_object_get(c, "ports")), "Labels", json_object_get(c, "labels"), "HostConfig",
		      "NetworkMode", mode && *mode ? mode : "default", "NetworkSettings", "Networks",
		      networks(json_object_get(c, "network_settings")), "Mounts", mounts(json_object_get(c, "mounts")));
	if (e && json_object_get(c, "size_rw"))
		json_object_set(e, "SizeRw", json_object_get(c, "size_rw"));
	return e;
}

/* Docker's filters JSON -> "key=value" specs for filter_add (specs owned
 * by the caller: the set points into them). */
static int
parse_filters(const char *text, struct filter_set *fs, char ***specs, char *err, size_t errlen)
{
	json_t *f = text && *text ? json_loads(text, 0, NULL) : json_object(), *vals, *v;
	const char *key, *val;
	size_t n = 0, i;

	if (!json_is_object(f)) {
		json_decref(f);
		snprintf(err, errlen, "invalid filters: not a JSON object");
		return -1;
	}
	*specs = calloc(FILTER_MAX + 1, sizeof(char *));
	json_object_foreach(f, key, vals) {
		json_t *list = json_array();

		if (json_is_array(vals))
			json_array_extend(list, vals);
		else if (json_is_object(vals))
			json_object_foreach(vals, val, v)
				if (json_is_true(v))
					json_array_append_new(list, json_string(val));
		json_array_foreach(list, i, v) {
			if (n == FILTER_MAX || asprintf(&(*specs)[n], "%s=%s", key, json_string_value(v) ?: "") < 0 ||
			    filter_add(fs, (*specs)[n++], ps_filter_keys, err, errlen) < 0) {
				json_decref(list);
				json_decref(f);
				if (n == FILTER_MAX)
					snprintf(err, errlen, "too many filters");
				return -1;
			}
		}
		json_decref(list);
	}
	json_decref(f);
	return 0;
}

static void
free_specs(char **specs)
{
	for (size_t i = 0; specs && specs[i]; i++)
		free(specs[i]);
	free(specs);
}

int
api_containers_list(struct api *a)
{
	struct filter_set fs = { 0 };
	char **specs = NULL, msg[512];
	const char *limit = http_query(a->r, "limit");
	long max = limit ? atol(limit) : -1;
	bool all = http_query_bool(a->r, "all", false);
	json_t *res = NULL, *out, *c;
	struct docker_err err;
	size_t i;

	if (parse_filters(http_query(a->r, "filters"), &fs, &specs, msg, sizeof(msg)) < 0) {
		free_specs(specs);
		return http_send_error(a->c, 400, "%s", msg), 0;
	}
	all = all || filter_has(&fs, "status") || filter_has(&fs, "exited") || max > 0;
	if (docker_lite_call("ps",
			     json_pack("{s:b,s:b,s:b}", "all", true, "details", true, "size",
				       http_query_bool(a->r, "size", false)),
			     &res, &err) < 0) {
		free_specs(specs);
		return docker_ctr_fail(a, &err);
	}
	if (ps_filter_check(&fs, res, msg, sizeof(msg)) < 0) {
		free_specs(specs);
		json_decref(res);
		return http_send_error(a->c, 400, "%s", msg), 0;
	}
	out = json_array();
	json_array_foreach(res, i, c) {
		const char *st = json_string_value(json_object_get(c, "state")) ?: "";

		if (max >= 0 && (long)json_array_size(out) >= max)
			break;
		if ((all || !strcmp(st, "running") || !strcmp(st, "paused") || !strcmp(st, "restarting")) &&
		    ps_filter_row(&fs, res, i))
			json_array_append_new(out, entry(c));
	}
	json_decref(res);
	free_specs(specs);
	http_send_json(a->c, 200, out);
	return 0;
}
