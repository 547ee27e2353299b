/* lite pull: asks the daemon for a pull with progress notifications and
 * renders them: on a terminal one line per layer, updated in place (bytes
 * done / total); otherwise one plain line per change of a layer's status. */
#include "client.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"

#define PULL_LAYERS_MAX 128

struct layer_line {
	char id[16];
	char status[24];
};

struct pull_view {
	FILE *out;
	bool tty;
	size_t n;
	struct layer_line l[PULL_LAYERS_MAX];
};

static const char pull_usage[] =
	"Usage: lite pull [OPTIONS] [REGISTRY/]REPO[:TAG|@sha256:DIGEST]\n\n"
	"Pull an image from a registry (OCI distribution API; Docker Hub by default).\n\nOptions:\n"
	"      --insecure        plain HTTP (always so for localhost and 127.0.0.1)\n"
	"  -u, --user USER:PASS  credentials for Basic or token authentication\n"
	"                        (default: those of 'lite login' for the registry)\n"
	"  -q, --quiet           print only the image id\n";

static void
show(struct pull_view *v, json_t *ev)
{
	const char *id = json_string_value(json_object_get(ev, "id")) ?: "?";
	const char *st = json_string_value(json_object_get(ev, "status")) ?: "?";
	uint64_t cur = (uint64_t)json_integer_value(json_object_get(ev, "current"));
	uint64_t total = (uint64_t)json_integer_value(json_object_get(ev, "total"));
	char a[32], b[32];
	size_t k;

	for (k = 0; k < v->n && strcmp(v->l[k].id, id); k++)
		;
	if (k == v->n) {
		if (k == PULL_LAYERS_MAX)
			return;
		snprintf(v->l[k].id, sizeof(v->l[k].id), "%s", id);
		v->l[k].status[0] = '\0';
		v->n++;
		if (v->tty)
			fputc('\n', v->out);
	}
	if (!v->tty) {
		if (strcmp(v->l[k].status, st))
			fprintf(v->out, "%s: %s\n", id, st);
	} else {
		format_size(cur, a, sizeof(a));
		format_size(total, b, sizeof(b));
		fprintf(v->out, "\033[%zuA\r\033[2K%s: %s", v->n - k, id, st);
		if (!strcmp(st, "Downloading") || !strcmp(st, "Pushing"))
			fprintf(v->out, " %s/%s", a, b);
		fprintf(v->out, "\033[%zuB\r", v->n - k);
	}
	snprintf(v->l[k].status, sizeof(v->l[k].status), "%s", st);
	fflush(v->out);
}

/* Progress notifications until the reply line. */
static int
await_reply(struct conn *c, struct pull_view *v, bool quiet, json_t **ret)
{
	for (;;) {
		char *nl = memchr(c->buf ? c->buf : "", '\n', c->len);
		json_t *msg;

		if (!nl) {
			if (conn_fill(c) <= 0)
				return conn_read_reply(c, ret); /* prints why */
			continue;
		}
		msg = json_loadb(c->buf, (size_t)(nl - c->buf), 0, NULL);
		if (!msg || json_object_get(msg, "id") || !json_object_get(msg, "method")) {
			json_decref(msg);
			return conn_read_reply(c, ret);
		}
		if (!quiet)
			show(v, json_object_get(msg, "params"));
		json_decref(msg);
		conn_consume(c, (size_t)(nl - c->buf) + 1);
	}
}

int
cmd_pull_call(const char *method, json_t *params, bool quiet, FILE *out, json_t **ret)
{
	struct pull_view *v = calloc(1, sizeof(*v));
	const char *ref = json_string_value(json_object_get(params, "ref"));
	char *found = NULL;
	struct conn c;
	int r;

	if (!v) {
		json_decref(params);
		return -1;
	}
	v->out = out;
	v->tty = isatty(fileno(out));
	json_object_set_new(params, "progress", json_boolean(!quiet));
	/* the user's stored credentials (lite login), unless given */
	if (!json_object_get(params, "user") && ref && (found = cmd_login_credentials_for_ref(ref)))
		json_object_set_new(params, "user", json_string(found));
	if (found) {
		memset(found, 0, strlen(found));
		free(found);
	}
	if (conn_open(&c) < 0) {
		json_decref(params);
		free(v);
		return -1;
	}
	r = conn_send(&c, method, params);
	if (r == 0)
		r = await_reply(&c, v, quiet, ret);
	conn_close(&c);
	free(v);
	return r < 0 ? -1 : 0;
}

int
cmd_pull_image(const char *ref, const char *user, bool insecure, bool quiet, FILE *out, json_t **ret)
{
	json_t *params = json_pack("{s:s,s:b}", "ref", ref, "insecure", insecure);

	if (user)
		json_object_set_new(params, "user", json_string(user));
	return cmd_pull_call("pull", params, quiet, out, ret);
}

int
cmd_pull(int argc, char **argv)
{
	static const struct option opts[] = { { "insecure", no_argument, NULL, 'k' },
					      { "user", required_argument, NULL, 'u' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const char *user = NULL;
	bool insecure = false, quiet = false;
	json_t *res = NULL, *tags;
	int ch;

	while ((ch = client_opt_get(&argc, argv, "u:qh", opts, NULL)) != -1) {
		if (ch == 'h')
			client_usage_exit(pull_usage, 0);
		else if (ch == 'k')
			insecure = true;
		else if (ch == 'u')
			user = optarg;
		else if (ch == 'q')
			quiet = true;
		else
			client_usage_exit(pull_usage, EXIT_ENGINE);
	}
	if (optind != argc - 1)
		client_usage_exit(pull_usage, EXIT_ENGINE);
	if (cmd_pull_image(argv[optind], user, insecure, quiet, stdout, &res) < 0)
		return EXIT_ENGINE;
	tags = json_object_get(res, "tags");
	if (quiet) {
		printf("%s\n", json_string_value(json_object_get(res, "id")) ?: "");
	} else {
		printf("Digest: %s\n", json_string_value(json_object_get(res, "digest")) ?: "?");
		printf("Pulled: %s (%s)\n", json_string_value(json_array_get(tags, 0)) ?: "<none>",
		       json_string_value(json_object_get(res, "id")) ?: "?");
	}
	json_decref(res);
	return 0;
}
