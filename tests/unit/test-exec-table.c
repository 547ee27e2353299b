/* Unit tests of daemon/engine/exec-table.c: Docker's exec instances
 * between exec_create and exec_start — ids, who may see one, running
 * from the finished ring, and the bound (the oldest idle one makes room). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "exec-table.h"
#include "finished.h"

static struct finished_ring fin;

static void
make_id(char id[65], unsigned n)
{
	snprintf(id, 65, "%064x", n);
}

static void
test_add_find_owner(void **state)
{
	struct exec_table t;
	json_t *params = json_pack("{s:[s]}", "cmd", "true");
	struct exec_inst *e;
	char id[65];

	(void)state;
	exec_table_init(&t);
	make_id(id, 1);
	e = exec_table_add(&t, &fin, id, "ctr1", 1000, params);
	assert_non_null(e);
	assert_string_equal(e->ctr_id, "ctr1");
	assert_int_equal(params->refcount, 2);
	assert_ptr_equal(exec_table_find(&t, id, 1000), e);
	assert_ptr_equal(exec_table_find(&t, id, 0), e);    /* root sees all */
	assert_null(exec_table_find(&t, id, 1001));         /* another user does not */
	assert_null(exec_table_find(&t, "0001", 1000));     /* full ids only */
	assert_null(exec_table_find(NULL, id, 0));          /* no table yet */
	exec_table_clear(&t);
	assert_int_equal(params->refcount, 1);
	json_decref(params);
}

static void
test_running(void **state)
{
	struct exec_table t;
	struct exec_inst *e;
	char id[65];

	(void)state;
	memset(&fin, 0, sizeof(fin));
	exec_table_init(&t);
	make_id(id, 2);
	e = exec_table_add(&t, &fin, id, "c", 0, NULL);
	assert_false(exec_table_running(&fin, e));          /* created */
	e->started = true;
	assert_true(exec_table_running(&fin, e));           /* started */
	finished_record(&fin, id, 0, 7, false, NULL);
	assert_false(exec_table_running(&fin, e));          /* exited */
	exec_table_clear(&t);
}

/* A finished exit answers its owner and root, nobody else. */
static void
test_finished_owner(void **state)
{
	char id[65];

	(void)state;
	memset(&fin, 0, sizeof(fin));
	make_id(id, 3);
	finished_record(&fin, id, 1000, 3, false, NULL);
	assert_non_null(finished_lookup_for(&fin, id, 1000));
	assert_non_null(finished_lookup_for(&fin, id, 0));
	assert_null(finished_lookup_for(&fin, id, 1001));
	assert_int_equal(finished_lookup_for(&fin, id, 1000)->exit_code, 3);
}

static void
test_bound(void **state)
{
	struct exec_table t;
	struct exec_inst *e;
	char id[65];

	(void)state;
	memset(&fin, 0, sizeof(fin));
	exec_table_init(&t);
	for (unsigned i = 0; i < EXEC_TABLE_MAX; i++) {
		make_id(id, 100 + i);
		e = exec_table_add(&t, &fin, id, "c", 0, NULL);
		assert_non_null(e);
		e->started = i != 5;  /* all run but the sixth */
	}
	make_id(id, 99999);
	assert_non_null(exec_table_add(&t, &fin, id, "c", 0, NULL)); /* the idle one made room */
	assert_int_equal(t.n, EXEC_TABLE_MAX);
	make_id(id, 105);
	assert_null(exec_table_find(&t, id, 0));
	make_id(id, 100);
	assert_non_null(exec_table_find(&t, id, 0));                /* running ones stay */
	make_id(id, 99999);
	exec_table_find(&t, id, 0)->started = true;
	make_id(id, 100000);
	assert_null(exec_table_add(&t, &fin, id, "c", 0, NULL));    /* full of running execs */
	make_id(id, 100);
	finished_record(&fin, id, 0, 0, false, NULL);                   /* one exits */
	make_id(id, 100000);
	assert_non_null(exec_table_add(&t, &fin, id, "c", 0, NULL));
	make_id(id, 100);
	assert_null(exec_table_find(&t, id, 0));
	exec_table_clear(&t);
	assert_int_equal(t.n, 0);
}

static void
test_per_user(void **state)
{
	struct exec_table t;
	struct exec_inst *e;
	char id[65];

	(void)state;
	memset(&fin, 0, sizeof(fin));
	exec_table_init(&t);
	for (unsigned i = 0; i < EXEC_TABLE_PER_USER; i++) {
		make_id(id, 1000 + i);
		e = exec_table_add(&t, &fin, id, "c", 1000, NULL);
		assert_non_null(e);
		e->started = i != 3;
	}
	make_id(id, 5000);
	assert_non_null(exec_table_add(&t, &fin, id, "c", 1001, NULL)); /* another user: room */
	make_id(id, 5001);
	e = exec_table_add(&t, &fin, id, "c", 1000, NULL);               /* at the cap: its own idle one goes */
	assert_non_null(e);
	e->started = true;
	make_id(id, 1003);
	assert_null(exec_table_find(&t, id, 0));
	make_id(id, 5000);
	assert_non_null(exec_table_find(&t, id, 0));                    /* not another user's */
	make_id(id, 5002);
	assert_null(exec_table_add(&t, &fin, id, "c", 1000, NULL));      /* all of its own run */
	make_id(id, 5003);
	assert_non_null(exec_table_add(&t, &fin, id, "c", 0, NULL));     /* root has no cap */
	exec_table_clear(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find_owner),
		cmocka_unit_test(test_running),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_finished_owner),
		cmocka_unit_test(test_per_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
