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

/* Texts a row shows besides the reply's own fields (a cut command, a
 * "created" unlike the row before's), made only for the rows that need
 * one, in blocks kept until the table is printed: the table borrows
 * every cell. (A text per row, 64 kB at 1,000, was 16 page faults.) */
struct row_texts {
	struct row_texts *next;
	size_t used;
	char text[4064];
};

/* A copy of s in the newest block; NULL when out of memory. */
static const char *
keep_text(struct row_texts **blocks, const char *s)
{
	size_t len = strlen(s) + 1;
	struct row_texts *b = *blocks;
	char *out;

	if (!b || sizeof(b->text) - b->used < len) {
		b = calloc(1, sizeof(*b));
		if (!b)
			return NULL;
		b->next = *blocks;
		*blocks = b;
	}
	out = memcpy(b->text + b->used, s, len);
	b->used += len;
	return out;
}

static void
free_texts(struct row_texts *b)
{
	while (b) {
		struct row_texts *next = b->next;

		free(b);
		b = next;
	}
}

/* The cells point into the reply (cut in place) or into *texts. A
 * "created" text equal to the row before's is shared: containers started
 * in the same second, the usual case at 1,000, format it once. */
static bool
add_row(struct table *t, char **f, bool no_trunc, int64_t now, struct row_texts **texts, const char **last_created,
	int64_t *last_ago)
{
	size_t max_id = no_trunc ? 64 : 12;
	const char *command = f[F_COMMAND];
	int64_t ago = now - strtoll(f[F_CREATED], NULL, 10);
	char buf[40];

	if (strnlen(f[F_ID], max_id + 1) > max_id)
		f[F_ID][max_id] = '\0';
	if (!no_trunc && strnlen(command, 21) > 20) { /* as cmd-ps.c's command_text */
		memcpy(buf, command, 19);
		strcpy(buf + 19, "…");
		command = keep_text(texts, buf);
	}
	if (!*last_created || ago != *last_ago) {
		format_ago(ago, buf, sizeof(buf));
		*last_created = keep_text(texts, buf);
		*last_ago = ago;
	}
	if (!command || !*last_created)
		return false;
	table_add(t, (const char *[]){ f[F_ID], f[F_IMAGE], command, *last_created, f[F_STATUS], f[F_PORTS], f[F_NAME] });
	return true;
}

static int
print_rows(char *text, size_t size, bool quiet, bool no_trunc, long long last)
{
	struct table *t = quiet ? NULL : table_new_borrowed(7);
	int64_t now = time(NULL), last_ago = 0;
	long long shown = 0;
	char *line = text, *end = size ? text + size : text;
	struct row_texts *texts = NULL;
	const char *last_created = NULL;
	int rc = 0;

	if (!quiet && !t) {
		client_errorf("out of memory");
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
			rc = 1;
			break;
		}
		if (quiet) {
			fwrite(f[F_ID], 1, strnlen(f[F_ID], no_trunc ? 64 : 12), stdout);
			putchar('\n');
		} else if (!add_row(t, f, no_trunc, now, &texts, &last_created, &last_ago)) {
			client_errorf("out of memory");
			rc = 1;
			break;
		}
		shown++;
		line = nl + 1;
	}
	if (t && rc == 0)
		table_print(t);
	table_free(t);
	free_texts(texts);
	return rc;
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
