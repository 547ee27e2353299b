/* Unit tests of proto/net-cidr.c: addresses, subnets, overlap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "net-addr.h"

static void
test_ip_parse(void **state)
{
	uint32_t ip;
	char buf[16];

	(void)state;
	assert_int_equal(net_cidr_ip_parse("10.66.0.1", &ip), 0);
	assert_int_equal(ip, 0x0a420001);
	net_cidr_ip_format(ip, buf);
	assert_string_equal(buf, "10.66.0.1");
	assert_int_equal(net_cidr_ip_parse("255.255.255.255", &ip), 0);
	assert_int_equal(net_cidr_ip_parse("256.1.1.1", &ip), -EINVAL);
	assert_int_equal(net_cidr_ip_parse("1.2.3", &ip), -EINVAL);
	assert_int_equal(net_cidr_ip_parse("1.2.3.4.5", &ip), -EINVAL);
	assert_int_equal(net_cidr_ip_parse("1.2.3.4x", &ip), -EINVAL);
	assert_int_equal(net_cidr_ip_parse(" 1.2.3.4", &ip), -EINVAL);
	assert_int_equal(net_cidr_ip_parse("+1.2.3.4", &ip), -EINVAL);
	assert_int_equal(net_cidr_ip_parse("", &ip), -EINVAL);
	assert_int_equal(net_cidr_ip_parse(NULL, &ip), -EINVAL);
}

static void
test_cidr_parse(void **state)
{
	struct net_cidr c;
	uint32_t ip;
	char buf[32];

	(void)state;
	assert_int_equal(net_cidr_parse("10.66.0.0/16", false, &c, NULL), 0);
	assert_int_equal(c.addr, 0x0a420000);
	assert_int_equal(c.prefix, 16);
	net_cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "10.66.0.0/16");
	/* host bits: refused for a subnet, kept for a gateway/prefix (bip) */
	assert_int_equal(net_cidr_parse("10.66.0.1/16", false, &c, NULL), -EINVAL);
	assert_int_equal(net_cidr_parse("10.66.0.1/16", true, &c, &ip), 0);
	assert_int_equal(c.addr, 0x0a420000);
	assert_int_equal(ip, 0x0a420001);
	assert_int_equal(net_cidr_parse("0.0.0.0/0", false, &c, NULL), 0);
	assert_int_equal(c.prefix, 0);
	assert_int_equal(net_cidr_parse("10.0.0.0/33", false, &c, NULL), -EINVAL);
	assert_int_equal(net_cidr_parse("10.0.0.0/-1", false, &c, NULL), -EINVAL);
	assert_int_equal(net_cidr_parse("10.0.0.0/", false, &c, NULL), -EINVAL);
	assert_int_equal(net_cidr_parse("10.0.0.0", false, &c, NULL), -EINVAL);
	assert_int_equal(net_cidr_parse("10.0.0.0/8x", false, &c, NULL), -EINVAL);
}

static void
test_overlap(void **state)
{
	struct net_cidr a, b;

	(void)state;
	net_cidr_parse("10.66.0.0/16", false, &a, NULL);
	net_cidr_parse("10.66.5.0/24", false, &b, NULL);
	assert_true(net_cidr_overlaps(&a, &b));
	assert_true(net_cidr_overlaps(&b, &a));
	net_cidr_parse("10.67.0.0/24", false, &b, NULL);
	assert_false(net_cidr_overlaps(&a, &b));
	/* Docker's and Podman's defaults do not clash with ours */
	net_cidr_parse("172.17.0.0/16", false, &b, NULL);
	assert_false(net_cidr_overlaps(&a, &b));
	net_cidr_parse("10.88.0.0/16", false, &b, NULL);
	assert_false(net_cidr_overlaps(&a, &b));
	net_cidr_parse("0.0.0.0/0", false, &b, NULL);
	assert_true(net_cidr_overlaps(&a, &b));
	net_cidr_parse("10.65.255.0/24", false, &b, NULL);
	assert_false(net_cidr_overlaps(&a, &b));
}

static void
test_hosts(void **state)
{
	struct net_cidr c;
	uint32_t ip;

	(void)state;
	net_cidr_parse("10.70.1.0/24", false, &c, NULL);
	net_cidr_ip_parse("10.70.1.255", &ip);
	assert_int_equal(net_cidr_broadcast(&c), ip);
	assert_false(net_cidr_is_host(&c, ip));
	assert_false(net_cidr_is_host(&c, c.addr));
	assert_true(net_cidr_is_host(&c, c.addr + 1));
	assert_true(net_cidr_is_host(&c, c.addr + 254));
	assert_false(net_cidr_is_host(&c, c.addr + 256));
	assert_true(net_cidr_contains(&c, c.addr + 7));
	assert_false(net_cidr_contains(&c, c.addr - 1));
	assert_int_equal(net_cidr_mask(0), 0);
	assert_int_equal(net_cidr_mask(32), 0xffffffffU);
	assert_int_equal(net_cidr_mask(24), 0xffffff00U);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_parse),
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
