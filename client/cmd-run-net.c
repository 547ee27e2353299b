/* lite run's network flags: --net/--network, --ip, -p/--publish, --dns,
 * --add-host, --network-alias. Values are checked by the daemon, which owns the rules. */
#include "client.h"

#include <stdio.h>

static void
append(json_t *params, const char *key, const char *arg)
{
	json_t *a = json_object_get(params, key);

	if (!a) {
		a = json_array();
		json_object_set_new(params, key, a);
	}
	json_array_append_new(a, json_string(arg));
}

int
cmd_run_net_flag(int opt, const char *arg, json_t *params)
{
	switch (opt) {
	case RUN_OPT_NET: json_object_set_new(params, "network", json_string(arg)); break;
	case RUN_OPT_IP: json_object_set_new(params, "ip", json_string(arg)); break;
	case 'p': append(params, "publish", arg); break;
	case RUN_OPT_DNS: append(params, "dns", arg); break;
	case RUN_OPT_ADD_HOST: append(params, "add_host", arg); break;
	case RUN_OPT_NET_ALIAS: append(params, "network_aliases", arg); break;
	default: return EXIT_ENGINE;
	}
	return 0;
}
