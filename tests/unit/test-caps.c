/* Unit tests of the capability table and masks (common/caps.c) behind
 * --cap-add, --cap-drop and --privileged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "caps.h"

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(caps_from_name("NET_ADMIN"), 12);
	assert_int_equal(caps_from_name("CAP_NET_ADMIN"), 12);
	assert_int_equal(caps_from_name("cap_net_admin"), 12);
	assert_int_equal(caps_from_name("CHOWN"), 0);
	assert_int_equal(caps_from_name("CHECKPOINT_RESTORE"), 40);
	assert_int_equal(caps_from_name("ALL"), -EINVAL);
	assert_int_equal(caps_from_name("CAP_"), -EINVAL);
	assert_int_equal(caps_from_name("BOGUS"), -EINVAL);
	assert_int_equal(caps_from_name(""), -EINVAL);
	assert_int_equal(caps_from_name(NULL), -EINVAL);
	assert_string_equal(caps_name(21), "CAP_SYS_ADMIN");
	assert_null(caps_name(41));
	assert_null(caps_name(-1));
	for (int i = 0; i <= CAPS_LAST; i++)
		assert_int_equal(caps_from_name(caps_name(i)), i);
}

/* Docker's 14, by name, are 0xa80425fb. */
static void
test_default(void **state)
{
	char *docker[] = { "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
			   "NET_BIND_SERVICE", "NET_RAW", "SYS_CHROOT", "MKNOD", "AUDIT_WRITE", "SETFCAP", NULL };
	const char *bad = NULL;
	uint64_t m = 1;

	(void)state;
	assert_int_equal(caps_apply(0, docker, NULL, 40, &m, &bad), 0);
	assert_int_equal(m, CAPS_DEFAULT);
	assert_int_equal(CAPS_DEFAULT, UINT64_C(0x00000000a80425fb));
}

static void
test_apply(void **state)
{
	char *net_admin[] = { "NET_ADMIN", NULL }, *all[] = { "all", NULL }, *raw[] = { "CAP_NET_RAW", NULL };
	char *bogus[] = { "CHOWN", "NOPE", NULL };
	const char *bad = NULL;
	uint64_t m;

	(void)state;
	assert_int_equal(caps_apply(CAPS_DEFAULT, net_admin, NULL, 40, &m, &bad), 0);
	assert_int_equal(m, CAPS_DEFAULT | (1u << 12));
	assert_int_equal(caps_apply(CAPS_DEFAULT, NULL, raw, 40, &m, &bad), 0);
	assert_int_equal(m, CAPS_DEFAULT & ~(UINT64_C(1) << 13));
	assert_int_equal(caps_apply(CAPS_DEFAULT, NULL, all, 40, &m, &bad), 0);
	assert_int_equal(m, 0);
	/* Docker: drop ALL, then add back */
	assert_int_equal(caps_apply(CAPS_DEFAULT, net_admin, all, 40, &m, &bad), 0);
	assert_int_equal(m, UINT64_C(1) << 12);
	assert_int_equal(caps_apply(CAPS_DEFAULT, all, NULL, 40, &m, &bad), 0);
	assert_int_equal(m, caps_all(40));
	assert_int_equal(caps_all(40), UINT64_C(0x000001ffffffffff));
	assert_int_equal(caps_all(63), UINT64_MAX);
	/* a mask beyond the kernel's last capability is cut */
	assert_int_equal(caps_apply(CAPS_DEFAULT, all, NULL, 37, &m, &bad), 0);
	assert_int_equal(m, caps_all(37));
	m = 7;
	assert_int_equal(caps_apply(CAPS_DEFAULT, bogus, NULL, 40, &m, &bad), -EINVAL);
	assert_string_equal(bad, "NOPE");
	assert_int_equal(m, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
