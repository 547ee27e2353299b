/* lite version and lite info. */
#include "client.h"

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

int
cmd_version(int argc, char **argv)
{
	json_t *v = NULL;

	client_no_options(&argc, &argv, "Usage: lite version\n\nShow client and engine versions.\n");
	if (argc > 1)
		return client_errorf("\"lite version\" accepts no arguments"), EXIT_ENGINE;
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
	char *out;
	int c;

	while ((c = client_opt_get(&argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else
			client_usage_exit(usage, c == 'h' ? 0 : EXIT_ENGINE);
	}
	if (optind < argc)
		return client_errorf("\"lite info\" accepts no arguments"), EXIT_ENGINE;
	if (format && strcmp(format, "json") && strcmp(format, "{{json .}}"))
		return client_errorf("invalid --format \"%s\": only json is supported", format), EXIT_ENGINE;
	if (client_call_once("info", NULL, &info) < 0)
		return 1;
	if (format) {
		out = json_dumps(info, JSON_COMPACT);
		printf("%s\n", out);
		free(out);
		json_decref(info);
		return 0;
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
