/* lite run's security flags: --privileged, --cap-add, --cap-drop,
 * --security-opt, --pid, --ipc. The daemon owns the rules (which names,
 * who may); the client only reads seccomp=FILE itself and sends the text,
 * so the root daemon never opens a path the caller names. */
#include "client.h"

#include <errno.h>
#include <string.h>

#include "fs-util.h"

/* --security-opt seccomp=FILE (or seccomp:FILE): the profile's text. */
static int
security_opt(json_t *params, const char *arg)
{
	const char *file = NULL;
	char *text = NULL;
	int r;

	if (strncmp(arg, "seccomp=", 8) == 0 || strncmp(arg, "seccomp:", 8) == 0)
		file = arg + 8;
	if (!file || strcmp(file, "unconfined") == 0) {
		client_append(params, "security_opt", arg);
		return 0;
	}
	r = fs_read_file(file, &text, NULL);
	if (r < 0) {
		client_errorf("--security-opt seccomp=%s: %s", file, strerror(-r));
		return EXIT_ENGINE;
	}
	json_object_set_new(params, "seccomp_profile", json_string(text));
	free(text);
	if (!json_object_get(params, "seccomp_profile")) {
		client_errorf("--security-opt seccomp=%s: not UTF-8 text", file);
		return EXIT_ENGINE;
	}
	return 0;
}

int
cmd_run_sec_flag(int opt, const char *arg, json_t *params)
{
	switch (opt) {
	case RUN_OPT_PRIVILEGED: json_object_set_new(params, "privileged", json_true()); break;
	case RUN_OPT_CAP_ADD: client_append(params, "cap_add", arg); break;
	case RUN_OPT_CAP_DROP: client_append(params, "cap_drop", arg); break;
	case RUN_OPT_SECURITY_OPT: return security_opt(params, arg);
	case RUN_OPT_PID: json_object_set_new(params, "pid", json_string(arg)); break;
	case RUN_OPT_IPC: json_object_set_new(params, "ipc", json_string(arg)); break;
	default: return EXIT_ENGINE;
	}
	return 0;
}
