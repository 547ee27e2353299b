/* lite run's network flags: --net/--network, --ip, -p/--publish, --dns,
 * --add-host, --network-alias, --expose, -P/--publish-all. Values are checked by the daemon, which owns the rules. */
#include "client.h"

#include <stdio.h>

int
cmd_run_net_flag(int opt, const char *arg, json_t *params)
{
	switch (opt) {
	case RUN_OPT_NET: json_object_set_new(params, "network", json_string(arg)); break;
	case RUN_OPT_IP: json_object_set_new(params, "ip", json_string(arg)); break;
	case 'p': client_append(params, "publish", arg); break;
	case RUN_OPT_DNS: client_append(params, "dns", arg); break;
	case RUN_OPT_ADD_HOST: client_append(params, "add_host", arg); break;
	case RUN_OPT_NET_ALIAS: client_append(params, "network_aliases", arg); break;
	case RUN_OPT_EXPOSE: client_append(params, "expose", arg); break;
	case 'P': json_object_set_new(params, "publish_all", json_true()); break;
	default: return EXIT_ENGINE;
	}
	return 0;
}
