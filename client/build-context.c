/* lite build: the context directory, read on the client. A source path is
 * resolved only below the context (a ".." that leaves it is refused, and
 * so is a symlink on the way: openat2 RESOLVE_BENEATH), .dockerignore'd
 * paths do not exist for COPY, and wildcards match like Docker's
 * (filepath.Match per segment). The digest that keys COPY's cache covers
 * paths, types, modes, link targets and contents, not mtimes or owners, so
 * a fresh checkout of the same files is still a cache hit. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "strv.h"

/* A whole (small) file as a string. */
static int
read_text(int fd, char **ret)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 < cap)
			continue;
		if (!(nb = realloc(buf, cap * 2))) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		cap *= 2;
	}
	buf[len] = '\0';
	*ret = buf;
	return 0;
}

int
build_context_read(const struct build_ctx *ctx, const char *rel, char **ret)
{
	/* beneath the context: a symlink may lead elsewhere in it, not out */
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, ctx->dirfd, rel, &how, sizeof(how)), r;

	if (fd < 0)
		return -errno;
	r = read_text(fd, ret);
	close(fd);
	return r;
}

int
build_context_open(struct build_ctx *ctx, const char *dir)
{
	struct lite_err err = { 0 };
	char *text = NULL;
	int r;

	memset(ctx, 0, sizeof(*ctx));
	ctx->dirfd = -1;
	if (!dir)
		return 0;
	ctx->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx->dirfd < 0) {
		client_errorf("unable to prepare context: path \"%s\" not found", dir);
		return -1;
	}
	r = build_context_read(ctx, ".dockerignore", &text);
	if (r == -ENOENT)
		return 0;
	if (r < 0 || dockerignore_parse(text, &ctx->ignore, &err) < 0) {
		client_errorf("cannot read .dockerignore: %s",
			      err.msg ? err.msg : r == -EXDEV ? "a symlink that leaves the build context" : strerror(-r));
		lite_err_clear(&err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

void
build_context_close(struct build_ctx *ctx)
{
	if (ctx->dirfd >= 0)
		close(ctx->dirfd);
	dockerignore_free(&ctx->ignore);
}

/* Open rel below the context, never leaving it (no "..", no symlink out). */
static int
open_beneath(struct build *b, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, b->ctx.dirfd, rel, &how, sizeof(how));
}

bool
build_context_is_dir(struct build *b, const char *rel)
{
	struct stat st;

	return fstatat(b->ctx.dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory rel, sorted (deterministic tars and digests). */
static char **
list_dir(struct build *b, const char *rel)
{
	int fd = open_beneath(b, rel, O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **v = strv_new(NULL, NULL);
	size_t n = 0;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return v;
	}
	while (v && (de = readdir(d))) {
		char **nv;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		nv = realloc(v, (n + 2) * sizeof(char *));
		if (!nv)
			break;
		v = nv;
		v[n++] = strdup(de->d_name);
		v[n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(char *), cmp_str);
	return v;
}

/* Call fn for rel and, for a directory, everything below it that
 * .dockerignore leaves in, parents before children. */
int
build_context_walk(struct build *b, const char *rel, int (*fn)(struct build *, const char *, void *), void *arg)
{
	char **names;
	int r;

	if (strcmp(rel, ".") && dockerignore_excluded(&b->ctx.ignore, rel) &&
	    !(build_context_is_dir(b, rel) && dockerignore_has_exceptions(&b->ctx.ignore)))
		return 0;
	if (strcmp(rel, ".") && !dockerignore_excluded(&b->ctx.ignore, rel) && (r = fn(b, rel, arg)) < 0)
		return r;
	if (!build_context_is_dir(b, rel))
		return 0;
	names = list_dir(b, rel);
	r = names ? 0 : -ENOMEM;
	for (char **p = names; r == 0 && p && *p; p++) {
		char *child = NULL;

		if (asprintf(&child, "%s/%s", rel, *p) < 0)
			r = -ENOMEM;
		else
			r = build_context_walk(b, strcmp(rel, ".") ? child : *p, fn, arg);
		free(child);
	}
	strv_free(names);
	return r;
}

/* Clean a source path; NULL when it leaves the context. */
static char *
clean_src(const char *src)
{
	char *s = strdup(src[0] == '/' ? src + 1 : src);
	int depth = 0;

	for (const char *p = s; s && *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2) && --depth < 0) {
			free(s);
			return NULL;
		}
		if (n && !(n == 1 && *p == '.') && !(n == 2 && !strncmp(p, "..", 2)))
			depth++;
		p += n + (p[n] == '/');
	}
	if (s)
		dockerignore_clean(s);
	return s;
}

struct glob_state {
	const char *pattern;
	char **found;
	size_t n;
};

static int
glob_one(struct build *b, const char *rel, void *arg)
{
	struct glob_state *g = arg;
	char **nv;

	(void)b;
	if (!dockerignore_glob(g->pattern, rel))
		return 0;
	nv = realloc(g->found, (g->n + 2) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	g->found = nv;
	nv[g->n++] = strdup(rel);
	nv[g->n] = NULL;
	return 0;
}

int
build_context_match(struct build *b, const char *src, char ***ret)
{
	struct glob_state g = { 0 };
	char *s = clean_src(src);
	struct stat st;
	int fd;

	if (!s)
		return build_fail(b, "forbidden path outside the build context: %s", src);
	if (b->ctx.dirfd < 0) {
		free(s);
		return build_fail(b, "no build context: %s cannot be copied (the Dockerfile came from stdin)", src);
	}
	if (strpbrk(s, "*?[")) {
		g.pattern = s;
		build_context_walk(b, ".", glob_one, &g);
		free(s);
		if (!g.n)
			return build_fail(b, "no source files were specified (%s matches nothing)", src);
		*ret = g.found;
		return 0;
	}
	fd = strcmp(s, ".") ? open_beneath(b, s, O_PATH | O_NOFOLLOW) : dup(b->ctx.dirfd);
	if (fd < 0 || fstat(fd, &st) < 0 || (strcmp(s, ".") && dockerignore_excluded(&b->ctx.ignore, s))) {
		if (fd >= 0)
			close(fd);
		free(s);
		return build_fail(b, "file not found in build context or excluded by .dockerignore: %s", src);
	}
	close(fd);
	*ret = strv_new(s, NULL);
	free(s);
	return 0;
}

int
build_context_resolve(struct build *b, const char *rel, char **ret)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	char proc[64], root[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n, m;
	size_t len;
	int fd;

	if (fstatat(b->ctx.dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return (*ret = strdup(rel)) ? 0 : -1;
	/* a link named as a source: what it points to, inside the context
	 * (an absolute target is taken from the context's root, as Docker
	 * does) */
	fd = (int)syscall(SYS_openat2, b->ctx.dirfd, rel, &how, sizeof(how));
	if (fd < 0)
		return build_fail(b, "%s: a symlink to a path not found in the build context", rel);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, target, sizeof(target) - 1);
	close(fd);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", b->ctx.dirfd);
	m = readlink(proc, root, sizeof(root) - 1);
	if (n < 0 || m < 0)
		return build_fail(b, "cannot resolve %s: %s", rel, strerror(errno));
	target[n] = root[m] = '\0';
	len = strlen(root);
	if (!strcmp(target, root))
		*ret = strdup(".");
	else if (!strncmp(target, root, len) && target[len] == '/')
		*ret = strdup(target + len + 1);
	else
		return build_fail(b, "%s: a symlink that leaves the build context", rel);
	return *ret ? 0 : -1;
}

static int
hash_one(struct build *b, const char *rel, void *arg)
{
	struct sha256_ctx *h = arg;
	char head[64], buf[65536], link[4096];
	struct stat st;
	ssize_t n;
	int fd;

	if (fstatat(b->ctx.dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return build_fail(b, "cannot read %s: %s", rel, strerror(errno));
	sha256_update(h, strlen(rel) + 1, (const uint8_t *)rel);
	snprintf(head, sizeof(head), "%o %lld", (unsigned)st.st_mode, (long long)st.st_size);
	sha256_update(h, strlen(head) + 1, (const uint8_t *)head);
	if (S_ISLNK(st.st_mode) && (n = readlinkat(b->ctx.dirfd, rel, link, sizeof(link))) > 0)
		sha256_update(h, (size_t)n, (const uint8_t *)link);
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((fd = open_beneath(b, rel, O_RDONLY | O_NOFOLLOW)) < 0)
		return build_fail(b, "cannot read %s: %s", rel, strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(h, (size_t)n, (const uint8_t *)buf);
	close(fd);
	return n < 0 ? build_fail(b, "cannot read %s", rel) : 0;
}

int
build_context_digest(struct build *b, char **paths, char ret_hex[65])
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&h);
	for (char **p = paths; *p; p++)
		if (build_context_walk(b, *p, hash_one, &h) < 0)
			return -1;
	sha256_digest(&h, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(ret_hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}
