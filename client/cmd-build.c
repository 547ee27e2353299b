/* lite build: flags, the context and the Dockerfile, the result (tags,
 * --iidfile, "Successfully built"). The builder: build.h. */
#include "build.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "strv.h"
#include "valid.h"

static const char build_usage[] =
	"Usage: lite build [OPTIONS] CONTEXT|-\n\n"
	"Build an image from a Dockerfile.\n\n"
	"Options:\n"
	"  -t, --tag NAME[:TAG]     name the image (repeatable)\n"
	"  -f, --file PATH          the Dockerfile (default CONTEXT/Dockerfile; - reads it from stdin)\n"
	"      --build-arg K=V      set a build-time variable (repeatable; K alone takes it from the environment)\n"
	"      --target STAGE       build up to this stage\n"
	"      --no-cache           do not use the build cache\n"
	"      --pull               always pull the base images\n"
	"      --label K=V          add a label to the image (repeatable)\n"
	"      --network MODE       RUN's network: bridge (default), none, host (root only)\n"
	"  -q, --quiet              print only the image id\n"
	"      --iidfile FILE       write the image id to FILE\n"
	"      --progress MODE      plain (every step's output) or tty (one line per step); default: tty on a terminal\n"
	"  -h, --help               this help\n\n"
	"CONTEXT - reads a context tar (or a Dockerfile alone) from stdin. .dockerignore in the context\n"
	"leaves files out. Build cache: lite builder prune.\n";

static int
key_value(json_t *obj, const char *arg, const char *flag, bool from_env)
{
	const char *eq = strchr(arg, '=');
	char key[256];

	if ((!eq && !from_env) || eq == arg || (eq ? (size_t)(eq - arg) : strlen(arg)) >= sizeof(key)) {
		client_errorf("%s: expected KEY=VALUE, got '%s'", flag, arg);
		return -1;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
	if (eq)
		json_object_set_new(obj, key, json_string(eq + 1));
	else if (getenv(key))
		json_object_set_new(obj, key, json_string(getenv(key)));
	return 0;
}

static char **
append_tag(char **v, const char *s)
{
	size_t n = strv_length(v);
	char **nv = realloc(v, (n + 2) * sizeof(char *));

	if (!nv)
		return v;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	return nv;
}

enum { OPT_BUILD_ARG = 400, OPT_TARGET, OPT_NO_CACHE, OPT_PULL, OPT_LABEL, OPT_NETWORK, OPT_IIDFILE, OPT_PROGRESS };

static int
parse_flags(int argc, char **argv, struct build_opts *o)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' }, { "file", required_argument, NULL, 'f' },
		{ "build-arg", required_argument, NULL, OPT_BUILD_ARG }, { "target", required_argument, NULL, OPT_TARGET },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE }, { "pull", no_argument, NULL, OPT_PULL },
		{ "label", required_argument, NULL, OPT_LABEL }, { "network", required_argument, NULL, OPT_NETWORK },
		{ "quiet", no_argument, NULL, 'q' }, { "iidfile", required_argument, NULL, OPT_IIDFILE },
		{ "progress", required_argument, NULL, OPT_PROGRESS }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	int c;

	o->progress = isatty(STDOUT_FILENO) ? BUILD_PROGRESS_TTY : BUILD_PROGRESS_PLAIN;
	while ((c = client_opt_get(&argc, argv, "t:f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!valid_image_ref(optarg)) {
				client_errorf("--tag: invalid reference format \"%s\": use lowercase NAME[:TAG]", optarg);
				return EXIT_ENGINE;
			}
			o->tags = append_tag(o->tags, optarg);
			break;
		case 'f': o->dockerfile = optarg; break;
		case OPT_BUILD_ARG:
			if (key_value(o->build_args, optarg, "--build-arg", true) < 0)
				return EXIT_ENGINE;
			break;
		case OPT_LABEL:
			if (key_value(o->labels, optarg, "--label", false) < 0)
				return EXIT_ENGINE;
			break;
		case OPT_TARGET: o->target = optarg; break;
		case OPT_NO_CACHE: o->no_cache = true; break;
		case OPT_PULL: o->pull = true; break;
		case OPT_NETWORK:
			if (strcmp(optarg, "bridge") && strcmp(optarg, "none") && strcmp(optarg, "host") &&
			    strcmp(optarg, "default")) {
				client_errorf("--network: expected bridge, none or host, got '%s'", optarg);
				return EXIT_ENGINE;
			}
			o->network = strcmp(optarg, "default") ? optarg : NULL;
			break;
		case 'q': o->quiet = true; break;
		case OPT_IIDFILE: o->iidfile = optarg; break;
		case OPT_PROGRESS:
			if (!strcmp(optarg, "plain"))
				o->progress = BUILD_PROGRESS_PLAIN;
			else if (!strcmp(optarg, "tty") || !strcmp(optarg, "auto"))
				o->progress = strcmp(optarg, "auto") || isatty(STDOUT_FILENO) ? BUILD_PROGRESS_TTY : BUILD_PROGRESS_PLAIN;
			else {
				client_errorf("--progress: expected plain, tty or auto, got '%s'", optarg);
				return EXIT_ENGINE;
			}
			break;
		case 'h': client_usage_exit(build_usage, 0);
		default: client_usage_exit(build_usage, EXIT_ENGINE);
		}
	}
	if (optind != argc - 1) {
		client_errorf("\"build\" requires exactly 1 argument: the context (a directory, or - for stdin)");
		return EXIT_ENGINE;
	}
	return 0;
}

/* A context tar on stdin, unpacked into a private temporary directory
 * (no absolute paths, no "..", no writes through symlinks; owned by us). */
/* An entry name of a context tar, below dir: refused when absolute or
 * when it climbs out with "..". */
static char *
below(const char *dir, const char *name)
{
	char *path = NULL;

	if (!name || name[0] == '/' || !strcmp(name, "..") || !strncmp(name, "../", 3) || strstr(name, "/../") ||
	    (strlen(name) >= 3 && !strcmp(name + strlen(name) - 3, "/..")))
		return NULL;
	return asprintf(&path, "%s/%s", dir, name) < 0 ? NULL : path;
}

static int
unpack_context(struct archive *in, const char *dir)
{
	int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
		    ARCHIVE_EXTRACT_SECURE_SYMLINKS;
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		char *path = below(dir, archive_entry_pathname(e)), *link = NULL;

		if (!path || (archive_entry_hardlink(e) && !(link = below(dir, archive_entry_hardlink(e))))) {
			client_errorf("context from stdin: bad entry %s", archive_entry_pathname(e));
			free(path);
			return -1;
		}
		archive_entry_set_pathname(e, path);
		if (link)
			archive_entry_set_hardlink(e, link);
		free(path);
		free(link);
		if (archive_read_extract(in, e, flags) != ARCHIVE_OK) {
			client_errorf("context from stdin: %s", archive_error_string(in));
			return -1;
		}
	}
	if (r != ARCHIVE_EOF)
		client_errorf("context from stdin: %s", archive_error_string(in));
	return r == ARCHIVE_EOF ? 0 : -1;
}

/* "-": stdin is a context tar (any compression) or a Dockerfile. Sets
 * *ret_dir to the unpacked context, or the Dockerfile's text. */
static int
read_stdin(struct build_opts *o, char *tmp, size_t len, bool *ret_dir)
{
	char *text = NULL;
	size_t n = 0;
	struct archive *in;
	int r = -1;
	FILE *mem = open_memstream(&text, &n);
	char buf[65536];
	size_t got;

	while (mem && (got = fread(buf, 1, sizeof(buf), stdin)) > 0)
		fwrite(buf, 1, got, mem);
	if (!mem || fclose(mem) != 0)
		return -1;
	in = archive_read_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	*ret_dir = archive_read_open_memory(in, text, n) == ARCHIVE_OK;
	if (*ret_dir) {
		snprintf(tmp, len, "%s/lite-build-XXXXXX", getenv("TMPDIR") ?: "/tmp");
		if (!mkdtemp(tmp)) {
			client_errorf("cannot create a directory for the context from stdin (%s): %s", tmp, strerror(errno));
			tmp[0] = '\0';
			*ret_dir = false;
		} else {
			build_signal_set_dir(tmp);
			r = unpack_context(in, tmp);
		}
	} else {
		o->dockerfile_text = text;
		text = NULL;
		r = 0;
	}
	archive_read_free(in);
	free(text);
	return r;
}

static char *
read_dockerfile(const struct build_ctx *ctx, const char *context, const char *path, bool in_context)
{
	char *text = NULL;
	size_t len;

	/* a context tar from stdin (the Docker Engine API's /build, `lite
	 * build -f NAME -`): -f names a file inside it, read beneath it */
	if (path && in_context && ctx->dirfd >= 0 && strcmp(path, "-")) {
		int r = build_context_read(ctx, path[0] == '/' ? path + 1 : path, &text);

		if (r < 0)
			client_errorf("cannot read the Dockerfile %s in the build context: %s", path,
				      r == -EXDEV ? "a symlink that leaves the build context" : strerror(-r));
		return r < 0 ? NULL : text;
	}

	if (path && !strcmp(path, "-")) {
		FILE *mem = open_memstream(&text, &len);
		char buf[65536];
		size_t got;

		while (mem && (got = fread(buf, 1, sizeof(buf), stdin)) > 0)
			fwrite(buf, 1, got, mem);
		if (mem)
			fclose(mem);
		return text;
	}
	if (!path && ctx->dirfd >= 0) {
		/* the context's own Dockerfile: read beneath the context */
		const char *name = "Dockerfile";
		int r = build_context_read(ctx, name, &text);

		if (r == -ENOENT)
			r = build_context_read(ctx, name = "dockerfile", &text);
		if (r < 0)
			client_errorf("cannot read the Dockerfile %s/Dockerfile: %s", context,
				      r == -EXDEV ? "a symlink that leaves the build context" : strerror(-r));
		return r < 0 ? NULL : text;
	}
	if (!path || fs_read_file(path, &text, &len) < 0)
		client_errorf("cannot read the Dockerfile %s: %s", path ? path : "?", strerror(path ? errno : ENOENT));
	return text;
}

static int
tag_all(const struct build_opts *o, const char *id)
{
	for (char **t = o->tags; t && *t; t++) {
		json_t *res = NULL;

		if (client_call_once("tag", json_pack("{s:s,s:s}", "source", id, "target", *t), &res) < 0)
			return -1;
		json_decref(res);
		build_say(NULL, "Successfully tagged %s\n", *t);
	}
	return 0;
}

static void
warn_unused_args(struct build *b)
{
	const char *k;
	json_t *v;

	json_object_foreach(b->o->build_args, k, v)
		if (!json_object_get(b->used_args, k) && !json_object_get(b->global_args, k) && !build_expand_is_proxy(k))
			fprintf(stderr, "[Warning] One or more build-args [%s] were not consumed\n", k);
}

static int
build(struct build_opts *o, const char *context)
{
	struct build b = { .o = o, .global_args = json_object(), .used_args = json_object() };
	struct lite_err err = { 0 };
	char *text = NULL, *id = NULL;
	int r = build_context_open(&b.ctx, context);

	if (r == 0)
		text = o->dockerfile_text ? o->dockerfile_text : read_dockerfile(&b.ctx, context, o->dockerfile, o->context_stdin);
	if (r == 0 && !text)
		r = -1;
	if (r == 0 && dockerfile_parse(text, &b.df, &err) < 0)
		r = build_fail(NULL, "Dockerfile parse error %s", err.msg);
	if (r == 0 && b.df.empty_continuation && !o->quiet)
		fprintf(stderr, "lite: warning: Dockerfile:%u: empty continuation line (skipped; a future Docker may "
				"refuse it)\n", b.df.empty_continuation);
	if (r == 0 && b.df.syntax && !o->quiet)
		fprintf(stderr, "lite: note: # syntax=%s ignored: lite builds with its own frontend\n", b.df.syntax);
	if (r == 0)
		r = build_stages_run(&b, &id);
	if (r == 0)
		warn_unused_args(&b);
	if (r == 0)
		build_say(NULL, "Successfully built %.12s\n", id + strlen("sha256:"));
	if (r == 0)
		r = tag_all(o, id);
	if (r == 0 && o->iidfile && fs_write_file_atomic(o->iidfile, id, strlen(id), 0644) < 0)
		r = build_fail(NULL, "--iidfile: cannot write %s: %s", o->iidfile, strerror(errno));
	if (r == 0 && o->quiet)
		printf("%s\n", id);
	if (text && b.df.v)
		dockerfile_free(&b.df);
	build_context_close(&b.ctx);
	build_stages_free(&b);
	json_decref(b.global_args);
	json_decref(b.used_args);
	lite_err_clear(&err);
	free(text);
	free(id);
	return r;
}

/* The stdin context's directories made writable for their owner (a tar
 * with 0555 directories, unpacked by a user other than root, could not be
 * removed otherwise). */
static void
make_writable(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct stat st;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		(void)!fchmodat(dirfd(d), de->d_name, (st.st_mode & 07777) | 0700, 0);
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			make_writable(fd);
	}
	closedir(d);
}

static void
remove_context(const char *dir)
{
	struct stat st;
	int fd;

	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		(void)!chmod(dir, (st.st_mode & 07777) | 0700);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
			make_writable(fd);
	}
	(void)fs_rm_rf(dir);
}

int
cmd_build_main(int argc, char **argv)
{
	struct build_opts o = { .build_args = json_object(), .labels = json_object() };
	char tmp[4096] = "";
	const char *context;
	bool unpacked = false;
	int r = parse_flags(argc, argv, &o);

	if (r == 0) {
		build_signal_install();
		context = argv[optind];
		if (!strcmp(context, "-") && o.dockerfile && !strcmp(o.dockerfile, "-")) {
			client_errorf("the context and the Dockerfile cannot both come from stdin");
			r = EXIT_ENGINE;
		} else if (!strcmp(context, "-")) {
			r = read_stdin(&o, tmp, sizeof(tmp), &unpacked) < 0 ? 1 : 0;
			context = unpacked ? tmp : NULL;
			o.context_stdin = unpacked;
		}
		build_set_quiet(o.quiet);
		if (r == 0)
			r = build(&o, context) < 0 ? 1 : 0;
	}
	build_signal_set_dir(NULL);
	if (unpacked)
		remove_context(tmp);
	json_decref(o.build_args);
	json_decref(o.labels);
	strv_free(o.tags);
	return r;
}

static const char builder_usage[] =
	"Usage: lite builder prune [OPTIONS]\n\n"
	"Remove the build cache: the images lite build keeps to reuse steps (your own; root: -a for everyone's).\n\n"
	"Options:\n"
	"  -a, --all     every user's cache (root only)\n"
	"  -f, --force   do not prompt for confirmation\n"
	"  -h, --help    this help\n";

int
cmd_build_prune(int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	bool all = false, force = false;
	json_t *res = NULL;
	char answer[16] = "";
	int c;

	if (argc < 2 || strcmp(argv[1], "prune"))
		client_usage_exit(builder_usage, argc < 2 || strcmp(argv[1], "--help") ? EXIT_ENGINE : 0);
	argc--, argv++;
	optind = 0;
	while ((c = client_opt_get(&argc, argv, "afh", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'f': force = true; break;
		case 'h': client_usage_exit(builder_usage, 0);
		default: client_usage_exit(builder_usage, EXIT_ENGINE);
		}
	}
	if (!force) {
		fputs("WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ", stdout);
		fflush(stdout);
		if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
			return 0;
	}
	if (client_call_once("builder_prune", json_pack("{s:b}", "all", all), &res) < 0)
		return 1;
	printf("Deleted build cache entries: %lld\n", (long long)json_integer_value(json_object_get(res, "entries")));
	json_decref(res);
	return 0;
}
