/* lite inspect, and the inspect of image, volume and network: one object
 * per name, asked of the daemon, turned into Docker's shape
 * (proto/docker-shape.c) and printed as a JSON array or through a
 * --format template, as docker does. Without --type a name is looked up as
 * a container, then an image, a volume, a network. */
#include "client.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker-shape.h"
#include "template.h"

static const struct kind {
	const char *name, *method, *param, *title;
	json_t *(*shape)(json_t *lite);
} kinds[] = {
	{ "container", "inspect", "id", "container", docker_shape_container },
	{ "image", "image_inspect", "image", "image", docker_shape_image },
	{ "volume", "volume_inspect", "name", "volume", docker_shape_volume },
	{ "network", "network_inspect", "id", "network", docker_shape_network },
};

static const struct kind *
kind_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* One request whose error is returned, not printed: 0 with the result,
 * -ENOENT when the daemon says not found (or the name cannot be one of
 * this kind), -EIO after printing any other failure. */
static int
call_quiet(const char *method, json_t *params, json_t **ret)
{
	struct conn c;
	json_t *msg, *err;
	const char *kind;
	char *nl;
	int r = 0;

	if (conn_open(&c) < 0) {
		json_decref(params);
		return -EIO;
	}
	if (conn_send(&c, method, params) < 0) {
		conn_close(&c);
		return -EIO;
	}
	while (!(nl = memchr(c.buf ? c.buf : "", '\n', c.len)))
		if (conn_fill(&c) <= 0) {
			client_errorf("the daemon closed the connection without a reply");
			conn_close(&c);
			return -EIO;
		}
	msg = json_loadb(c.buf, (size_t)(nl - c.buf), 0, NULL);
	conn_close(&c);
	err = json_object_get(msg, "error");
	kind = json_string_value(json_object_get(json_object_get(err, "data"), "kind")) ?: "";
	if (!msg) {
		client_errorf("malformed reply from the daemon");
		r = -EIO;
	} else if (err && (strcmp(kind, "not_found") == 0 || strcmp(kind, "invalid") == 0)) {
		r = -ENOENT;
	} else if (err) {
		client_errorf("%s", json_string_value(json_object_get(err, "message")) ?: "unknown error");
		r = -EIO;
	} else {
		*ret = json_incref(json_object_get(msg, "result"));
	}
	json_decref(msg);
	return r;
}

/* inspect --size: the writable layer's bytes, from ps (inspect has none),
 * and with the image's, Docker's SizeRootFs. */
static void
add_size(json_t *lite)
{
	json_t *list = NULL, *img = NULL, *c;
	json_int_t rw = 0;
	size_t i;

	if (call_quiet("ps", json_pack("{s:b, s:b}", "all", 1, "size", 1), &list) < 0)
		return;
	json_array_foreach(list, i, c)
		if (json_equal(json_object_get(c, "id"), json_object_get(lite, "id")))
			rw = json_integer_value(json_object_get(c, "size_rw"));
	json_decref(list);
	json_object_set_new(lite, "size_rw", json_integer(rw));
	if (call_quiet("image_inspect", json_pack("{s:s}", "image", json_string_value(json_object_get(lite, "image_id")) ?: ""),
		       &img) == 0)
		json_object_set_new(lite, "size_root_fs", json_integer(rw + json_integer_value(json_object_get(img, "Size"))));
	json_decref(img);
}

/* One name as one kind: 0 with the Docker-shaped object, -ENOENT, -EIO. */
static int
fetch(const struct kind *k, const char *name, bool size, json_t **ret)
{
	json_t *lite = NULL;
	int r = call_quiet(k->method, json_pack("{s:s}", k->param, name), &lite);

	if (r < 0)
		return r;
	if (size && k->shape == docker_shape_container)
		add_size(lite);
	*ret = k->shape(lite);
	json_decref(lite);
	return *ret ? 0 : -EIO;
}

/* Print the found objects (a JSON array, or the template per object). */
static int
print_all(json_t *all, const struct template *t)
{
	json_t *o;
	size_t i;
	char err[512], *s;

	if (!t) {
		s = json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "[]");
		free(s);
		return 0;
	}
	json_array_foreach(all, i, o) {
		if (!(s = template_exec(t, o, err, sizeof(err)))) {
			fflush(stdout);
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		printf("%s\n", s);
		free(s);
	}
	return 0;
}

int
cmd_inspect_names(const char *type, char **names, int n, const char *format, bool size)
{
	const struct kind *only = type ? kind_by_name(type) : NULL;
	struct template *t = NULL;
	json_t *all = json_array();
	char err[512], **missing = calloc((size_t)n + 1, sizeof(char *));
	int rc = 0, nmissing = 0;

	if (type && !only) {
		fprintf(stderr, "\"%s\" is not a valid value for --type\n", type);
		rc = 1;
		goto out;
	}
	if (format && strcmp(format, "json") == 0) /* docker's shorthand */
		format = "{{json .}}";
	if (format && !(t = template_parse(format, 0, err, sizeof(err)))) {
		fprintf(stderr, "Template parsing error: %s\n", err);
		rc = 1;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		json_t *o = NULL;
		int r = -ENOENT;

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && r == -ENOENT; k++)
			if (!only || only == &kinds[k])
				r = fetch(&kinds[k], names[i], size, &o);
		if (r == 0)
			json_array_append_new(all, o);
		else if (r == -ENOENT)
			missing[nmissing++] = names[i];
		else
			rc = 1;
	}
	rc = print_all(all, t) || rc;
	fflush(stdout);
	/* as docker: what was found first, then one line per missing name */
	for (int i = 0; i < nmissing; i++)
		fprintf(stderr, "Error: No such %s: %s\n", only ? only->title : "object", missing[i]);
	rc = rc || nmissing;
out:
	template_free(t);
	json_decref(all);
	free(missing);
	return rc;
}

static const char inspect_usage[] =
	"Usage: lite inspect [OPTIONS] NAME|ID [NAME|ID...]\n\n"
	"Return low-level information on containers, images, volumes or networks,\n"
	"as a JSON array shaped like docker's.\n\n"
	"Options:\n"
	"  -f, --format TMPL  one line per object from a Go template: {{.State.Status}},\n"
	"                     {{json .Config.Env}}, {{range .Mounts}}{{.Source}}{{end}}, ...\n"
	"  -s, --size         add SizeRw and SizeRootFs (containers)\n"
	"      --type TYPE    only this kind: container, image, volume or network\n"
	"  -h, --help         this help\n";

int
cmd_inspect_kind(const char *sub, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "size", no_argument, NULL, 's' },
		{ "type", required_argument, NULL, 't' },   { "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *format = NULL, *type = sub;
	char usage[320];
	bool size = false;
	int opt;

	snprintf(usage, sizeof(usage),
		 "Usage: lite %s inspect [OPTIONS] NAME [NAME...]\n\nShow %ss as a JSON array shaped like docker's.\n\n"
		 "Options:\n  -f, --format TMPL  one line per %s from a Go template\n  -h, --help         this help\n",
		 sub ? sub : "", sub ? sub : "", sub ? sub : "");
	bool ctr = !sub || strcmp(sub, "container") == 0;

	optind = 0;
	while ((opt = client_opt_get(&argc, argv, ctr ? "+f:sh" : "+f:h", opts, NULL)) != -1) {
		if (opt == 'f')
			format = optarg;
		else if (opt == 's' && ctr)
			size = true;
		else if (opt == 't' && !sub)
			type = optarg;
		else
			client_usage_exit(sub ? usage : inspect_usage, opt == 'h' ? 0 : 1);
	}
	if (optind >= argc) {
		fprintf(stderr, "\"lite %s%sinspect\" requires at least 1 argument.\n", sub ? sub : "", sub ? " " : "");
		return 1;
	}
	return cmd_inspect_names(type, argv + optind, argc - optind, format, size);
}

int
cmd_inspect(int argc, char **argv)
{
	return cmd_inspect_kind(NULL, argc, argv);
}
