/* lite exec and lite attach: streams into a running container. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "valid.h"

static const char exec_usage[] =
	"Usage: lite exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
	"Run a command in a running container.\n\n"
	"Options:\n"
	"  -d, --detach            run in the background\n"
	"  -i, --interactive       send stdin to the command\n"
	"  -t, --tty               allocate a terminal\n"
	"  -e, --env KEY=VALUE     set an environment variable (repeatable)\n"
	"  -w, --workdir DIR       working directory inside the container\n"
	"  -u, --user USER[:GROUP] run as this user (name or id from the image)\n"
	"      --detach-keys KEYS  keys that detach (default ctrl-p,ctrl-q; \"\" disables)\n"
	"  -h, --help              this help\n";

static int
parse_exec_flags(int argc, char **argv, json_t *params, struct stream_opts *so, bool *detach)
{
	enum { OPT_DETACH_KEYS = 256 };
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' }, { "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' }, { "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' }, { "user", required_argument, NULL, 'u' },
		{ "detach-keys", required_argument, NULL, OPT_DETACH_KEYS }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	json_t *env = json_array();
	unsigned char keys[16];
	size_t nkeys;
	int c;

	json_object_set_new(params, "env", env);
	while ((c = client_opt_get(&argc, argv, "+dite:w:u:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': *detach = true; break;
		case 'i': so->interactive = true; break;
		case 't': so->tty = true; break;
		case 'e':
			if (!valid_env(optarg)) {
				client_errorf("invalid --env \"%s\": expected KEY=VALUE", optarg);
				return 1;
			}
			json_array_append_new(env, json_string(optarg));
			break;
		case 'w':
			if (optarg[0] != '/') {
				client_errorf("invalid --workdir \"%s\": must be an absolute path", optarg);
				return 1;
			}
			json_object_set_new(params, "workdir", json_string(optarg));
			break;
		case 'u': json_object_set_new(params, "user", json_string(optarg)); break;
		case OPT_DETACH_KEYS:
			if (parse_detach_keys(optarg, keys, sizeof(keys), &nkeys) < 0) {
				client_errorf("invalid --detach-keys \"%s\": expected keys like ctrl-p,ctrl-q", optarg);
				return 1;
			}
			so->detach_keys = optarg;
			break;
		case 'h': client_usage_exit(exec_usage, 0);
		default: fputs(exec_usage, stderr); return 1;
		}
	}
	if (argc - optind < 2) {
		client_errorf("\"lite exec\" requires at least 2 arguments: CONTAINER COMMAND [ARG...]");
		return 1;
	}
	return 0;
}

int
cmd_exec(int argc, char **argv)
{
	struct stream_opts so = { .sig_proxy = false };
	json_t *params = json_object(), *cmd = json_array(), *result = NULL;
	unsigned short rows, cols;
	bool detach = false;
	struct conn c;
	int r;

	if (parse_exec_flags(argc, argv, params, &so, &detach)) {
		json_decref(params);
		json_decref(cmd);
		return 1;
	}
	json_object_set_new(params, "id", json_string(argv[optind]));
	for (int i = optind + 1; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	json_object_set_new(params, "cmd", cmd);
	json_object_set_new(params, "tty", json_boolean(so.tty));
	json_object_set_new(params, "stdin", json_boolean(so.interactive && !detach));
	json_object_set_new(params, "detach", json_boolean(detach));
	json_object_set_new(params, "pass_fd", json_boolean(!detach));
	if (so.tty) {
		stream_terminal_size(&rows, &cols);
		if (rows && cols) {
			json_object_set_new(params, "rows", json_integer(rows));
			json_object_set_new(params, "cols", json_integer(cols));
		}
	}
	if (conn_open(&c) < 0) {
		json_decref(params);
		return 1;
	}
	if (conn_call(&c, "exec", params, &result) < 0) {
		conn_close(&c);
		return 1;
	}
	so.ctr = argv[optind];
	so.exec_id = json_string_value(json_object_get(result, "exec_id"));
	r = detach ? 0 : stream_reply(&c, result, &so);
	if (r == -2) {
		fprintf(stderr, "lite: detached from the exec; it keeps running\n");
		r = 0;
	} else if (r == -1) {
		r = stream_exit_code("exec_inspect", so.exec_id); /* a TTY stream carries no exit frame */
	}
	json_decref(result);
	conn_close(&c);
	return r;
}

static const char attach_usage[] =
	"Usage: lite attach [OPTIONS] CONTAINER\n\n"
	"Attach to a running container's output (and input, if it was started with -i).\n\n"
	"Options:\n"
	"      --no-stdin          do not send stdin\n"
	"      --detach-keys KEYS  keys that detach (default ctrl-p,ctrl-q; \"\" disables)\n"
	"      --sig-proxy BOOL    forward signals without a TTY (default true)\n"
	"  -h, --help              this help\n";

int
cmd_attach(int argc, char **argv)
{
	enum { OPT_NO_STDIN = 256, OPT_DETACH_KEYS, OPT_SIG_PROXY };
	static const struct option opts[] = {
		{ "no-stdin", no_argument, NULL, OPT_NO_STDIN }, { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
		{ "sig-proxy", required_argument, NULL, OPT_SIG_PROXY }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	struct stream_opts so = { .interactive = true, .sig_proxy = true };
	json_t *result = NULL;
	unsigned char keys[16];
	size_t nkeys;
	struct conn c;
	int opt, r;

	while ((opt = client_opt_get(&argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_NO_STDIN: so.interactive = false; break;
		case OPT_DETACH_KEYS:
			if (parse_detach_keys(optarg, keys, sizeof(keys), &nkeys) < 0) {
				client_errorf("invalid --detach-keys \"%s\"", optarg);
				return 1;
			}
			so.detach_keys = optarg;
			break;
		case OPT_SIG_PROXY:
			if (client_opt_parse_bool(optarg, &so.sig_proxy) < 0) {
				client_errorf("invalid --sig-proxy \"%s\": expected true or false", optarg);
				return EXIT_ENGINE;
			}
			break;
		case 'h': client_usage_exit(attach_usage, 0);
		default: client_usage_exit(attach_usage, 1);
		}
	}
	if (optind + 1 != argc)
		client_usage_exit(attach_usage, 1);
	if (conn_open(&c) < 0)
		return 1;
	if (conn_call(&c, "attach", json_pack("{s:s, s:b, s:b}", "id", argv[optind], "stdin", so.interactive,
					      "pass_fd", 1), &result) < 0) {
		conn_close(&c);
		return 1;
	}
	so.ctr = json_string_value(json_object_get(result, "id"));
	so.tty = json_is_true(json_object_get(result, "tty"));
	r = stream_reply(&c, result, &so);
	if (so.framed && r >= 0)
		conn_wait_eof(&c);
	if (r == -2) {
		fprintf(stderr, "lite: detached from %s; it keeps running (lite attach %s)\n", argv[optind], argv[optind]);
		r = 0;
	} else if (r == -1) {
		r = stream_exit_code("wait", so.ctr);
	}
	json_decref(result);
	conn_close(&c);
	return r;
}
