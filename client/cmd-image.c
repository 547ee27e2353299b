/* lite images and lite import. An import sends the request line and then
 * the tarball's bytes on the same connection, and reads one reply. */
#include "client.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fd-util.h"
#include "format.h"
#include "table.h"
#include "valid.h"

static const char images_usage[] =
	"Usage: lite images [OPTIONS]\n\nList images.\n\n"
	"Options:\n  -q, --quiet         only print image ids\n"
	"      --format json   one JSON object per line\n  -h, --help          this help\n";

/* One JSON object per image and tag, as docker images --format json. */
static void
print_json_rows(json_t *img)
{
	json_t *tags = json_object_get(img, "repo_tags"), *tag;
	size_t i, n = json_array_size(tags);

	for (i = 0; i < (n ? n : 1); i++) {
		const char *t = (tag = json_array_get(tags, i)) ? json_string_value(tag) : NULL;
		const char *colon = t ? strrchr(t, ':') : NULL;
		json_t *o = json_pack("{s:O,s:s%,s:s,s:O,s:O,s:O}", "ID", json_object_get(img, "id"),
				      "Repository", t ? t : "<none>", colon ? (size_t)(colon - t) : (t ? strlen(t) : 6),
				      "Tag", colon ? colon + 1 : "<none>", "Created", json_object_get(img, "created"),
				      "Size", json_object_get(img, "size"), "Layers", json_object_get(img, "layers"));
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
	}
}

static void
add_rows(struct table *t, json_t *img, bool quiet, int64_t now)
{
	const char *id = json_string_value(json_object_get(img, "id"));
	json_t *tags = json_object_get(img, "repo_tags"), *tag;
	char short_id[13], created[64], size[32];
	size_t i;

	snprintf(short_id, sizeof(short_id), "%.12s", id && strchr(id, ':') ? strchr(id, ':') + 1 : "");
	if (quiet) {
		printf("%s\n", short_id);
		return;
	}
	format_ago(now - json_integer_value(json_object_get(img, "created")), created, sizeof(created));
	format_size((uint64_t)json_integer_value(json_object_get(img, "size")), size, sizeof(size));
	if (json_array_size(tags) == 0)
		table_add(t, (const char *[]){ "<none>", "<none>", short_id, created, size });
	json_array_foreach(tags, i, tag) {
		char repo[256];
		const char *colon;

		snprintf(repo, sizeof(repo), "%s", json_string_value(tag));
		colon = strrchr(repo, ':');
		if (colon)
			repo[colon - repo] = '\0';
		table_add(t, (const char *[]){ repo, colon ? colon + 1 : "latest", short_id, created, size });
	}
}

int
cmd_images(int argc, char **argv)
{
	static const struct option opts[] = { { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
					      { "format", required_argument, NULL, 'f' }, { 0 } };
	bool quiet = false, as_json = false;
	json_t *list = NULL, *img;
	struct table *t;
	size_t i;
	int c;

	while ((c = client_opt_get(&argc, argv, "qh", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(images_usage, 0);
		if (c == 'f' && strcmp(optarg, "json")) {
			client_errorf("invalid --format \"%s\": only json is supported", optarg);
			return EXIT_ENGINE;
		}
		if (c != 'q' && c != 'f')
			client_usage_exit(images_usage, EXIT_ENGINE);
		if (c == 'q')
			quiet = true;
		else
			as_json = true;
	}
	if (optind < argc)
		client_usage_exit(images_usage, EXIT_ENGINE);
	if (client_call_once("images", NULL, &list) < 0)
		return 1;
	t = table_new(5);
	table_add(t, (const char *[]){ "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE" });
	json_array_foreach(list, i, img) {
		if (as_json && !quiet)
			print_json_rows(img);
		else
			add_rows(t, img, quiet, time(NULL));
	}
	if (!quiet && !as_json)
		table_print(t);
	table_free(t);
	json_decref(list);
	return 0;
}

static const char import_usage[] =
	"Usage: lite import [OPTIONS] TARBALL|- NAME[:TAG]\n\n"
	"Import a root file system tarball (plain, gzip, xz or zstd) as an image.\n\n"
	"Options:\n  -m, --message TEXT   accepted for Docker's sake (lite keeps no import message)\n"
	"  -c, --change LINE    not supported by import: use 'lite commit --change'\n";

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "change", required_argument, NULL, 'c' }, { "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	json_t *result = NULL, *params;
	struct conn c;
	int in, r, ch;

	while ((ch = client_opt_get(&argc, argv, "c:m:h", opts, NULL)) != -1) {
		if (ch == 'h')
			client_usage_exit(import_usage, 0);
		if (ch == 'c') {
			client_errorf("invalid --change \"%s\": lite import applies no changes; "
				      "use 'lite commit --change' on a container of the image", optarg);
			return EXIT_ENGINE;
		}
		if (ch != 'm')
			client_usage_exit(import_usage, EXIT_ENGINE);
	}
	if (argc - optind != 2) {
		client_errorf("\"lite import\" requires exactly 2 arguments: TARBALL|- NAME[:TAG]");
		return EXIT_ENGINE;
	}
	argv += optind - 1; /* argv[1], argv[2]: the tarball and the name */
	if (!valid_image_ref(argv[2])) {
		client_errorf("invalid image name \"%s\": use lowercase NAME[:TAG]", argv[2]);
		return EXIT_ENGINE;
	}
	in = strcmp(argv[1], "-") == 0 ? STDIN_FILENO : open(argv[1], O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		client_errorf("cannot open %s: %s", argv[1], strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN); /* a refused upload: read the daemon's reason */
	if (conn_open(&c) < 0)
		return 1;
	params = json_pack("{s:s}", "ref", argv[2]);
	if (conn_send(&c, "import", params) < 0)
		return 1;
	r = fd_copy(in, c.fd);
	if (r < 0 && r != -EPIPE) {
		client_errorf("sending %s failed: %s", argv[1], strerror(-r));
		return 1;
	}
	shutdown(c.fd, SHUT_WR);
	if (conn_read_reply(&c, &result) < 0) {
		conn_close(&c);
		return 1;
	}
	printf("%s\n", json_string_value(json_object_get(result, "id")));
	json_decref(result);
	conn_close(&c);
	return 0;
}
