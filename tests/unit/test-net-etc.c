/* Unit tests of daemon/engine/net-etc.c (/etc/hosts, /etc/resolv.conf) and
 * proto/net-opts.c net_opts_add_host_parse (--add-host). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "net.h"
#include "net-opts.h"

static void
test_hosts(void **state)
{
	struct net_host_entry extra[] = { { "10.9.9.9", "db" } };
	struct net_host_entry peers[] = { { "10.70.1.3", "a2" }, { "10.70.1.4", "a3" } };
	char *h = net_etc_hosts("10.70.1.2", "web1", extra, 1, peers, 2);

	(void)state;
	assert_non_null(h);
	assert_non_null(strstr(h, "127.0.0.1\tlocalhost\n"));
	assert_non_null(strstr(h, "::1\tlocalhost ip6-localhost ip6-loopback\n"));
	/* order: localhost lines, --add-host, itself, peers */
	assert_true(strstr(h, "10.9.9.9\tdb\n") < strstr(h, "10.70.1.2\tweb1\n"));
	assert_true(strstr(h, "10.70.1.2\tweb1\n") < strstr(h, "10.70.1.3\ta2\n"));
	assert_non_null(strstr(h, "10.70.1.4\ta3\n"));
	free(h);
	h = net_etc_hosts(NULL, "x", NULL, 0, NULL, 0); /* --net none: no own line */
	assert_null(strstr(h, "\tx\n"));
	free(h);
}

static void
test_resolv(void **state)
{
	const char *host = "# generated\nsearch example.org\nnameserver 127.0.0.53\nnameserver 192.0.2.1\n"
			   "nameserver ::1\noptions edns0\n";
	char *dns[] = { "10.1.2.3", NULL };
	char *r;

	(void)state;
	r = net_etc_resolv(host, NULL);
	assert_null(strstr(r, "127.0.0.53"));
	assert_null(strstr(r, "::1"));
	assert_non_null(strstr(r, "nameserver 192.0.2.1\n"));
	assert_non_null(strstr(r, "search example.org\n"));
	assert_non_null(strstr(r, "options edns0\n"));
	assert_null(strstr(r, "8.8.8.8"));
	free(r);
	/* only loopback servers: Docker's public defaults */
	r = net_etc_resolv("nameserver 127.0.0.1\n", NULL);
	assert_string_equal(r, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	free(r);
	/* --dns replaces the servers, keeps search and options */
	r = net_etc_resolv(host, dns);
	assert_null(strstr(r, "192.0.2.1"));
	assert_non_null(strstr(r, "nameserver 10.1.2.3\n"));
	assert_non_null(strstr(r, "search example.org\n"));
	free(r);
	r = net_etc_resolv(NULL, NULL);
	assert_string_equal(r, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	free(r);
}

static void
test_add_host(void **state)
{
	char name[64];
	uint32_t ip;

	(void)state;
	assert_int_equal(net_opts_add_host_parse("db:10.9.9.9", name, sizeof(name), &ip), 0);
	assert_string_equal(name, "db");
	assert_int_equal(ip, 0x0a090909);
	assert_int_equal(net_opts_add_host_parse("db=10.9.9.9", name, sizeof(name), &ip), 0);
	assert_int_equal(net_opts_add_host_parse("db", name, sizeof(name), &ip), -EINVAL);
	assert_int_equal(net_opts_add_host_parse(":10.9.9.9", name, sizeof(name), &ip), -EINVAL);
	assert_int_equal(net_opts_add_host_parse("db:nope", name, sizeof(name), &ip), -EINVAL);
	assert_int_equal(net_opts_add_host_parse("d b:10.9.9.9", name, sizeof(name), &ip), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_resolv),
		cmocka_unit_test(test_add_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
