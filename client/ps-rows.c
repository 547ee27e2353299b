/* lite ps's plain table and -q: the daemon's ps "rows" reply, a line of
 * tab-separated fields per container after the reply line, split in place
 * and laid out. At 1,000 containers jansson's parse of the JSON objects
 * was most of the client's time; --format and --filter still read the
 * JSON reply (cmd-ps.c). */
#include "ps-rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "format.h"
#include "table.h"

enum { F_ID, F_NAME, F_IMAGE, F_COMMAND, F_CREATED, F_STATE, F_STATUS, F_PORTS, F_MAX };

/* The raw bytes that follow the reply: exactly size of them. */
static int
read_rows(struct conn *c, size_t size)
{
	while (c->len < size) {
		int n = conn_fill(c);

		if (n <= 0) {
			client_errorf("the daemon closed the connection in the middle of ps's reply");
			return -1;
		}
	}
	return 0;
}

/* Split line at tabs into f[F_MAX]; false when fields are missing. */
static bool
split(char *line, char **f)
{
	for (int i = 0; i < F_MAX; i++) {
		char *tab = strchr(line, '\t');

		f[i] = line;
		if (i + 1 == F_MAX)
			return !tab;
		if (!tab)
			return false;
		*tab = '\0';
		line = tab + 1;
	}
	return true;
}

static void
add_row(struct table *t, char **f, bool no_trunc, int64_t now)
{
	char id[65], command[4096], created[64];

	snprintf(id, sizeof(id), "%.*s", no_trunc ? 64 : 12, f[F_ID]);
	snprintf(command, sizeof(command), "%s", f[F_COMMAND]);
	if (!no_trunc && strlen(command) > 20) /* as cmd-ps.c's command_text */
		strcpy(command + 19, "…");
	format_ago(now - strtoll(f[F_CREATED], NULL, 10), created, sizeof(created));
	table_add(t, (const char *[]){ id, f[F_IMAGE], command, created, f[F_STATUS], f[F_PORTS], f[F_NAME] });
}

static int
print_rows(char *text, size_t size, bool quiet, bool no_trunc, long long last)
{
	struct table *t = quiet ? NULL : table_new(7);
	int64_t now = time(NULL);
	long long shown = 0;
	char *line = text, *end = size ? text + size : text;

	if (t)
		table_add(t, (const char *[]){ "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES" });
	while (line < end && (last < 0 || shown < last)) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *f[F_MAX];

		if (nl)
			*nl = '\0';
		if (!nl || !split(line, f)) {
			client_errorf("malformed ps reply from the daemon");
			table_free(t);
			return 1;
		}
		if (quiet)
			printf("%.*s\n", no_trunc ? 64 : 12, f[F_ID]);
		else
			add_row(t, f, no_trunc, now);
		shown++;
		line = nl + 1;
	}
	if (t)
		table_print(t);
	table_free(t);
	return 0;
}

int
ps_rows_print(bool all, bool quiet, bool no_trunc, long long last)
{
	json_t *result = NULL;
	struct conn c;
	size_t size;
	int rc = 1;

	if (conn_open(&c) < 0)
		return 1;
	if (conn_call(&c, "ps", json_pack("{s:b, s:b}", "all", all, "rows", true), &result) == 0) {
		size = (size_t)json_integer_value(json_object_get(result, "size"));
		if (read_rows(&c, size) == 0)
			rc = print_rows(c.buf, size, quiet, no_trunc, last);
		json_decref(result);
	}
	conn_close(&c);
	return rc;
}
