/* --format for version, info, history and system df: the daemon's reply
 * as the object docker's template sees (Docker's keys), then "json", a
 * "table" template or a template per row, through template.c. The
 * commands parse their options; these only print. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "format.h"
#include "ps-format.h"
#include "table.h"
#include "template.h"

static const char *
s_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

/* One object: "json" prints it compactly, else the template. */
static int
print_one(json_t *o, const char *format)
{
	char err[512], *s;

	if (strcmp(format, "json") == 0)
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	else
		s = template_render(format, o, TEMPLATE_ESCAPES, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

/* Rows of kind: "json" one object a line, "table T" with Docker's header,
 * else T per row. */
static int
print_rows(const char *kind, json_t *rows, const char *format)
{
	const char *tt = strncmp(format, "table", 5) == 0 ? format + 5 + strspn(format + 5, " ") : NULL;
	struct template *t = NULL;
	struct table *tab = NULL;
	char err[512], *s;
	json_t *r;
	size_t i, cols = 1;
	int rc = 0;

	if (strcmp(format, "json") && !(t = template_parse(tt ? tt : format, TEMPLATE_ESCAPES, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (tt) {
		for (const char *p = tt; (p = strstr(p, "\\t")); p += 2)
			cols++;
		tab = table_new(cols > 16 ? 16 : cols);
	}
	if (tab && (s = ps_format_table_header(kind, tt))) {
		table_add_line(tab, s);
		free(s);
	}
	json_array_foreach(rows, i, r) {
		s = t ? template_exec(t, r, err, sizeof(err)) : json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!s) {
			fprintf(stderr, "%s\n", err);
			rc = 1;
			break;
		}
		if (tab)
			table_add_line(tab, s);
		else
			printf("%s\n", s);
		free(s);
	}
	if (tab && !rc)
		table_print(tab);
	if (tab)
		table_free(tab);
	template_free(t);
	return rc;
}

int
cmd_format_version(json_t *v, const char *format)
{
	json_t *o = json_pack("{s:{s:{s:s}, s:s, s:s, s:s, s:s}, s:{s:{s:s}, s:s, s:s, s:s, s:s, s:s}}", "Client",
			      "Platform", "Name", "lite", "Version", LITE_VERSION, "ApiVersion", LITE_API_VERSION, "Os",
			      "linux", "Arch", s_of(v, "arch"), "Server", "Platform", "Name", "containerd-lite", "Version",
			      s_of(v, "version"), "ApiVersion", s_of(v, "api_version"), "KernelVersion", s_of(v, "kernel"),
			      "Os", "linux", "Arch", s_of(v, "arch"));
	int rc = print_one(o, format);

	json_decref(o);
	return rc;
}

int
cmd_format_info(json_t *info, const char *format)
{
	json_int_t n = json_integer_value(json_object_get(info, "containers")),
		   run = json_integer_value(json_object_get(info, "running"));
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			      "Containers", n, "ContainersRunning", run, "ContainersPaused", (json_int_t)0,
			      "ContainersStopped", n - run, "Images", json_integer_value(json_object_get(info, "images")),
			      "Driver", s_of(info, "storage_driver"), "DockerRootDir", s_of(info, "data_root"),
			      "ExecRoot", s_of(info, "exec_root"), "KernelVersion", s_of(info, "kernel"),
			      "OperatingSystem", "linux", "OSType", "linux", "Architecture", s_of(info, "arch"),
			      "ServerVersion", s_of(info, "version"), "CgroupDriver", "cgroupfs", "CgroupVersion",
			      strcmp(s_of(info, "cgroup_mode"), "v2") == 0 ? "2" : "1");
	int rc;

	json_object_set(o, "Lite", info); /* everything else lite reports, as it is */
	rc = print_one(o, format);
	json_decref(o);
	return rc;
}

int
cmd_format_history(json_t *res, const char *format)
{
	json_t *rows = json_array(), *h;
	time_t now = time(NULL);
	size_t i;
	int rc;

	json_array_foreach(json_object_get(res, "history"), i, h) {
		const char *layer = s_of(h, "layer"), *created = s_of(h, "created");
		char id[80], since[64] = "";
		struct tm tm = { 0 };

		/* docker prints the image's short id on its top row */
		snprintf(id, sizeof(id), "%.12s", i == 0 ? s_of(res, "id") + (strncmp(s_of(res, "id"), "sha256:", 7) ? 0 : 7)
							 : "<missing>");
		if (strptime(created, "%Y-%m-%dT%H:%M:%S", &tm))
			format_ago((int64_t)(now - timegm(&tm)), since, sizeof(since));
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "ID", id, "CreatedSince", since,
						      "CreatedAt", created, "CreatedBy", s_of(h, "created_by"), "Size",
						      *layer ? "" : "0B", "Comment", s_of(h, "comment")));
	}
	rc = print_rows("history", rows, format);
	json_decref(rows);
	return rc;
}

int
cmd_format_df(json_t *res, const char *format)
{
	static const char *const kinds[][2] = { { "images", "Images" }, { "containers", "Containers" },
						{ "volumes", "Local Volumes" }, { "build_cache", "Build Cache" } };
	json_t *rows = json_array();
	int rc;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		json_t *k = json_object_get(res, kinds[i][0]);
		char size[32], recl[32], total[24], active[24];

		format_size((uint64_t)json_integer_value(json_object_get(k, "size")), size, sizeof(size));
		format_size((uint64_t)json_integer_value(json_object_get(k, "reclaimable")), recl, sizeof(recl));
		snprintf(total, sizeof(total), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(k, "total")));
		snprintf(active, sizeof(active), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(k, "active")));
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s}", "Type", kinds[i][1], "TotalCount", total,
						      "Active", active, "Size", size, "Reclaimable", recl));
	}
	rc = print_rows("df", rows, format);
	json_decref(rows);
	return rc;
}
