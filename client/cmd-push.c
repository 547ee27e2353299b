/* lite push: an image to its registry (the name says which: tag it
 * host:port/repo:tag first), with the progress lite pull shows and the
 * user's stored credentials (lite login). */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char push_usage[] =
	"Usage: lite push [OPTIONS] NAME[:TAG]\n\n"
	"Push an image to a registry (OCI distribution API; the name's registry, Docker Hub by default).\n\nOptions:\n"
	"      --insecure        plain HTTP (always so for localhost and 127.0.0.1)\n"
	"  -u, --user USER:PASS  credentials (default: those of 'lite login' for the registry)\n"
	"  -q, --quiet           print only the manifest digest\n";

int
cmd_push(int argc, char **argv)
{
	static const struct option opts[] = { { "insecure", no_argument, NULL, 'k' },
					      { "user", required_argument, NULL, 'u' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const char *user = NULL;
	bool insecure = false, quiet = false;
	json_t *params, *res = NULL;
	int ch;

	while ((ch = client_opt_get(&argc, argv, "u:qh", opts, NULL)) != -1) {
		if (ch == 'h')
			client_usage_exit(push_usage, 0);
		else if (ch == 'k')
			insecure = true;
		else if (ch == 'u')
			user = optarg;
		else if (ch == 'q')
			quiet = true;
		else
			client_usage_exit(push_usage, EXIT_ENGINE);
	}
	if (optind != argc - 1)
		client_usage_exit(push_usage, EXIT_ENGINE);
	params = json_pack("{s:s,s:b}", "ref", argv[optind], "insecure", insecure);
	if (user)
		json_object_set_new(params, "user", json_string(user));
	if (!quiet)
		printf("The push refers to repository [%s]\n", argv[optind]);
	if (cmd_pull_call("push", params, quiet, stdout, &res) < 0)
		return EXIT_ENGINE;
	if (quiet)
		printf("%s\n", json_string_value(json_object_get(res, "digest")) ?: "");
	else
		printf("%s: digest: %s size: %lld\n", json_string_value(json_object_get(res, "ref")) ?: argv[optind],
		       json_string_value(json_object_get(res, "digest")) ?: "?",
		       (long long)json_integer_value(json_object_get(res, "size")));
	json_decref(res);
	return 0;
}
