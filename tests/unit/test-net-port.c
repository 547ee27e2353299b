/* Unit tests of proto/net-port.c: Docker's -p forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "net-addr.h"

static void
check(const char *spec, const char *want)
{
	struct lite_err err = { 0 };
	struct net_port p;
	char buf[64];

	assert_int_equal(net_port_parse(spec, &p, &err), 0);
	net_port_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
bad(const char *spec, const char *msg_part)
{
	struct lite_err err = { 0 };
	struct net_port p;

	assert_int_equal(net_port_parse(spec, &p, &err), -EINVAL);
	assert_non_null(err.msg);
	if (!strstr(err.msg, msg_part))
		fail_msg("'%s': message '%s' lacks '%s'", spec, err.msg, msg_part);
	assert_null(strchr(err.msg, '\n'));
	lite_err_clear(&err);
}

static void
test_forms(void **state)
{
	(void)state;
	check("80", "0.0.0.0:0->80/tcp");
	check("8080:80", "0.0.0.0:8080->80/tcp");
	check("8080:80/tcp", "0.0.0.0:8080->80/tcp");
	check("5353:53/udp", "0.0.0.0:5353->53/udp");
	check("127.0.0.1:8080:80", "127.0.0.1:8080->80/tcp");
	check("127.0.0.1::80", "127.0.0.1:0->80/tcp");
	check("53/udp", "0.0.0.0:0->53/udp");
	check("65535:1", "0.0.0.0:65535->1/tcp");
}

static void
test_errors(void **state)
{
	(void)state;
	bad("", "container port");
	bad("0", "container port");
	bad("65536", "container port");
	bad("80/sctp", "protocol");
	bad("abc:80", "host port");
	bad(":80", "empty host port");
	bad("1.2.3:8080:80", "host IP");
	bad("1:2:3:4", "expected");
	bad("-1:80", "host port");
	bad("8080:80/", "protocol");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
