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

/* What a row shows besides the reply's own fields, kept until the table
 * is printed (the table borrows every cell: no copy per cell). */
struct row_text {
	char command[24];       /* 19 bytes and "…" */
	char created[40];
};

/* The cells point into the reply (cut in place) or into *x. A "created"
 * text equal to the row before's is shared: containers started in the
 * same second, the usual case at 1,000, format it once. */
static void
add_row(struct table *t, char **f, bool no_trunc, int64_t now, struct row_text *x, const char **last_created,
	int64_t *last_ago)
{
	size_t max_id = no_trunc ? 64 : 12;
	const char *command = f[F_COMMAND];
	int64_t ago = now - strtoll(f[F_CREATED], NULL, 10);

	if (strnlen(f[F_ID], max_id + 1) > max_id)
		f[F_ID][max_id] = '\0';
	if (!no_trunc && strnlen(command, 21) > 20) { /* as cmd-ps.c's command_text */
		memcpy(x->command, command, 19);
		strcpy(x->command + 19, "…");
		command = x->command;
	}
	if (!*last_created || ago != *last_ago) {
		format_ago(ago, x->created, sizeof(x->created));
		*last_created = x->created;
		*last_ago = ago;
	}
	table_add(t, (const char *[]){ f[F_ID], f[F_IMAGE], command, *last_created, f[F_STATUS], f[F_PORTS], f[F_NAME] });
}

static size_t
count_lines(const char *text, const char *end)
{
	size_t n = 0;

	for (const char *p = text; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

static int
print_rows(char *text, size_t size, bool quiet, bool no_trunc, long long last)
{
	struct table *t = quiet ? NULL : table_new_borrowed(7);
	int64_t now = time(NULL), last_ago = 0;
	long long shown = 0;
	char *line = text, *end = size ? text + size : text;
	struct row_text *x = quiet ? NULL : calloc(count_lines(text, end) + 1, sizeof(*x));
	const char *last_created = NULL;

	if (!quiet && (!t || !x)) {
		client_errorf("out of memory");
		table_free(t);
		free(x);
		return 1;
	}
	if (t)
		table_add(t, (const char *[]){ "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES" });
	while (line < end && (last < 0 || shown < last)) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *f[F_MAX];

		if (nl)
			*nl = '\0';
		if (!nl || !split(line, f)) {
			client_errorf("malformed ps reply from the daemon");
			table_free(t);
			free(x);
			return 1;
		}
		if (quiet) {
			fwrite(f[F_ID], 1, strnlen(f[F_ID], no_trunc ? 64 : 12), stdout);
			putchar('\n');
		}
		else
			add_row(t, f, no_trunc, now, &x[shown], &last_created, &last_ago);
		shown++;
		line = nl + 1;
	}
	if (t)
		table_print(t);
	table_free(t);
	free(x);
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
