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
#include "filter.h"
#include "format.h"
#include "out-format.h"
#include "table.h"
#include "valid.h"

static const char images_usage[] =
	"Usage: lite images [OPTIONS] [REPOSITORY[:TAG]]\n\nList images.\n\n"
	"Options:\n"
	"  -a, --all           all images (lite keeps no intermediate ones: the same list)\n"
	"  -q, --quiet         only print image ids\n"
	"  -f, --filter K=V    dangling=true|false, label=K[=V], before=IMAGE, since=IMAGE,\n"
	"                      reference=GLOB (e.g. 'busy*:*') (repeatable)\n"
	"      --format F      json (one object a line), or a template: {{.Repository}} {{.Tag}}\n"
	"                      {{.ID}} {{.Digest}} {{.CreatedSince}} {{.CreatedAt}} {{.Size}}; \"table \" adds a header\n"
	"      --no-trunc      full image ids\n"
	"      --digests       show digests\n"
	"  -h, --help          this help\n";

static const char *const images_keys[] = { "dangling", "label!", "before", "since", "reference", NULL };

struct images_opts {
	bool quiet, no_trunc, digests;
	const char *format, *ref; /* ref: the REPOSITORY[:TAG] argument */
	struct filter_set fs;
	json_t *list;             /* the daemon's reply, for before=/since= */
};

/* One row: an image under one of its tags (or none). */
struct image_row {
	json_t *img, *details;    /* details: image_inspect's reply, when asked */
	const char *repo, *tag;   /* "<none>" when untagged */
};

/* created of the image ref (NAME[:TAG] or id prefix) names in list, or -1. */
static int64_t
image_created(json_t *list, const char *ref)
{
	char with_tag[300];
	json_t *img, *t;
	size_t i, j;

	snprintf(with_tag, sizeof(with_tag), "%s%s", ref, strchr(ref, ':') ? "" : ":latest");
	json_array_foreach(list, i, img) {
		const char *id = json_string_value(json_object_get(img, "id")) ?: "";

		json_array_foreach(json_object_get(img, "repo_tags"), j, t)
			if (!strcmp(json_string_value(t), ref) || !strcmp(json_string_value(t), with_tag))
				return json_integer_value(json_object_get(img, "created"));
		if (strlen(ref) >= 3 && (!strncmp(id, ref, strlen(ref)) || !strncmp(id + 7, ref, strlen(ref))))
			return json_integer_value(json_object_get(img, "created"));
	}
	return -1;
}

struct images_ctx {
	const struct images_opts *o;
	const struct image_row *r;
};

static bool
images_match(const char *key, const char *value, void *ctx)
{
	struct images_ctx *c = ctx;
	const struct image_row *r = c->r;
	int64_t created = json_integer_value(json_object_get(r->img, "created"));
	char full[600];
	bool b = false;

	if (!strcmp(key, "dangling"))
		return filter_bool(value, &b) == 0 && b == (json_array_size(json_object_get(r->img, "repo_tags")) == 0);
	if (!strcmp(key, "label"))
		return filter_label(json_object_get(json_object_get(r->details, "Config"), "Labels"), value);
	if (!strcmp(key, "before"))
		return created < image_created(c->o->list, value);
	if (!strcmp(key, "since"))
		return created > image_created(c->o->list, value);
	if (!strcmp(key, "reference")) {
		snprintf(full, sizeof(full), "%s:%s", r->repo, r->tag);
		return filter_glob(value, r->repo) || filter_glob(value, full);
	}
	return false;
}

/* The REPOSITORY[:TAG] argument: the repository, and the tag if given. */
static bool
ref_match(const char *ref, const struct image_row *r)
{
	const char *colon = strrchr(ref, ':');
	size_t n = colon && !strchr(colon, '/') ? (size_t)(colon - ref) : strlen(ref);

	if (strlen(r->repo) != n || strncmp(r->repo, ref, n))
		return false;
	return n == strlen(ref) || !strcmp(r->tag, ref + n + 1);
}

/* The first repo digest, or "<none>". */
static const char *
row_digest(const struct image_row *r)
{
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(r->details, "RepoDigests"), i, d) {
		const char *at = strchr(json_string_value(d) ?: "", '@');

		if (at)
			return at + 1;
	}
	return "<none>";
}

/* Docker's keys for a row (--format); json keeps lite's "Created" and "Layers" too. */
static json_t *
docker_image(const struct image_row *r, const char *id, int64_t now)
{
	time_t t = (time_t)json_integer_value(json_object_get(r->img, "created"));
	char at[64], since[64], size[32];

	strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S +0000 UTC", gmtime(&t));
	format_ago(now - (int64_t)t, since, sizeof(since));
	format_size((uint64_t)json_integer_value(json_object_get(r->img, "size")), size, sizeof(size));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:s, s:O}", "ID", id, "Repository", r->repo,
			 "Tag", r->tag, "Digest", row_digest(r), "CreatedSince", since, "CreatedAt", at,
			 "Created", json_object_get(r->img, "created"), "Size", json_object_get(r->img, "size"),
			 "VirtualSize", size, "Layers", json_object_get(r->img, "layers"));
}

static int
images_parse(int argc, char **argv, struct images_opts *o)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'F' }, { "all", no_argument, NULL, 'a' },
		{ "filter", required_argument, NULL, 'f' }, { "no-trunc", no_argument, NULL, 'T' },
		{ "digests", no_argument, NULL, 'D' }, { 0 },
	};
	char err[512];
	int c;

	while ((c = client_opt_get(&argc, argv, "qahf:", opts, NULL)) != -1) {
		switch (c) {
		case 'q': o->quiet = true; break;
		case 'a': break;
		case 'T': o->no_trunc = true; break;
		case 'D': o->digests = true; break;
		case 'F': o->format = optarg; break;
		case 'f':
			if (filter_add(&o->fs, optarg, images_keys, err, sizeof(err)) < 0)
				return client_errorf("%s", err), EXIT_ENGINE;
			break;
		case 'h': client_usage_exit(images_usage, 0);
		default: client_usage_exit(images_usage, EXIT_ENGINE);
		}
	}
	if (argc - optind > 1)
		return client_errorf("\"lite images\" accepts at most 1 argument: REPOSITORY[:TAG]"), EXIT_ENGINE;
	o->ref = optind < argc ? argv[optind] : NULL;
	return 0;
}

/* Check before=/since= name images in the list. */
static int
images_check(const struct images_opts *o)
{
	for (size_t i = 0; i < o->fs.n; i++)
		if ((!strcmp(o->fs.f[i].key, "before") || !strcmp(o->fs.f[i].key, "since")) &&
		    image_created(o->list, o->fs.f[i].value) < 0)
			return client_errorf("invalid --filter %s=%s: no such image", o->fs.f[i].key, o->fs.f[i].value), -1;
	return 0;
}

/* Emit one row; 0, or -1 after a template error. */
static int
images_row(const struct images_opts *o, const struct image_row *r, struct table *t, struct out_format *of, int64_t now)
{
	const char *id = json_string_value(json_object_get(r->img, "id")) ?: "";
	struct images_ctx ctx = { o, r };
	char short_id[80], created[64], size[32];
	json_t *row;
	int rc = 0;

	if ((o->ref && !ref_match(o->ref, r)) || !filter_match(&o->fs, images_match, &ctx))
		return 0;
	if (o->no_trunc)
		snprintf(short_id, sizeof(short_id), "%s", id);
	else
		snprintf(short_id, sizeof(short_id), "%.12s", strchr(id, ':') ? strchr(id, ':') + 1 : id);
	if (o->quiet) {
		printf("%s\n", short_id);
		return 0;
	}
	if (o->format) {
		row = docker_image(r, strcmp(o->format, "json") ? short_id : id, now);
		rc = out_format_row(of, row);
		json_decref(row);
		return rc;
	}
	format_ago(now - json_integer_value(json_object_get(r->img, "created")), created, sizeof(created));
	format_size((uint64_t)json_integer_value(json_object_get(r->img, "size")), size, sizeof(size));
	if (o->digests)
		table_add(t, (const char *[]){ r->repo, r->tag, row_digest(r), short_id, created, size });
	else
		table_add(t, (const char *[]){ r->repo, r->tag, short_id, created, size });
	return 0;
}

int
cmd_images(int argc, char **argv)
{
	struct images_opts o = { 0 };
	struct out_format of;
	json_t *img, *tag;
	struct table *t;
	int64_t now = time(NULL);
	bool details;
	size_t i, j;
	int rc;

	if ((rc = images_parse(argc, argv, &o)))
		return rc;
	if (client_call_once("images", NULL, &o.list) < 0)
		return 1;
	if (images_check(&o) < 0) {
		json_decref(o.list);
		return EXIT_ENGINE;
	}
	/* labels and digests are in each image's config: ask only when needed */
	details = o.digests || filter_has(&o.fs, "label") || (o.format && strstr(o.format, "Digest"));
	if (o.format && !o.quiet)
		out_format_init(&of, o.format);
	t = table_new(o.digests ? 6 : 5);
	if (o.digests)
		table_add(t, (const char *[]){ "REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE" });
	else
		table_add(t, (const char *[]){ "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE" });
	json_array_foreach(o.list, i, img) {
		json_t *tags = json_object_get(img, "repo_tags"), *det = NULL;
		bool seen_q = false;

		if (details)
			(void)client_call_once("image_inspect", json_pack("{s:O}", "image", json_object_get(img, "id")), &det);
		for (j = 0; j < (json_array_size(tags) ? json_array_size(tags) : 1); j++) {
			char repo[256];
			const char *colon;
			struct image_row r = { img, det, "<none>", "<none>" };

			if ((tag = json_array_get(tags, j))) {
				snprintf(repo, sizeof(repo), "%s", json_string_value(tag));
				colon = strrchr(repo, ':');
				if (colon && !strchr(colon, '/'))
					repo[colon - repo] = '\0';
				r.repo = repo;
				r.tag = colon && !strchr(colon, '/') ? colon + 1 : "latest";
			}
			if (o.quiet && seen_q && !o.ref && !o.fs.n)
				continue; /* -q: an id once */
			seen_q = true;
			if (images_row(&o, &r, t, &of, now) < 0)
				rc = 1;
		}
		json_decref(det);
	}
	if (o.format && !o.quiet)
		out_format_end(&of);
	else if (!o.quiet)
		table_print(t);
	table_free(t);
	json_decref(o.list);
	return rc;
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
