/* --format for volume/network/image/system commands: the same template
 * engine as ps (ps-format.c), json lines, and "table" templates. */
#include "out-format.h"
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps-format.h"
#include "table.h"

static size_t
columns(const char *tmpl)
{
	size_t n = 1;

	for (const char *p = tmpl; (p = strstr(p, "\\t")); p += 2)
		n++;
	return n > 16 ? 16 : n;
}

void
out_format_init(struct out_format *o, const char *format)
{
	char *hdr;

	memset(o, 0, sizeof(*o));
	o->json = !strcmp(format, "json") || !strcmp(format, "{{json .}}");
	o->tmpl = format;
	if (!o->json && !strncmp(format, "table", 5)) {
		o->tmpl = format + 5 + strspn(format + 5, " ");
		o->t = table_new(columns(o->tmpl));
		if ((hdr = ps_format_header(o->tmpl))) {
			table_add_line(o->t, hdr);
			free(hdr);
		}
	}
}

int
out_format_row(struct out_format *o, json_t *obj)
{
	char err[160], *line;

	if (o->json) {
		line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", line ? line : "null");
		free(line);
		return 0;
	}
	line = ps_format_render(o->tmpl, obj, err, sizeof(err));
	if (!line) {
		client_errorf("invalid --format: %s", err);
		return -1;
	}
	if (o->t)
		table_add_line(o->t, line);
	else
		printf("%s\n", line);
	free(line);
	return 0;
}

void
out_format_end(struct out_format *o)
{
	if (o->t) {
		table_print(o->t);
		table_free(o->t);
	}
	o->t = NULL;
}
