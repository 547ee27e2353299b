/* Unit tests of proto/net-port.c: Docker's -p forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "net-addr.h"
#include "net-opts.h"
#include "strv.h"

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

/* spec through the range parser: its entries, formatted and joined by " " */
static void
check_range(const char *spec, const char *want)
{
	struct lite_err err = { 0 };
	struct net_port p[16];
	char buf[64], all[512] = "";
	size_t n = 0;

	if (net_port_parse_range(spec, p, 16, &n, &err) < 0)
		fail_msg("'%s': %s", spec, err.msg);
	for (size_t i = 0; i < n; i++) {
		net_port_format(&p[i], buf, sizeof(buf));
		strcat(all, i ? " " : "");
		strcat(all, buf);
	}
	assert_string_equal(all, want);
}

static void
bad_range(const char *spec, const char *msg_part)
{
	struct lite_err err = { 0 };
	struct net_port p[16];
	size_t n;

	assert_true(net_port_parse_range(spec, p, 16, &n, &err) < 0);
	assert_non_null(err.msg);
	if (!strstr(err.msg, msg_part) || !strstr(err.msg, "-p"))
		fail_msg("'%s': message '%s' lacks '%s' or the flag", spec, err.msg, msg_part);
	assert_null(strchr(err.msg, '\n'));
	lite_err_clear(&err);
}

static void
test_ranges(void **state)
{
	struct lite_err err = { 0 };
	struct net_port p[16];
	size_t n;

	(void)state;
	check_range("8080:80", "0.0.0.0:8080->80/tcp");
	check_range("8000-8002:80-82", "0.0.0.0:8000->80/tcp 0.0.0.0:8001->81/tcp 0.0.0.0:8002->82/tcp");
	check_range("127.0.0.1:9000-9001:90-91/udp", "127.0.0.1:9000->90/udp 127.0.0.1:9001->91/udp");
	check_range("80-81", "0.0.0.0:0->80/tcp 0.0.0.0:0->81/tcp");
	check_range("127.0.0.1::80-81", "127.0.0.1:0->80/tcp 127.0.0.1:0->81/tcp");
	check_range("8000-8000:80-80", "0.0.0.0:8000->80/tcp");
	/* a host range for one container port: any free one of it */
	assert_int_equal(net_port_parse_range("8000-8010:80", p, 16, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].host_port_min, 8000);
	assert_int_equal(p[0].host_port_max, 8010);
	assert_int_equal(p[0].ctr_port, 80);
	bad_range("8000-8005:80-90", "differ in length");
	check_range("8000-8001:80-81", "0.0.0.0:8000->80/tcp 0.0.0.0:8001->81/tcp");
	bad_range("8080:80-81", "differ in length");
	bad_range("90-80", "container port");
	bad_range("8010-8000:80", "host port");
	bad_range("8000-:80", "host port");
	bad_range("1-100", "too many ports");
	bad_range("80/sctp", "protocol");
	bad_range("1:2:3:4", "expected");
}

static void
test_expose(void **state)
{
	struct lite_err err = { 0 };
	struct net_port p[16];
	size_t n;

	(void)state;
	assert_int_equal(net_port_parse_expose("80", p, 16, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].ctr_port, 80);
	assert_int_equal(p[0].proto, NET_TCP);
	assert_int_equal(net_port_parse_expose("5000-5002/udp", p, 16, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[2].ctr_port, 5002);
	assert_int_equal(p[2].proto, NET_UDP);
	assert_true(net_port_parse_expose("80:80", p, 16, &n, &err) < 0);
	assert_non_null(strstr(err.msg, "--expose"));
	lite_err_clear(&err);
	assert_true(net_port_parse_expose("0", p, 16, &n, &err) < 0);
	lite_err_clear(&err);
	assert_true(net_port_parse_expose("x/tcp", p, 16, &n, &err) < 0);
	lite_err_clear(&err);
	assert_true(net_port_parse_expose("1-17", p, 16, &n, &err) < 0);
	assert_non_null(strstr(err.msg, "too many"));
	lite_err_clear(&err);
}

static void
test_publish_all(void **state)
{
	struct lite_err err = { 0 };
	json_t *params = json_pack("{s:[s], s:[s, s], s:b}", "publish", "8080:80", "expose", "443", "53/udp",
				   "publish_all", 1);
	json_t *img = json_pack("{s:{}, s:{}, s:{}}", "80/tcp", "443/tcp", "bogus", "x");
	struct net_opts o;
	char **exposed = NULL;

	(void)state;
	assert_int_equal(net_opts_decode(params, &o, &err), 0);
	assert_true(o.publish_all);
	assert_int_equal(strv_length(o.expose), 2);
	assert_int_equal(net_opts_exposed(&o, img, &exposed, &err), 0);
	assert_int_equal(strv_length(exposed), 3); /* 80/tcp 443/tcp 53/udp, bogus skipped, 443 once */
	assert_string_equal(exposed[0], "80/tcp");
	assert_string_equal(exposed[2], "53/udp");
	assert_int_equal(net_opts_publish_exposed(exposed, o.ports, &o.n_ports, NET_OPTS_MAX_PORTS, &err), 0);
	assert_int_equal(o.n_ports, 3); /* 80 was published by -p already */
	assert_int_equal(o.ports[0].host_port, 8080);
	assert_int_equal(o.ports[1].ctr_port, 443);
	assert_int_equal(o.ports[1].host_port, 0);
	assert_int_equal(o.ports[2].proto, NET_UDP);
	assert_int_equal(net_opts_publish_exposed(exposed, o.ports, &o.n_ports, 3, &err), 0); /* all there */
	o.n_ports = 1;
	assert_true(net_opts_publish_exposed(exposed, o.ports, &o.n_ports, 2, &err) < 0);
	assert_non_null(strstr(err.msg, "-P"));
	lite_err_clear(&err);
	strv_free(exposed);
	net_opts_free(&o);
	json_decref(params);
	json_decref(img);
	params = json_pack("{s:[s]}", "expose", "80-");
	assert_true(net_opts_decode(params, &o, &err) < 0);
	assert_non_null(strstr(err.msg, "--expose"));
	lite_err_clear(&err);
	json_decref(params);
	params = json_pack("{s:[s, s]}", "publish", "1-40", "100-130");
	assert_true(net_opts_decode(params, &o, &err) < 0);
	assert_non_null(strstr(err.msg, "too many"));
	lite_err_clear(&err);
	json_decref(params);
}

/* security review: privileged host ports are root's */
static void
test_check_caller(void **state)
{
	struct lite_err err = { 0 };
	struct net_port p[2] = { { .host_port = 8080, .ctr_port = 80 }, { .host_port = 80, .ctr_port = 80 } };
	struct net_port range = { .host_port_min = 1000, .host_port_max = 2000, .ctr_port = 80 };
	struct net_port picked = { .ctr_port = 80 };

	(void)state;
	assert_int_equal(net_port_check_caller(p, 1, false, 1024, &err), 0);
	assert_int_equal(net_port_check_caller(p, 2, true, 1024, &err), 0);
	assert_int_equal(net_port_check_caller(&picked, 1, false, 1024, &err), 0);
	assert_int_equal(net_port_check_caller(p, 2, false, 1024, &err), -EPERM);
	assert_non_null(strstr(err.msg, "host port 80 "));
	assert_non_null(strstr(err.msg, "net.ipv4.ip_unprivileged_port_start"));
	assert_null(strchr(err.msg, '\n'));
	lite_err_clear(&err);
	assert_int_equal(net_port_check_caller(&range, 1, false, 1024, &err), -EPERM);
	lite_err_clear(&err);
	assert_int_equal(net_port_check_caller(p, 2, false, 80, &err), 0); /* the host lowered the sysctl */
	assert_int_equal(net_port_check_caller(p, 2, false, 0, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_expose),
		cmocka_unit_test(test_publish_all),
		cmocka_unit_test(test_check_caller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
