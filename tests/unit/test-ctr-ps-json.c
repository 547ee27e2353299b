/* Unit tests of ps's reply text (daemon/engine/ctr-ps-json.c): what it
 * writes parses as JSON and holds the same values as the containers, with
 * quotes, backslashes, control characters and UTF-8 in the strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctr.h"

static char *cmd[] = { "sh", "-c", "echo \"a\\b\"\n\t\x01 caf\xc3\xa9", "", NULL };

static void
fill(struct ctr *c, const char *name, enum ctr_status st)
{
	memset(c, 0, sizeof(*c));
	memset(c->spec.id, 'a', 64);
	snprintf(c->spec.name, sizeof(c->spec.name), "%s", name);
	strcpy(c->spec.image, "localhost:5000/a/b:1.0");
	strcpy(c->spec.image_id, "sha256:0123");
	c->spec.cmd = cmd;
	c->spec.created = 1700000000;
	c->spec.owner_uid = 1000;
	c->rt.status = st;
	c->rt.exit_code = st == CTR_EXITED ? 137 : 0;
	c->rt.oom_killed = st == CTR_EXITED;
	c->rt.started_at = 1700000001;
	c->rt.finished_at = 1700000002;
}

static json_t *
parse(struct ctr_ps_json *b)
{
	size_t len = 0;
	char *text = ctr_ps_json_end(b, &len);
	json_error_t e;
	json_t *o;

	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	o = json_loadb(text, len, 0, &e);
	if (!o)
		fail_msg("not JSON: %s in %s", e.text, text);
	free(text);
	return o;
}

static void
test_empty(void **state)
{
	struct ctr_ps_json b;
	json_t *o;

	ctr_ps_json_begin(&b, 0);
	o = parse(&b);
	assert_true(json_is_array(o));
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
}

static void
test_values(void **state)
{
	struct ctr a, x;
	struct ctr_ps_json b;
	json_t *o, *e, *cm;
	char status[96];

	fill(&a, "we\"ird\\name", CTR_RUNNING);
	fill(&x, "gone", CTR_EXITED);
	ctr_ps_json_begin(&b, 2);
	ctr_ps_json_add(&b, &a, 1700000100, -1, NULL);
	ctr_ps_json_add(&b, &x, 1700000100, 4096, NULL);
	o = parse(&b);
	assert_int_equal(json_array_size(o), 2);
	e = json_array_get(o, 0);
	assert_string_equal(json_string_value(json_object_get(e, "id")), a.spec.id);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "we\"ird\\name");
	assert_string_equal(json_string_value(json_object_get(e, "image")), a.spec.image);
	assert_string_equal(json_string_value(json_object_get(e, "image_id")), a.spec.image_id);
	cm = json_object_get(e, "command");
	assert_int_equal(json_array_size(cm), 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(json_string_value(json_array_get(cm, i)), cmd[i]);
	assert_int_equal(json_integer_value(json_object_get(e, "created")), 1700000000);
	assert_string_equal(json_string_value(json_object_get(e, "state")), "running");
	ctr_state_status_text(&a, 1700000100, status, sizeof(status));
	assert_string_equal(json_string_value(json_object_get(e, "status")), status);
	assert_true(json_is_false(json_object_get(e, "oom_killed")));
	assert_int_equal(json_integer_value(json_object_get(e, "owner_uid")), 1000);
	assert_null(json_object_get(e, "size_rw"));
	e = json_array_get(o, 1);
	assert_string_equal(json_string_value(json_object_get(e, "state")), "exited");
	assert_int_equal(json_integer_value(json_object_get(e, "exit_code")), 137);
	assert_true(json_is_true(json_object_get(e, "oom_killed")));
	assert_int_equal(json_integer_value(json_object_get(e, "size_rw")), 4096);
	json_decref(o);
}

/* Many containers: the buffer grows past its first size. */
static void
test_many(void **state)
{
	struct ctr c;
	struct ctr_ps_json b;
	json_t *o;

	fill(&c, "n", CTR_RUNNING);
	ctr_ps_json_begin(&b, 0);
	for (int i = 0; i < 1000; i++)
		ctr_ps_json_add(&b, &c, 1700000100, i, NULL);
	o = parse(&b);
	assert_int_equal(json_array_size(o), 1000);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(o, 999), "size_rw")), 999);
	json_decref(o);
}

/* ps "rows": one line per container, 8 tab-separated fields; the tab,
 * newline and control bytes in the command became spaces, UTF-8 stays. */
static void
test_rows(void **state)
{
	struct ctr c;
	struct ctr_ps_json b;
	size_t len = 0;
	char *text, *line;

	fill(&c, "web", CTR_RUNNING);
	ctr_ps_json_rows_begin(&b, 0);
	text = ctr_ps_json_rows_end(&b, &len);
	assert_non_null(text);
	assert_int_equal(len, 0);
	free(text);
	ctr_ps_json_rows_begin(&b, 0);
	for (int i = 0; i < 300; i++) /* past the first buffer */
		ctr_ps_json_add_row(&b, &c, 1700000100, i ? "" : "0.0.0.0:80->80/tcp");
	text = ctr_ps_json_rows_end(&b, &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	line = strndup(text, (size_t)(strchr(text, '\n') - text));
	assert_string_equal(line, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\tweb\tlocalhost:5000/a/b:1.0\t"
				  "sh -c echo \"a\\b\"    caf\xc3\xa9 \t1700000000\trunning\tUp 1 minute\t"
				  "0.0.0.0:80->80/tcp");
	free(line);
	line = text;
	for (int i = 0; i < 300; i++) {
		int tabs = 0;

		for (; *line != '\n'; line++)
			tabs += *line == '\t';
		assert_int_equal(tabs, 7);
		line++;
	}
	assert_int_equal(*line, '\0');
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
