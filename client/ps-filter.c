/* lite ps --filter: Docker's keys over the daemon's ps rows (with
 * "details": labels, health, mounts, network_settings). The list is newest
 * first, so before=X means "after X in the list". */
#include "ps-filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

const char *const ps_filter_keys[] = {
	"id", "name", "label!", "status", "ancestor", "before", "since", "exited",
	"health", "network", "volume", "publish", "expose", NULL,
};

static const char *const statuses[] = { "created", "running", "paused", "exited", "restarting", "removing", "dead", NULL };
static const char *const healths[] = { "starting", "healthy", "unhealthy", "none", NULL };

struct row_ctx {
	json_t *list;
	size_t i;
	json_t *row;
};

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

static bool
in_list(const char *const *l, const char *v)
{
	for (; *l; l++)
		if (!strcmp(*l, v))
			return true;
	return false;
}

/* The index of the container ref (full or short id, or name) in list, or -1. */
static long
find(json_t *list, const char *ref)
{
	json_t *c;
	size_t i;

	json_array_foreach(list, i, c)
		if (!strcmp(str(c, "name"), ref) || !strcmp(str(c, "id"), ref))
			return (long)i;
	json_array_foreach(list, i, c)
		if (strlen(ref) >= 3 && !strncmp(str(c, "id"), ref, strlen(ref)))
			return (long)i;
	return -1;
}

int
ps_filter_check(const struct filter_set *s, json_t *list, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->n; i++) {
		const char *k = s->f[i].key, *v = s->f[i].value;
		long long n;

		if ((!strcmp(k, "before") || !strcmp(k, "since")) && find(list, v) < 0)
			return snprintf(err, errlen, "invalid --filter %s=%s: no such container", k, v), -1;
		if (!strcmp(k, "status") && !in_list(statuses, v))
			return snprintf(err, errlen, "invalid --filter status=%s: use created, running, paused, exited, "
					"restarting, removing or dead", v), -1;
		if (!strcmp(k, "health") && !in_list(healths, v))
			return snprintf(err, errlen, "invalid --filter health=%s: use starting, healthy, unhealthy or none",
					v), -1;
		if (!strcmp(k, "exited") && parse_int_range(v, -255, 255, &n) < 0)
			return snprintf(err, errlen, "invalid --filter exited=%s: expected an exit code", v), -1;
		if ((!strcmp(k, "publish") || !strcmp(k, "expose")) && filter_port(v, 1, "tcp") < 0)
			return snprintf(err, errlen, "invalid --filter %s=%s: expected PORT[/PROTO] or START-END[/PROTO]", k,
					v), -1;
	}
	return 0;
}

bool
ps_filter_needs_details(const struct filter_set *s)
{
	static const char *const need[] = { "label", "health", "network", "volume", "publish", "expose", NULL };

	for (size_t i = 0; i < s->n; i++)
		if (in_list(need, s->f[i].key))
			return true;
	return false;
}

static bool
ancestor(json_t *row, const char *v)
{
	const char *img = str(row, "image"), *id = str(row, "image_id");
	size_t n = strlen(v);

	if (!strcmp(img, v) || (!strchr(v, ':') && !strncmp(img, v, n) && !strcmp(img + n, ":latest")))
		return true;
	if (!strchr(img, ':') && !strncmp(v, img, strlen(img)) && !strcmp(v + strlen(img), ":latest"))
		return true;
	if (!strncmp(id, "sha256:", 7) && !strncmp(v, "sha256:", 7))
		return n > 7 && !strncmp(id, v, n);
	return n >= 3 && !strncmp(id + (strncmp(id, "sha256:", 7) ? 0 : 7), v, n);
}

static bool
network(json_t *row, const char *v)
{
	json_t *ns = json_object_get(row, "network_settings"), *n;
	const char *name;

	if (!strcmp(str(ns, "mode"), v))
		return true;
	json_object_foreach(json_object_get(ns, "networks"), name, n)
		if (!strcmp(name, v) || (strlen(v) >= 3 && !strncmp(str(n, "network_id"), v, strlen(v))))
			return true;
	return false;
}

static bool
volume(json_t *row, const char *v)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(row, "mounts"), i, m)
		if (!strcmp(str(m, "volume"), v) || !strcmp(str(m, "target"), v) || !strcmp(str(m, "source"), v))
			return true;
	return false;
}

/* publish: published container ports; expose: those and --expose's. */
static bool
port(json_t *row, const char *v, bool exposed)
{
	json_t *ns = json_object_get(row, "network_settings"), *p;
	size_t i;

	json_array_foreach(json_object_get(ns, "ports"), i, p)
		if (filter_port(v, (int)json_integer_value(json_object_get(p, "container_port")),
				json_string_value(json_object_get(p, "protocol"))) > 0)
			return true;
	if (!exposed)
		return false;
	json_array_foreach(json_object_get(row, "exposed_ports"), i, p) { /* "80/tcp" */
		char *slash = strchr(json_string_value(p) ?: "", '/');

		if (filter_port(v, atoi(json_string_value(p) ?: ""), slash ? slash + 1 : "tcp") > 0)
			return true;
	}
	return false;
}

static bool
match(const char *k, const char *v, void *ctx)
{
	struct row_ctx *c = ctx;
	json_t *row = c->row;

	if (!strcmp(k, "id"))
		return !strncmp(str(row, "id"), v, strlen(v));
	if (!strcmp(k, "name"))
		return strstr(str(row, "name"), v) != NULL;
	if (!strcmp(k, "label"))
		return filter_label(json_object_get(row, "labels"), v);
	if (!strcmp(k, "status"))
		return !strcmp(str(row, "state"), v);
	if (!strcmp(k, "ancestor"))
		return ancestor(row, v);
	if (!strcmp(k, "before"))
		return (long)c->i > find(c->list, v);
	if (!strcmp(k, "since"))
		return (long)c->i < find(c->list, v);
	if (!strcmp(k, "exited"))
		return !strcmp(str(row, "state"), "exited") && json_integer_value(json_object_get(row, "exit_code")) == atoi(v);
	if (!strcmp(k, "health"))
		return !strcmp(*str(row, "health") ? str(row, "health") : "none", v);
	if (!strcmp(k, "network"))
		return network(row, v);
	if (!strcmp(k, "volume"))
		return volume(row, v);
	if (!strcmp(k, "publish"))
		return port(row, v, false);
	if (!strcmp(k, "expose"))
		return port(row, v, true);
	return false;
}

bool
ps_filter_row(const struct filter_set *s, json_t *list, size_t i)
{
	struct row_ctx c = { list, i, json_array_get(list, i) };

	return filter_match(s, match, &c);
}
