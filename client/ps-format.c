/* ps filters, and the --format entry points of every list command: Go
 * templates (template.c) and Docker's table headers. */
#include "ps-format.h"
#include "template.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const filter_keys[PS_F_MAX] = {
	[PS_F_STATUS] = "status", [PS_F_NAME] = "name", [PS_F_LABEL] = "label",
	[PS_F_ANCESTOR] = "ancestor", [PS_F_ID] = "id",
};

static const char *const statuses[] = { "created", "running", "paused", "exited", "restarting", "removing", "dead" };

int
ps_format_filter_parse(const char *spec, struct ps_filter *ret)
{
	const char *eq = strchr(spec, '=');

	if (!eq || eq == spec)
		return -EINVAL;
	for (int k = 0; k < PS_F_MAX; k++) {
		if (strlen(filter_keys[k]) != (size_t)(eq - spec) || strncmp(spec, filter_keys[k], (size_t)(eq - spec)))
			continue;
		ret->key = (enum ps_filter_key)k;
		ret->value = eq + 1;
		if (k != PS_F_STATUS)
			return 0;
		for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (strcmp(ret->value, statuses[i]) == 0)
				return 0;
		return -EINVAL;
	}
	return -EINVAL;
}

static const char *
str(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key)) ?: "";
}

/* label=KEY or label=KEY=VALUE against row.labels (absent: no match). */
static bool
label_match(json_t *labels, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char key[256];
	json_t *v;

	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - spec) : (int)strlen(spec), spec);
	v = json_object_get(labels, key);
	return v && (!eq || strcmp(json_string_value(v) ?: "", eq + 1) == 0);
}

static bool
ancestor_match(json_t *row, const char *v)
{
	const char *image = str(row, "image"), *id = str(row, "image_id");
	size_t n = strlen(v);

	if (strncmp(id, "sha256:", 7) == 0 && strncmp(v, "sha256:", 7) != 0)
		id += 7;
	if (strcmp(image, v) == 0 || (n >= 4 && strncmp(id, v, n) == 0))
		return true;
	/* "busybox" matches "busybox:latest" and the other way round */
	return (strchr(v, ':') == NULL && strncmp(image, v, n) == 0 && strcmp(image + n, ":latest") == 0) ||
	       (strchr(image, ':') == NULL && strncmp(v, image, strlen(image)) == 0 &&
		strcmp(v + strlen(image), ":latest") == 0);
}

static bool
one_match(const struct ps_filter *f, json_t *row)
{
	switch (f->key) {
	case PS_F_STATUS: return strcmp(str(row, "state"), f->value) == 0;
	case PS_F_NAME: return strstr(str(row, "name"), f->value) != NULL;
	case PS_F_ID: return strncmp(str(row, "id"), f->value, strlen(f->value)) == 0;
	case PS_F_LABEL: return label_match(json_object_get(row, "labels"), f->value);
	case PS_F_ANCESTOR: return ancestor_match(row, f->value);
	default: return false;
	}
}

bool
ps_format_filter_match(const struct ps_filter *f, size_t n, json_t *row)
{
	for (int k = 0; k < PS_F_MAX; k++) {
		bool seen = false, any = false;

		for (size_t i = 0; i < n; i++) {
			if (f[i].key != (enum ps_filter_key)k)
				continue;
			seen = true;
			any = any || one_match(&f[i], row);
		}
		if (seen && !any)
			return false;
	}
	return true;
}

char *
ps_format_render(const char *tmpl, json_t *obj, char *err, size_t errlen)
{
	return template_render(tmpl, obj, TEMPLATE_ESCAPES, err, errlen);
}

int
ps_format_check(const char *tmpl, char *err, size_t errlen)
{
	struct template *t;

	if (strcmp(tmpl, "json") == 0)
		return 0;
	if (strncmp(tmpl, "table", 5) == 0)
		tmpl += 5 + strspn(tmpl + 5, " ");
	t = template_parse(tmpl, TEMPLATE_ESCAPES, err, errlen);
	template_free(t);
	return t ? 0 : -EINVAL;
}

/* Docker's column titles, per kind of list ("ID" differs). */
static const struct { const char *kind, *field, *title; } titles[] = {
	{ "container", "ID", "CONTAINER ID" }, { "container", "Names", "NAMES" }, { "container", "Image", "IMAGE" },
	{ "container", "Status", "STATUS" }, { "container", "State", "STATE" }, { "container", "Command", "COMMAND" },
	{ "container", "CreatedAt", "CREATED AT" }, { "container", "RunningFor", "CREATED" },
	{ "container", "Size", "SIZE" }, { "container", "Labels", "LABELS" }, { "container", "Ports", "PORTS" },
	{ "container", "Mounts", "MOUNTS" }, { "container", "Networks", "NETWORKS" },
	{ "container", "LocalVolumes", "LOCAL VOLUMES" },
	{ "image", "ID", "IMAGE ID" }, { "image", "Repository", "REPOSITORY" }, { "image", "Tag", "TAG" },
	{ "image", "Digest", "DIGEST" }, { "image", "CreatedSince", "CREATED" }, { "image", "CreatedAt", "CREATED AT" },
	{ "image", "Size", "SIZE" }, { "image", "Containers", "CONTAINERS" },
	{ "volume", "Name", "VOLUME NAME" }, { "volume", "Driver", "DRIVER" }, { "volume", "Mountpoint", "MOUNTPOINT" },
	{ "volume", "Scope", "SCOPE" }, { "volume", "Labels", "LABELS" }, { "volume", "Size", "SIZE" },
	{ "network", "ID", "NETWORK ID" }, { "network", "Name", "NAME" }, { "network", "Driver", "DRIVER" },
	{ "network", "Scope", "SCOPE" }, { "network", "IPv6", "IPV6" }, { "network", "Internal", "INTERNAL" },
	{ "network", "CreatedAt", "CREATED" },
	{ "history", "ID", "IMAGE" }, { "history", "CreatedSince", "CREATED" }, { "history", "CreatedAt", "CREATED AT" },
	{ "history", "CreatedBy", "CREATED BY" }, { "history", "Size", "SIZE" }, { "history", "Comment", "COMMENT" },
	{ "df", "Type", "TYPE" }, { "df", "TotalCount", "TOTAL" }, { "df", "Active", "ACTIVE" }, { "df", "Size", "SIZE" },
	{ "df", "Reclaimable", "RECLAIMABLE" },
};

char *
ps_format_table_header(const char *kind, const char *tmpl)
{
	json_t *o = json_object();
	char err[256], *s;

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i].kind, kind) == 0)
			json_object_set_new(o, titles[i].field, json_string(titles[i].title));
	s = template_render(tmpl, o, TEMPLATE_ESCAPES | TEMPLATE_HEADER, err, sizeof(err));
	json_decref(o);
	return s;
}

char *
ps_format_header(const char *tmpl)
{
	return ps_format_table_header("container", tmpl);
}
