/* Unit tests of common/passwd.c: users and homes from an image's
 * /etc/passwd text (issue 12: HOME as Docker sets it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "passwd.h"

static const char pw[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"# a comment\n"
	"daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
	"nohome:x:5:5::\n"
	"short:x:6:6\n";

static void
test_home(void **state)
{
	char home[64];

	(void)state;
	assert_int_equal(passwd_home(pw, "root", home, sizeof(home)), 0);
	assert_string_equal(home, "/root");
	assert_int_equal(passwd_home(pw, "0", home, sizeof(home)), 0);
	assert_string_equal(home, "/root");
	assert_int_equal(passwd_home(pw, "1", home, sizeof(home)), 0);
	assert_string_equal(home, "/usr/sbin");
	assert_int_equal(passwd_home(pw, "nohome", home, sizeof(home)), 0);
	assert_string_equal(home, "/");
	assert_int_equal(passwd_home(pw, "short", home, sizeof(home)), 0);
	assert_string_equal(home, "/");
	assert_int_equal(passwd_home(pw, "1234", home, sizeof(home)), -ENOENT);
	assert_int_equal(passwd_home(pw, "nobody", home, sizeof(home)), -ENOENT);
	assert_int_equal(passwd_home("", "root", home, sizeof(home)), -ENOENT);
	assert_int_equal(passwd_home(pw, "", home, sizeof(home)), -EINVAL);
}

static void
test_lookup_unchanged(void **state)
{
	uid_t uid;
	gid_t gid;

	(void)state;
	assert_int_equal(passwd_lookup(pw, "daemon", &uid, &gid), 0);
	assert_int_equal(uid, 1);
	assert_int_equal(gid, 1);
	assert_int_equal(passwd_lookup(pw, "1234", &uid, &gid), 0);
	assert_int_equal(uid, 1234);
	assert_int_equal(gid, 0);
	assert_int_equal(passwd_lookup(pw, "nobody", &uid, &gid), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_home),
		cmocka_unit_test(test_lookup_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
