/* lite build: COPY and ADD. The client writes the step's layer as a tar
 * (libarchive) and streams it with image_derive; lite-image unpacks it
 * with the same safe extraction as load, and gives the parent directories
 * the tar does not hold the metadata they have in the parent image (so a
 * COPY into /tmp leaves /tmp 1777). Docker's rules: a source directory's
 * contents are copied, not the directory; several sources need a
 * destination ending in '/'; a relative destination is below WORKDIR;
 * files are owned by root unless --chown (numbers, or names from the
 * image's /etc/passwd and /etc/group), modes kept unless --chmod. ADD
 * also unpacks a local tar archive (any compression libarchive reads)
 * into the destination; ADD of a URL is refused: lite builds without the
 * network, and a URL's content is not pinned (use RUN with curl or wget,
 * or COPY a downloaded file). --from reads a stage's or an image's files
 * through cp_from of a container made from it (never started). */
#include "build.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "passwd.h"
#include "strv.h"

struct copy {
	struct build *b;
	char **srcs;          /* context paths, or paths in the --from image */
	char **names;         /* context sources as named (a link: srcs has its target) */
	char *dest;           /* absolute, as written (a trailing '/' kept) */
	bool dest_dir;        /* dest ends in '/' (or must be a directory) */
	bool add;
	long uid, gid;        /* --chown, or -1 */
	long mode;            /* --chmod, or -1 */
	const char *from_ctr; /* --from: the container to read */
	struct archive *out;
};

/* dest/sub without doubled slashes, relative for the tar. */
static char *
join(const char *dest, const char *sub)
{
	char *s = NULL;

	while (*dest == '/')
		dest++;
	if (asprintf(&s, "%s%s%s", dest, *dest && *sub && dest[strlen(dest) - 1] != '/' ? "/" : "", sub) < 0)
		return NULL;
	return s;
}

static void
apply_owner_mode(struct copy *cp, struct archive_entry *e)
{
	archive_entry_set_uid(e, cp->uid >= 0 ? cp->uid : 0);
	archive_entry_set_gid(e, cp->gid >= 0 ? cp->gid : 0);
	archive_entry_set_uname(e, "");
	archive_entry_set_gname(e, "");
	if (cp->mode >= 0 && archive_entry_filetype(e) != AE_IFLNK)
		archive_entry_set_perm(e, (mode_t)cp->mode);
}

static int
write_data_fd(struct copy *cp, int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(cp->out, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

/* One context file as the tar entry name. */
static int
put_context_entry(struct copy *cp, const char *rel, const char *name)
{
	struct archive_entry *e = archive_entry_new();
	char link[4096];
	struct stat st;
	ssize_t n;
	int r = 0, fd = -1;

	if (!e || fstatat(cp->b->ctx.dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		archive_entry_free(e);
		return -1;
	}
	archive_entry_copy_stat(e, &st);
	archive_entry_set_pathname(e, name);
	if (S_ISLNK(st.st_mode) && (n = readlinkat(cp->b->ctx.dirfd, rel, link, sizeof(link) - 1)) >= 0) {
		link[n] = '\0';
		archive_entry_set_symlink(e, link);
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) {
		archive_entry_free(e);
		return 0;   /* sockets, fifos, devices: not build material */
	}
	apply_owner_mode(cp, e);
	if (S_ISREG(st.st_mode) && (fd = openat(cp->b->ctx.dirfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		r = -1;
	if (r == 0 && archive_write_header(cp->out, e) != ARCHIVE_OK)
		r = -1;
	if (r == 0 && fd >= 0)
		r = write_data_fd(cp, fd);
	if (fd >= 0)
		close(fd);
	archive_entry_free(e);
	return r;
}

struct tree_walk {
	struct copy *cp;
	const char *top;     /* the source directory */
	const char *dest;
};

static int
put_tree_entry(struct build *b, const char *rel, void *arg)
{
	struct tree_walk *w = arg;
	char *name;
	int r;

	(void)b;
	if (!strcmp(rel, w->top))
		return 0;   /* a directory's contents, not the directory */
	/* the context's own root ("COPY . /app"): its walk names children
	 * "f", not "./f" */
	name = join(w->dest, rel + (strcmp(w->top, ".") ? strlen(w->top) + 1 : 0));
	r = name ? put_context_entry(w->cp, rel, name) : -1;
	free(name);
	return r;
}

/* ADD of a local archive: its entries below dest. 1: it was not one. */
static int
put_archive(struct copy *cp, const char *rel, const char *dest)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	int fd = openat(cp->b->ctx.dirfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r;

	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	if (fd < 0 || archive_read_open_fd(in, fd, 65536) != ARCHIVE_OK ||
	    archive_read_next_header(in, &e) != ARCHIVE_OK) {
		archive_read_free(in);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	do {
		char *name = join(dest, archive_entry_pathname(e));
		const char *hl = archive_entry_hardlink(e);
		const void *buf;
		size_t len;
		la_int64_t off;

		archive_entry_set_pathname(e, name);
		free(name);
		if (hl) {
			/* a hard link names its target: below dest too */
			name = join(dest, hl);
			archive_entry_set_hardlink(e, name);
			free(name);
		}
		if (cp->uid >= 0 || cp->gid >= 0) {
			archive_entry_set_uid(e, cp->uid >= 0 ? cp->uid : 0);
			archive_entry_set_gid(e, cp->gid >= 0 ? cp->gid : 0);
			archive_entry_set_uname(e, "");
			archive_entry_set_gname(e, "");
		}
		if (cp->mode >= 0 && archive_entry_filetype(e) != AE_IFLNK)
			archive_entry_set_perm(e, (mode_t)cp->mode);
		r = archive_write_header(cp->out, e) == ARCHIVE_OK ? 0 : -1;
		while (r == 0 && (r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
			r = archive_write_data(cp->out, buf, len) < 0 ? -1 : 0;
		r = r == ARCHIVE_EOF || r == 0 ? 0 : -1;
	} while (r == 0 && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK);
	r = r == ARCHIVE_EOF ? 0 : -1;
	archive_read_free(in);
	close(fd);
	return r;
}

static int
put_context_src(struct copy *cp, const char *rel, const char *named)
{
	struct tree_walk w = { .cp = cp, .top = rel, .dest = cp->dest };
	const char *base = strrchr(named, '/') ? strrchr(named, '/') + 1 : named;
	char *name;
	int r;

	if (build_context_is_dir(cp->b, rel))
		return build_context_walk(cp->b, rel, put_tree_entry, &w);
	if (cp->add && (r = put_archive(cp, rel, cp->dest)) <= 0)
		return r;
	name = cp->dest_dir ? join(cp->dest, base) : join(cp->dest, "");
	r = name ? put_context_entry(cp, rel, name) : -1;
	free(name);
	return r;
}

/* libarchive reading what follows a reply line: the bytes the reply
 * brought along in c->buf first, then the socket. */
struct conn_reader {
	struct conn *c;
	bool buffered_done;
	char buf[65536];
};

static la_ssize_t
conn_read_cb(struct archive *a, void *arg, const void **data)
{
	struct conn_reader *cr = arg;
	ssize_t n;

	(void)a;
	if (!cr->buffered_done) {
		cr->buffered_done = true;
		if (cr->c->len) {
			*data = cr->c->buf;
			return (la_ssize_t)cr->c->len;
		}
	}
	n = read(cr->c->fd, cr->buf, sizeof(cr->buf));
	*data = cr->buf;
	return n < 0 ? -1 : n;
}

static int
conn_close_cb(struct archive *a, void *arg)
{
	(void)a;
	free(arg);
	return ARCHIVE_OK;
}

static int
open_conn_reader(struct archive *in, struct conn *c)
{
	struct conn_reader *cr = calloc(1, sizeof(*cr));

	if (!cr)
		return -1;
	cr->c = c;
	return archive_read_open(in, cr, NULL, conn_read_cb, conn_close_cb) == ARCHIVE_OK ? 0 : -1;
}

/* --from: cp_from's tar of src, its top entry BASE renamed to dest. */
static int
put_from_src(struct copy *cp, const char *src)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	json_t *res = NULL;
	struct conn c;
	int r = -1;

	if (conn_open(&c) < 0 ||
	    conn_call(&c, "cp_from", json_pack("{s:s,s:s}", "id", cp->from_ctr, "path", src), &res) < 0)
		goto out;
	bool dir = json_is_true(json_object_get(res, "dir"));
	const char *base = json_string_value(json_object_get(res, "name")) ?: "";
	size_t blen = strlen(base);

	archive_read_support_format_tar(in);
	r = open_conn_reader(in, &c);
	while (r == 0 && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);
		char *name;
		const void *buf;
		size_t len;
		la_int64_t off;

		if (strncmp(p, base, blen) || (p[blen] && p[blen] != '/'))
			continue;
		if (dir && (!p[blen] || !p[blen + 1])) {
			r = 0;
			continue;   /* the directory itself: its contents are copied */
		}
		name = dir ? join(cp->dest, p + blen + 1) : cp->dest_dir ? join(cp->dest, base) : join(cp->dest, "");
		archive_entry_set_pathname(e, name);
		free(name);
		apply_owner_mode(cp, e);
		r = archive_write_header(cp->out, e) == ARCHIVE_OK ? 0 : -1;
		while (r == 0 && (r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
			r = archive_write_data(cp->out, buf, len) < 0 ? -1 : 0;
		r = r == ARCHIVE_EOF || r == 0 ? 0 : -1;
	}
	r = r == ARCHIVE_EOF ? 0 : r;
out:
	archive_read_free(in);
	json_decref(res);
	conn_close(&c);
	return r;
}

static int
copy_upload(int fd, void *arg)
{
	struct copy *cp = arg;
	int r = 0;

	cp->out = archive_write_new();
	archive_write_set_format_pax_restricted(cp->out);
	if (archive_write_open_fd(cp->out, fd) != ARCHIVE_OK)
		r = -1;
	for (size_t i = 0; r == 0 && cp->srcs[i]; i++)
		r = cp->from_ctr ? put_from_src(cp, cp->srcs[i]) : put_context_src(cp, cp->srcs[i], cp->names[i]);
	if (archive_write_close(cp->out) != ARCHIVE_OK)
		r = -1;
	if (r < 0) {
		/* after the end marker, a block that is not one: the daemon
		 * refuses an upload that does not end with the marker, instead
		 * of making (and caching) a step that did not copy what it
		 * says (archive_write_fail would leak libarchive's buffer) */
		static const char poison[1024] = { [0 ... 1023] = 'x' };

		(void)!write(fd, poison, sizeof(poison));
	}
	archive_write_free(cp->out);
	if (r < 0)
		client_errorf("could not send the files of the step");
	return r;
}

/* A container made from image (never started), to read files from. */
static char *
reader_container(const char *image)
{
	json_t *res = NULL;
	char *id = NULL;

	if (client_call_once("create", json_pack("{s:s,s:[s],s:[],s:s}", "image", image, "cmd", "/lite-build-read",
						 "entrypoint", "network", "none"),
			     &res) == 0)
		id = strdup(json_string_value(json_object_get(res, "id")) ?: "");
	build_signal_add_container(id);
	json_decref(res);
	return id;
}

static void
drop_container(char *id)
{
	json_t *res = NULL;

	if (id && client_call_once("rm", json_pack("{s:s,s:b}", "id", id, "force", 1), &res) == 0)
		json_decref(res);
	build_signal_drop_container(id);
	free(id);
}

/* The text of a file of the current image (/etc/passwd), or "". */
static char *
image_file(struct build *b, const char *path)
{
	char *id = *b->cur->image ? reader_container(b->cur->image) : NULL, *text = NULL;
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	json_t *res = NULL;
	struct conn c = { .fd = -1 };

	archive_read_support_format_tar(in);
	if (id && conn_open(&c) == 0 && conn_call(&c, "cp_from", json_pack("{s:s,s:s}", "id", id, "path", path), &res) == 0 &&
	    open_conn_reader(in, &c) == 0 && archive_read_next_header(in, &e) == ARCHIVE_OK) {
		size_t size = (size_t)archive_entry_size(e);

		text = calloc(1, size + 1);
		if (text && archive_read_data(in, text, size) < 0)
			text[0] = '\0';
	}
	archive_read_free(in);
	json_decref(res);
	if (c.fd >= 0)
		conn_close(&c);
	drop_container(id);
	return text ? text : strdup("");
}

int
build_copy_owner(struct build *b, const char *spec, long *ret_uid, long *ret_gid)
{
	char user[256], group[256], *end;
	uid_t uid;
	gid_t gid;

	if (passwd_user_spec_split(spec, user, sizeof(user), group, sizeof(group)) < 0 || !*user)
		return build_fail(b, "bad user '%s' (USER[:GROUP])", spec);
	*ret_uid = strtol(user, &end, 10);
	if (*end || *ret_uid < 0) {
		char *passwd = image_file(b, "/etc/passwd");
		int r = passwd_lookup(passwd, user, &uid, &gid);

		free(passwd);
		if (r < 0)
			return build_fail(b, "unable to find user %s: no matching entries in passwd file", user);
		*ret_uid = uid;
		*ret_gid = gid;
	} else {
		*ret_gid = *ret_uid;
	}
	if (!*group)
		return 0;
	*ret_gid = strtol(group, &end, 10);
	if (*end || *ret_gid < 0) {
		char *groups = image_file(b, "/etc/group");
		int r = passwd_group_lookup(groups, group, &gid);

		free(groups);
		if (r < 0)
			return build_fail(b, "unable to find group %s: no matching entries in group file", group);
		*ret_gid = gid;
	}
	return 0;
}

/* --from=STAGE (a name or an index) or an image: the image id to read. */
static char *
from_image(struct build *b, const char *from)
{
	char *end, *id = NULL;
	long idx = strtol(from, &end, 10);
	json_t *cfg = NULL;

	for (size_t i = 0; i < b->n_stages && &b->stages[i] != b->cur; i++)
		if ((!*end && idx == (long)i) || (b->stages[i].name && !strcasecmp(b->stages[i].name, from)))
			return strdup(b->stages[i].image);
	/* an image missing here is pulled, as FROM's is */
	if ((b->o->pull && build_commit_pull(b, from) < 0) ||
	    (build_commit_inspect(from, &id, &cfg) < 0 &&
	     (b->o->pull || build_commit_pull(b, from) < 0 || build_commit_inspect(from, &id, &cfg) < 0))) {
		build_fail(b, "--from=%s: no such stage or image", from);
		return NULL;
	}
	json_decref(cfg);
	return id;
}

/* The sources: matched in the context, or as given in the --from image. */
static int
sources(struct copy *cp, char **words, size_t n)
{
	cp->srcs = strv_new(NULL, NULL);
	cp->names = strv_new(NULL, NULL);
	if (!cp->srcs || !cp->names)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char **m = NULL;
		size_t k = strv_length(cp->srcs);

		if (cp->add && (!strncmp(words[i], "http://", 7) || !strncmp(words[i], "https://", 8)))
			return build_fail(cp->b, "ADD from a URL is not supported (%s): download it with RUN, or COPY a "
						 "local file", words[i]);
		if (cp->from_ctr) {
			if (strpbrk(words[i], "*?["))
				return build_fail(cp->b, "COPY --from: wildcards are not supported (%s)", words[i]);
			m = strv_new(words[i], NULL);
		} else if (build_context_match(cp->b, words[i], &m) < 0) {
			return -1;
		}
		char **nv = realloc(cp->srcs, (k + strv_length(m) + 1) * sizeof(char *));
		char **nn = nv ? realloc(cp->names, (k + strv_length(m) + 1) * sizeof(char *)) : NULL;

		if (nv)
			cp->srcs = nv;
		if (!nn)
			return strv_free(m), -1;
		cp->names = nn;
		for (size_t j = 0; m[j]; j++, k++) {
			/* a symlink named as a source: its target is copied */
			nv[k + 1] = nn[k + 1] = NULL;
			nn[k] = m[j];
			m[j] = NULL;
			if (cp->from_ctr)
				nv[k] = strdup(nn[k]);
			else if (build_context_resolve(cp->b, nn[k], &nv[k]) < 0)
				nv[k] = NULL;
			if (!nv[k]) {
				for (j++; m[j]; j++)
					free(m[j]);
				free(m);
				return -1;
			}
		}
		free(m);
	}
	return 0;
}

static int
destination(struct copy *cp, const char *dest, size_t n_words)
{
	const char *wd = json_string_value(json_object_get(cp->b->cur->config, "WorkingDir"));

	if (dest[0] == '/')
		cp->dest = strdup(dest);
	else if (asprintf(&cp->dest, "%s/%s", wd && *wd ? wd : "", dest) < 0)
		cp->dest = NULL;
	if (!cp->dest)
		return -1;
	cp->dest_dir = cp->dest[strlen(cp->dest) - 1] == '/' || !strcmp(dest, ".");
	if ((n_words > 2 || strv_length(cp->srcs) > 1) && !cp->dest_dir)
		return build_fail(cp->b, "When using %s with more than one source file, the destination must be a "
					 "directory and end with a /", cp->add ? "ADD" : "COPY");
	return 0;
}

/* The sources, blank-separated (for --from: what the key and the history
 * name, since the image id alone does not say which files were copied). */
static char *
sources_text(struct copy *cp)
{
	size_t len = 1;
	char *t;

	for (char **s = cp->srcs; *s; s++)
		len += strlen(*s) + 1;
	if (!(t = calloc(1, len)))
		return NULL;
	for (char **s = cp->srcs; *s; s++) {
		if (s != cp->srcs)
			strcat(t, " ");
		strcat(t, *s);
	}
	return t;
}

static int
copy_key(struct copy *cp, const char *from_id, char **ret_extra)
{
	char hex[65] = "", *srcs = NULL;
	int r;

	if (!from_id && build_context_digest(cp->b, cp->srcs, hex) < 0)
		return -1;
	if (from_id && !(srcs = sources_text(cp)))
		return -1;
	for (size_t i = 0; !from_id && !srcs && cp->srcs[i]; i++)
		if (strcmp(cp->srcs[i], cp->names[i])) {
			char **saved = cp->srcs;

			/* a link as a source: its name names the copy */
			cp->srcs = cp->names;
			srcs = sources_text(cp);
			cp->srcs = saved;
			if (!srcs)
				return -1;
		}
	r = asprintf(ret_extra, "src=%s%s owner=%ld:%ld mode=%ld%s%s", from_id ? from_id : "ctx:", hex, cp->uid, cp->gid,
		     cp->mode, srcs ? " paths=" : "", srcs ? srcs : "") < 0
		    ? -1
		    : 0;
	free(srcs);
	return r;
}

int
build_copy_exec(struct build *b, const struct df_instr *in, bool add)
{
	static const char *const copy_flags[] = { "from", "chown", "chmod", NULL };
	static const char *const add_flags[] = { "chown", "chmod", NULL };
	struct copy cp = { .b = b, .add = add, .uid = -1, .gid = -1, .mode = -1 };
	const char *bad = dockerfile_unknown_flag(in, add ? add_flags : copy_flags), *v;
	char **w = NULL, *from_id = NULL, *extra = NULL, *by = NULL, *srcs = NULL, *end;
	size_t n;
	int r = -1;

	if (bad)
		return build_fail(b, "unknown flag %s", bad);
	if (in->json ? !(w = strv_copy(in->json)) : build_expand_words(b, in->args, &w) < 0)
		return -1;
	if ((n = strv_length(w)) < 2) {
		strv_free(w);
		return build_fail(b, "%s requires at least two arguments: SRC... DEST", in->keyword);
	}
	if ((v = dockerfile_flag(in, "chmod")) && ((cp.mode = strtol(v, &end, 8)) < 0 || *end || cp.mode > 07777))
		goto bad_chmod;
	if ((v = dockerfile_flag(in, "chown")) && build_copy_owner(b, v, &cp.uid, &cp.gid) < 0)
		goto out;
	if ((v = dockerfile_flag(in, "from")) &&
	    (!(from_id = from_image(b, v)) || !(cp.from_ctr = reader_container(from_id))))
		goto out;
	if (sources(&cp, w, n - 1) < 0 || destination(&cp, w[n - 1], n) < 0 || copy_key(&cp, from_id, &extra) < 0)
		goto out;
	if (cp.from_ctr && !(srcs = sources_text(&cp)))
		goto out;
	if (asprintf(&by, "/bin/sh -c #(nop) %s %s:%.64s%s%s in %s", in->keyword,
		     cp.from_ctr ? "from" : strv_length(cp.srcs) > 1 ? "multi" : build_context_is_dir(b, cp.srcs[0]) ? "dir" : "file",
		     strchr(extra, ':') ? strchr(extra, ':') + 1 : extra, srcs ? " " : "", srcs ? srcs : "", cp.dest) < 0)
		goto out;
	r = build_commit_step(b, by, extra, NULL, copy_upload, &cp);
	goto out;
bad_chmod:
	r = build_fail(b, "--chmod: bad mode '%s' (octal, e.g. 0755)", v);
out:
	drop_container((char *)cp.from_ctr);
	free(from_id);
	free(extra);
	free(by);
	free(srcs);
	free(cp.dest);
	strv_free(cp.srcs);
	strv_free(cp.names);
	strv_free(w);
	return r;
}
