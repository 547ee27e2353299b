/* lite version and lite info. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* Issue 11: can non-root users run containers here, and why not. */
static void
print_userns(json_t *u)
{
	if (!u)
		return;
	if (json_is_true(json_object_get(u, "supported")))
		printf("User Namespaces: supported%s\n",
		       json_is_true(json_object_get(u, "remap_default")) ? " (default for root too)" : "");
	else
		printf("User Namespaces: unavailable (%s)\n", json_string_value(json_object_get(u, "reason")) ?: "");
}

/* -f/--format (NULL without); -h prints usage; nothing else is accepted. */
static const char *
format_opt(int argc, char **argv, const char *usage)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const char *format = NULL;
	int c;

	while ((c = client_opt_get(&argc, argv, "f:h", opts, NULL)) != -1)
		if (c == 'f')
			format = optarg;
		else
			client_usage_exit(usage, c == 'h' ? 0 : 1);
	if (optind < argc)
		client_usage_exit(usage, 1);
	return format;
}

int
cmd_version(int argc, char **argv)
{
	json_t *v = NULL;
	const char *format = format_opt(argc, argv, "Usage: lite version [-f FORMAT]\n\nShow client and engine versions.\n");
	int rc;

	if (format) {
		if (client_call_once("version", NULL, &v) < 0)
			return 1;
		rc = cmd_format_version(v, format);
		json_decref(v);
		return rc;
	}
	printf("Client:\n Version:     %s\n API version: %s\n\n", LITE_VERSION, LITE_API_VERSION);
	if (client_call_once("version", NULL, &v) < 0)
		return 1;
	printf("Server: containerd-lite\n Version:     %s\n API version: %s\n Kernel:      %s\n Arch:        %s\n",
	       json_string_value(json_object_get(v, "version")), json_string_value(json_object_get(v, "api_version")),
	       json_string_value(json_object_get(v, "kernel")), json_string_value(json_object_get(v, "arch")));
	json_decref(v);
	return 0;
}

int
cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite info [-f json]\n\nShow engine and host information.\n";
	const char *format = NULL;
	json_t *info = NULL;
	int c, rc;

	while ((c = client_opt_get(&argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else
			client_usage_exit(usage, c == 'h' ? 0 : EXIT_ENGINE);
	}
	if (optind < argc)
		return client_errorf("\"lite info\" accepts no arguments"), EXIT_ENGINE;
	if (client_call_once("info", NULL, &info) < 0)
		return 1;
	if (format) {
		rc = cmd_format_info(info, format);
		json_decref(info);
		return rc;
	}
	printf("Containers: %lld\n Running: %lld\nImages: %lld\n",
	       json_integer_value(json_object_get(info, "containers")),
	       json_integer_value(json_object_get(info, "running")),
	       json_integer_value(json_object_get(info, "images")));
	printf("Server Version: %s\nStorage Driver: %s\nCgroup Version: %s\nCgroup Parent: %s\n"
	       "Kernel Version: %s\nArchitecture: %s\nData Root: %s\nExec Root: %s\n",
	       json_string_value(json_object_get(info, "version")),
	       json_string_value(json_object_get(info, "storage_driver")),
	       strcmp(json_string_value(json_object_get(info, "cgroup_mode")) ?: "", "v2") == 0 ? "2" : "1",
	       json_string_value(json_object_get(info, "cgroup_parent")),
	       json_string_value(json_object_get(info, "kernel")), json_string_value(json_object_get(info, "arch")),
	       json_string_value(json_object_get(info, "data_root")), json_string_value(json_object_get(info, "exec_root")));
	print_userns(json_object_get(info, "userns"));
	json_decref(info);
	return 0;
}
