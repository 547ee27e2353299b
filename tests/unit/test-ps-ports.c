/* Unit tests of proto/ps-ports.c: ps's PORTS column as Docker prints it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ps-ports.h"

static void
check(const char *ports_json, const char *want)
{
	json_t *a = json_loads(ports_json, 0, NULL);
	char buf[256];

	assert_non_null(a);
	ps_ports_format(a, buf, sizeof(buf));
	assert_string_equal(buf, want);
	json_decref(a);
}

#define PUB(ip, h, c, proto) "{\"host_ip\":\"" ip "\",\"host_port\":" #h ",\"container_port\":" #c ",\"protocol\":\"" proto "\"}"
#define EXP(c, proto) "{\"container_port\":" #c ",\"protocol\":\"" proto "\"}"

static void
test_format(void **state)
{
	(void)state;
	check("[]", "");
	check("[" PUB("0.0.0.0", 8080, 80, "tcp") "]", "0.0.0.0:8080->80/tcp");
	check("[" PUB("0.0.0.0", 8000, 80, "tcp") "," PUB("0.0.0.0", 8001, 81, "tcp") "," PUB("0.0.0.0", 8002, 82, "tcp") "]",
	      "0.0.0.0:8000-8002->80-82/tcp");
	check("[" PUB("127.0.0.1", 5353, 53, "udp") "," EXP(443, "tcp") "]", "127.0.0.1:5353->53/udp, 443/tcp");
	check("[" EXP(8000, "tcp") "," EXP(8001, "tcp") "," EXP(8003, "tcp") "]", "8000-8001/tcp, 8003/tcp");
	/* no range across protocols, addresses or a host port gap */
	check("[" PUB("0.0.0.0", 8000, 80, "tcp") "," PUB("0.0.0.0", 8001, 81, "udp") "]",
	      "0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/udp");
	check("[" PUB("0.0.0.0", 8000, 80, "tcp") "," PUB("0.0.0.0", 9001, 81, "tcp") "]",
	      "0.0.0.0:8000->80/tcp, 0.0.0.0:9001->81/tcp");
	check("[" PUB("0.0.0.0", 8000, 80, "tcp") "," EXP(81, "tcp") "]", "0.0.0.0:8000->80/tcp, 81/tcp");
}

static void
test_truncates(void **state)
{
	json_t *a = json_array();
	char buf[16];

	(void)state;
	for (int i = 0; i < 100; i++)
		json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:s}", "host_ip", "0.0.0.0", "host_port", 9000 + 2 * i,
						   "container_port", 80 + i, "protocol", "tcp"));
	ps_ports_format(a, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	json_decref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
