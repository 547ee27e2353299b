/* lite load, save, rmi, tag, history, commit, export, image SUBCOMMAND and
 * system df. load streams an archive to the daemon after the request line;
 * save and export read one reply line, then the archive's bytes. */
#include "client.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fd-util.h"
#include "format.h"
#include "out-format.h"
#include "table.h"
#include "valid.h"

static json_t *
argv_json(int argc, char **argv)
{
	json_t *a = json_array();

	for (int i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	return a;
}


/* Copy what follows the reply (size bytes) to out; -1 if cut short. */
static int
receive_stream(struct conn *c, int out, long long size, const char *what)
{
	char buf[256 * 1024];
	long long got = (long long)c->len;

	if (c->len && fd_write_all(out, c->buf, c->len) < 0) {
		client_errorf("write %s: %s", what, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = read(c->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (fd_write_all(out, buf, (size_t)n) < 0) {
			client_errorf("write %s: %s", what, strerror(errno));
			return -1;
		}
		got += n;
	}
	if (got != size) {
		client_errorf("%s: the archive was cut short (%lld of %lld bytes)", what, got, size);
		return -1;
	}
	return 0;
}

/* Call method and write the streamed result to path (or stdout). */
static int
download(const char *method, json_t *params, const char *path)
{
	json_t *res = NULL;
	struct conn c;
	int out, r;

	if (!path && isatty(STDOUT_FILENO)) {
		json_decref(params);
		client_errorf("refusing to write an archive to a terminal: use -o FILE or redirect stdout");
		return 1;
	}
	out = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : STDOUT_FILENO;
	if (out < 0) {
		json_decref(params);
		client_errorf("cannot create %s: %s", path, strerror(errno));
		return 1;
	}
	if (conn_open(&c) < 0) {
		json_decref(params);
		return 1;
	}
	r = conn_call(&c, method, params, &res);
	if (r == 0)
		r = receive_stream(&c, out, json_integer_value(json_object_get(res, "size")), path ? path : "stdout");
	json_decref(res);
	conn_close(&c);
	if (path)
		close(out);
	if (r < 0 && path)
		unlink(path);
	return r < 0 ? 1 : 0;
}

static const char save_usage[] =
	"Usage: lite save [OPTIONS] IMAGE [IMAGE...]\n\n"
	"Save images to a tar archive (to stdout by default).\n\nOptions:\n"
	"  -o, --output FILE     write to FILE\n"
	"      --format FORMAT   docker (default; podman/docker load it) or oci (an OCI image layout)\n";

int
cmd_save(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
					      { "format", required_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const char *out = NULL, *format = "docker";
	int c;

	while ((c = client_opt_get(&argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(save_usage, 0);
		else if (c == 'o')
			out = optarg;
		else if (c == 'f')
			format = optarg;
		else
			client_usage_exit(save_usage, EXIT_ENGINE);
	}
	if (optind >= argc)
		client_usage_exit(save_usage, EXIT_ENGINE);
	if (!strcmp(format, "docker-archive"))
		format = "docker";
	if (!strcmp(format, "oci-archive"))
		format = "oci";
	return download("save", json_pack("{s:o,s:s}", "images", argv_json(argc - optind, argv + optind), "format", format),
			out);
}

static const char export_usage[] =
	"Usage: lite export [OPTIONS] CONTAINER\n\n"
	"Export a container's file system as a tar archive (to stdout by default).\n\nOptions:\n"
	"  -o, --output FILE   write to FILE\n";

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const char *out = NULL;
	int c;

	while ((c = client_opt_get(&argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(export_usage, 0);
		else if (c == 'o')
			out = optarg;
		else
			client_usage_exit(export_usage, EXIT_ENGINE);
	}
	if (optind != argc - 1)
		client_usage_exit(export_usage, EXIT_ENGINE);
	return download("export", json_pack("{s:s}", "id", argv[optind]), out);
}

static const char load_usage[] =
	"Usage: lite load [OPTIONS]\n\n"
	"Load images from a Docker archive (docker/podman save) or an OCI image layout tar,\n"
	"plain or compressed, from stdin or a file.\n\nOptions:\n"
	"  -i, --input FILE   read from FILE instead of stdin\n"
	"  -q, --quiet        print nothing but errors\n";

static void
print_loaded(json_t *res)
{
	size_t i, k;
	json_t *img, *t;

	json_array_foreach(res, i, img) {
		json_t *tags = json_object_get(img, "tags");

		if (json_array_size(tags) == 0)
			printf("Loaded image ID: %s\n", json_string_value(json_object_get(img, "id")));
		json_array_foreach(tags, k, t)
			printf("Loaded image: %s\n", json_string_value(t));
	}
}

int
cmd_load(int argc, char **argv)
{
	static const struct option opts[] = { { "input", required_argument, NULL, 'i' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const char *path = NULL;
	json_t *res = NULL;
	bool quiet = false;
	struct conn c;
	int ch, in, r;

	while ((ch = client_opt_get(&argc, argv, "i:qh", opts, NULL)) != -1) {
		if (ch == 'h')
			client_usage_exit(load_usage, 0);
		else if (ch == 'i')
			path = optarg;
		else if (ch == 'q')
			quiet = true;
		else
			client_usage_exit(load_usage, EXIT_ENGINE);
	}
	if (optind != argc)
		client_usage_exit(load_usage, EXIT_ENGINE);
	if (!path && isatty(STDIN_FILENO)) {
		client_errorf("requested load from stdin, but stdin is a terminal: use -i FILE or redirect stdin");
		return 1;
	}
	in = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (in < 0) {
		client_errorf("cannot open %s: %s", path, strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN); /* a refused upload: read the daemon's reason */
	if (conn_open(&c) < 0 || conn_send(&c, "load", NULL) < 0)
		return 1;
	r = fd_copy(in, c.fd);
	if (r < 0 && r != -EPIPE) {
		client_errorf("sending %s failed: %s", path ? path : "stdin", strerror(-r));
		return 1;
	}
	shutdown(c.fd, SHUT_WR);
	r = conn_read_reply(&c, &res);
	conn_close(&c);
	if (r < 0)
		return 1;
	if (!quiet)
		print_loaded(res);
	json_decref(res);
	return 0;
}

static const char rmi_usage[] =
	"Usage: lite rmi [OPTIONS] IMAGE [IMAGE...]\n\n"
	"Remove images; layers no other image uses are deleted.\n\nOptions:\n"
	"  -f, --force   untag an image containers use, remove an image with several tags\n";

int
cmd_rmi(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	bool force = false;
	json_t *res = NULL, *e;
	size_t i;
	int c;

	while ((c = client_opt_get(&argc, argv, "fh", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(rmi_usage, 0);
		else if (c == 'f')
			force = true;
		else
			client_usage_exit(rmi_usage, EXIT_ENGINE);
	}
	if (optind >= argc)
		client_usage_exit(rmi_usage, EXIT_ENGINE);
	if (client_call_once("rmi", json_pack("{s:o,s:b}", "images", argv_json(argc - optind, argv + optind), "force", force),
			&res) < 0)
		return 1;
	json_array_foreach(res, i, e) {
		const char *k = json_object_iter_key(json_object_iter(e));

		if (k && strcmp(k, "Error"))
			printf("%s: %s\n", k, json_string_value(json_object_iter_value(json_object_iter(e))));
	}
	json_decref(res);
	return 0;
}

int
cmd_tag(int argc, char **argv)
{
	json_t *res = NULL;

	client_no_options(&argc, &argv, "Usage: lite tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nGive an image another name.\n");
	if (argc != 3)
		client_usage_exit("Usage: lite tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n", EXIT_ENGINE);
	if (client_call_once("tag", json_pack("{s:s,s:s}", "source", argv[1], "target", argv[2]), &res) < 0)
		return 1;
	json_decref(res);
	return 0;
}

static int
image_inspect(int argc, char **argv)
{
	return cmd_inspect_kind("image", argc, argv);
}

int
cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite history [--format FORMAT] IMAGE\n\nShow an image's history, newest first.\n\n"
				    "Options:\n  -f, --format F   json, a template over Docker's row keys, or table ...\n"
				    "  -h, --help       this help\n";
	json_t *res = NULL, *h;
	const char *format = NULL;
	struct table *t;
	size_t i;
	int rc, c;

	while ((c = client_opt_get(&argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else
			client_usage_exit(usage, c == 'h' ? 0 : EXIT_ENGINE);
	}
	if (optind != argc - 1)
		client_usage_exit(usage, EXIT_ENGINE);
	if (client_call_once("history", json_pack("{s:s}", "image", argv[optind]), &res) < 0)
		return 1;
	if (format) {
		rc = cmd_format_history(res, format);
		json_decref(res);
		return rc;
	}
	t = table_new(4);
	table_add(t, (const char *[]){ "LAYER", "CREATED", "CREATED BY", "COMMENT" });
	json_array_foreach(json_object_get(res, "history"), i, h) {
		const char *layer = json_string_value(json_object_get(h, "layer"));
		char short_layer[16];

		snprintf(short_layer, sizeof(short_layer), "%.12s", layer ? layer + 7 : "<missing>");
		table_add(t, (const char *[]){ short_layer, json_string_value(json_object_get(h, "created")) ?: "",
					       json_string_value(json_object_get(h, "created_by")) ?: "",
					       json_string_value(json_object_get(h, "comment")) ?: "" });
	}
	table_print(t);
	table_free(t);
	json_decref(res);
	return 0;
}

static const char commit_usage[] =
	"Usage: lite commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n\n"
	"Create a new image from a container's changes.\n\nOptions:\n"
	"  -c, --change LIST    apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE\n"
	"  -m, --message TEXT   commit message\n";

int
cmd_commit(int argc, char **argv)
{
	static const struct option opts[] = { { "change", required_argument, NULL, 'c' },
					      { "message", required_argument, NULL, 'm' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	json_t *changes = json_array(), *res = NULL;
	const char *msg = "";
	int c;

	while ((c = client_opt_get(&argc, argv, "c:m:h", opts, NULL)) != -1) {
		if (c == 'h')
			client_usage_exit(commit_usage, 0);
		else if (c == 'c')
			json_array_append_new(changes, json_string(optarg));
		else if (c == 'm')
			msg = optarg;
		else
			client_usage_exit(commit_usage, EXIT_ENGINE);
	}
	if (optind >= argc || argc - optind > 2)
		client_usage_exit(commit_usage, EXIT_ENGINE);
	if (argc - optind == 2 && !valid_image_ref(argv[optind + 1])) {
		client_errorf("invalid reference format \"%s\": use lowercase NAME[:TAG]", argv[optind + 1]);
		return 1;
	}
	if (client_call_once("commit", json_pack("{s:s,s:s,s:o,s:s}", "id", argv[optind], "ref",
					    argc - optind == 2 ? argv[optind + 1] : "", "changes", changes, "comment", msg),
			&res) < 0)
		return 1;
	printf("%s\n", json_string_value(json_object_get(res, "id")));
	json_decref(res);
	return 0;
}

static const char image_usage[] =
	"Usage: lite image COMMAND\n\nManage images.\n\nCommands:\n"
	"  ls        List images\n  inspect   Show images' configs as JSON\n  rm        Remove images\n"
	"  prune     Remove unused images and layers\n  history   Show an image's history\n"
	"  tag       Give an image another name\n  load      Load images from an archive\n"
	"  save      Save images to an archive\n  import    Import a rootfs tarball\n"
	"  pull      Pull an image from a registry\n  push      Push an image to a registry\n";

int
cmd_image(int argc, char **argv)
{
	static const struct cmd subs[] = {
		{ "ls", cmd_images, NULL }, { "list", cmd_images, NULL }, { "inspect", image_inspect, NULL },
		{ "rm", cmd_rmi, NULL }, { "prune", cmd_prune_image, NULL }, { "history", cmd_history, NULL },
		{ "tag", cmd_tag, NULL }, { "load", cmd_load, NULL }, { "save", cmd_save, NULL },
		{ "import", cmd_import, NULL },
	};

	if (argc < 2)
		client_errorf("\"lite image\" requires a command");
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		client_usage_exit(image_usage, argc < 2 ? EXIT_ENGINE : 0);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (!strcmp(argv[1], subs[i].name)) {
			optind = 0;
			return subs[i].fn(argc - 1, argv + 1);
		}
	}
	client_errorf("unknown command \"image %s\"; see 'lite image --help'", argv[1]);
	return EXIT_ENGINE;
}

/* system df -v: Docker's three tables, from images, ps -a -s and volume_ls. */
static void
df_verbose(void)
{
	json_t *imgs = NULL, *ctrs = NULL, *vols = NULL, *e, *users = json_object(), *m;
	int64_t now = time(NULL);
	struct table *t;
	size_t i, j;

	(void)client_call_once("ps", json_pack("{s:b, s:b, s:b}", "all", 1, "size", 1, "details", 1), &ctrs);
	json_array_foreach(ctrs, i, e) {
		const char *img = json_string_value(json_object_get(e, "image_id")) ?: "";

		json_object_set_new(users, img, json_integer(json_integer_value(json_object_get(users, img)) + 1));
		json_array_foreach(json_object_get(e, "mounts"), j, m) {
			const char *v = json_string_value(json_object_get(m, "volume"));
			char key[300];

			snprintf(key, sizeof(key), "volume:%s", v ?: "");
			if (v && *v)
				json_object_set_new(users, key, json_integer(json_integer_value(json_object_get(users, key)) + 1));
		}
	}
	printf("Images space usage:\n\n");
	t = table_new(6);
	table_add(t, (const char *[]){ "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "CONTAINERS" });
	if (client_call_once("images", NULL, &imgs) == 0)
		json_array_foreach(imgs, i, e) {
			const char *id = json_string_value(json_object_get(e, "id")) ?: "";
			json_t *tags = json_object_get(e, "repo_tags");
			char sid[13], created[64], size[32], n[16], repo[256];
			const char *tag = json_string_value(json_array_get(tags, 0)), *colon;

			snprintf(sid, sizeof(sid), "%.12s", strchr(id, ':') ? strchr(id, ':') + 1 : id);
			format_ago(now - json_integer_value(json_object_get(e, "created")), created, sizeof(created));
			format_size((uint64_t)json_integer_value(json_object_get(e, "size")), size, sizeof(size));
			snprintf(n, sizeof(n), "%lld", json_integer_value(json_object_get(users, id)));
			snprintf(repo, sizeof(repo), "%s", tag ? tag : "<none>");
			colon = strrchr(repo, ':');
			if (colon && tag)
				repo[colon - repo] = '\0';
			table_add(t, (const char *[]){ repo, colon && tag ? tag + (colon - repo) + 1 : "<none>", sid, created,
						       size, n });
		}
	table_print(t);
	table_free(t);
	printf("\nContainers space usage:\n\n");
	t = table_new(8);
	table_add(t, (const char *[]){ "CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS",
				       "NAMES" });
	json_array_foreach(ctrs, i, e) {
		char sid[13], created[64], size[32], cmd[64] = "", nvol[16];
		size_t nv = 0;
		json_t *a;

		json_array_foreach(json_object_get(e, "command"), j, a)
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s", j ? " " : "", json_string_value(a));
		json_array_foreach(json_object_get(e, "mounts"), j, m)
			nv += *(json_string_value(json_object_get(m, "volume")) ?: "") != '\0';
		snprintf(nvol, sizeof(nvol), "%zu", nv);
		snprintf(sid, sizeof(sid), "%.12s", json_string_value(json_object_get(e, "id")));
		format_ago(now - json_integer_value(json_object_get(e, "created")), created, sizeof(created));
		format_size((uint64_t)json_integer_value(json_object_get(e, "size_rw")), size, sizeof(size));
		table_add(t, (const char *[]){ sid, json_string_value(json_object_get(e, "image")), cmd, nvol, size, created,
					       json_string_value(json_object_get(e, "status")),
					       json_string_value(json_object_get(e, "name")) });
	}
	table_print(t);
	table_free(t);
	printf("\nLocal Volumes space usage:\n\n");
	t = table_new(3);
	table_add(t, (const char *[]){ "VOLUME NAME", "LINKS", "SIZE" });
	if (client_call_once("volume_ls", json_pack("{s:b}", "size", 1), &vols) == 0)
		json_array_foreach(vols, i, e) {
			const char *name = json_string_value(json_object_get(e, "ref")) ?: json_string_value(json_object_get(e, "name"));
			char key[300], n[16], size[32];

			snprintf(key, sizeof(key), "volume:%s", json_string_value(json_object_get(e, "name")) ?: "");
			snprintf(n, sizeof(n), "%lld", json_integer_value(json_object_get(users, key)));
			format_size((uint64_t)json_integer_value(json_object_get(e, "size")), size, sizeof(size));
			table_add(t, (const char *[]){ name, n, size });
		}
	table_print(t);
	table_free(t);
	json_decref(imgs);
	json_decref(ctrs);
	json_decref(vols);
	json_decref(users);
}

static int
system_df(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	static const char usage[] = "Usage: lite system df [OPTIONS]\n\nShow the disk space images, layers and containers use.\n\n"
				    "Options:\n  -v, --verbose     per image, container and volume\n"
				    "      --format json the engine's numbers as JSON\n";
	json_t *res = NULL, *im, *ct;
	char s1[32], s2[32], s3[32], n1[32], n2[32], n3[32], a1[32], a2[32];
	const char *format = NULL;
	bool verbose = false;
	struct table *t;
	int c;

	while ((c = client_opt_get(&argc, argv, "vh", opts, NULL)) != -1) {
		if (c == 'v')
			verbose = true;
		else if (c == 'F')
			format = optarg;
		else
			client_usage_exit(usage, c == 'h' ? 0 : EXIT_ENGINE);
	}
	if (optind < argc)
		return client_errorf("\"lite system df\" accepts no arguments"), EXIT_ENGINE;
	if (verbose && !format) {
		df_verbose();
		return 0;
	}
	if (client_call_once("system_df", NULL, &res) < 0)
		return 1;
	if (format) {
		int rc = cmd_format_df(res, format);

		json_decref(res);
		return rc;
	}
	im = json_object_get(res, "images");
	ct = json_object_get(res, "containers");
	format_size((uint64_t)json_integer_value(json_object_get(im, "size")), s1, sizeof(s1));
	format_size((uint64_t)json_integer_value(json_object_get(im, "reclaimable")), s2, sizeof(s2));
	format_size((uint64_t)json_integer_value(json_object_get(ct, "size")), s3, sizeof(s3));
	snprintf(n1, sizeof(n1), "%lld", json_integer_value(json_object_get(im, "total")));
	snprintf(a1, sizeof(a1), "%lld", json_integer_value(json_object_get(im, "active")));
	snprintf(n2, sizeof(n2), "%lld", json_integer_value(json_object_get(ct, "total")));
	snprintf(a2, sizeof(a2), "%lld", json_integer_value(json_object_get(ct, "active")));
	snprintf(n3, sizeof(n3), "%lld", json_integer_value(json_object_get(json_object_get(res, "layers"), "total")));
	t = table_new(5);
	table_add(t, (const char *[]){ "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE" });
	table_add(t, (const char *[]){ "Images", n1, a1, s1, s2 });
	table_add(t, (const char *[]){ "Layers", n3, "", "", "" });
	table_add(t, (const char *[]){ "Containers", n2, a2, s3, "" });
	table_print(t);
	table_free(t);
	json_decref(res);
	return 0;
}

static const char system_usage[] =
	"Usage: lite system COMMAND\n\nCommands:\n  df      Show disk usage\n  info    Show engine information\n"
	"  prune   Remove unused data\n  events  Show the engine's events\n";

int
cmd_system(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "df")) {
		optind = 0;
		return system_df(argc - 1, argv + 1);
	}
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		client_usage_exit(system_usage, 0);
	if (argc < 2)
		client_errorf("\"lite system\" requires a command: df, info, prune or events");
	else
		client_errorf("unknown command \"system %s\"; see 'lite system --help'", argv[1]);
	client_usage_exit(system_usage, EXIT_ENGINE);
}
