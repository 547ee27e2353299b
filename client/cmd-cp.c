/* lite cp: copy between a container and the host, as docker cp. The host
 * side is the client's own (it packs and unpacks tars with cp-tar.c, as
 * the docker CLI does); the daemon's helper only ever touches the
 * container's side. A tar to or from "-" passes through as is. */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cp-path.h"
#include "cp-tar.h"
#include "fd-util.h"

static const char cp_usage[] =
	"Usage: lite cp CONTAINER:SRC_PATH DEST_PATH|-\n"
	"       lite cp SRC_PATH|- CONTAINER:DEST_PATH\n\n"
	"Copy files between a container and the host, keeping modes, owners and\n"
	"mtimes. A directory copied into an existing directory is put inside it;\n"
	"SRC/. copies a directory's contents; DEST ending in / must be a directory.\n"
	"'-' reads a tar from stdin (extracted into DEST, a directory) or writes one\n"
	"to stdout. The container may be running or stopped (created, exited).\n";

/* The tar after the reply, to stdout. */
static int
stream_out(struct conn *c)
{
	char buf[64 * 1024];
	ssize_t n;

	if (isatty(STDOUT_FILENO)) {
		client_errorf("refusing to write an archive to a terminal: redirect stdout");
		return 1;
	}
	if (c->len && fd_write_all(STDOUT_FILENO, c->buf, c->len) < 0)
		return client_errorf("write stdout: %s", strerror(errno)), 1;
	while ((n = read(c->fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || fd_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			return client_errorf("copy: %s", strerror(errno)), 1;
	}
	return 0;
}

/* Unpack the reply's tar (top entry res.name) at dest per Docker's rules. */
static int
unpack_at(struct conn *c, json_t *res, const char *src, const char *dest)
{
	struct lite_err err = { 0 };
	char target[PATH_MAX], dir[PATH_MAX], leaf[PATH_MAX];
	const char *name = json_string_value(json_object_get(res, "name")) ?: "";
	bool is_dir = json_is_true(json_object_get(res, "dir"));
	enum cp_dest_kind kind;
	_cleanup_close_ int pfd = -1;
	const char *msg;
	int r;

	if (cp_tar_dest_kind(AT_FDCWD, dest, 0, &kind, &err) < 0) {
		client_errorf("%s", err.msg);
		lite_err_clear(&err);
		return 1;
	}
	r = cp_path_target(is_dir, cp_path_contents_only(src), name, dest, kind, target, sizeof(target), &msg);
	if (r < 0)
		return client_errorf("'%s': %s", dest, msg ? msg : strerror(-r)), 1;
	snprintf(dir, sizeof(dir), "%s", target);
	snprintf(leaf, sizeof(leaf), "%s", target);
	pfd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return client_errorf("'%s': %s", dir, strerror(errno)), 1;
	/* the root is DEST's parent: nothing in the archive lands above it */
	r = cp_tar_extract(pfd, c->fd, c->buf, c->len, name, basename(leaf), geteuid() == 0, &err);
	if (r < 0)
		client_errorf("%s", err.msg);
	lite_err_clear(&err);
	return r < 0 ? 1 : 0;
}

static int
cp_from(const char *ctr, const char *path, const char *dest)
{
	json_t *res = NULL;
	struct conn c;
	int r;

	if (conn_open(&c) < 0)
		return 1;
	r = conn_call(&c, "cp_from", json_pack("{s:s,s:s}", "id", ctr, "path", path), &res);
	if (r == 0)
		r = !strcmp(dest, "-") ? stream_out(&c) : unpack_at(&c, res, path, dest);
	else
		r = 1;
	json_decref(res);
	conn_close(&c);
	return r;
}

/* Stream stdin (a tar) to the socket. */
static int
copy_stdin(int sock)
{
	char buf[64 * 1024];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || fd_write_all(sock, buf, (size_t)n) < 0)
			return -errno;
	}
	return 0;
}

static int
cp_to(const char *src, const char *ctr, const char *path)
{
	struct lite_err err = { 0 };
	char base[256] = "";
	json_t *res = NULL;
	struct stat st;
	bool is_dir = false, std = !strcmp(src, "-");
	struct conn c;
	int r;

	if (std && isatty(STDIN_FILENO))
		return client_errorf("cp: stdin is a terminal: pipe a tar archive into it"), 1;
	if (!std && lstat(src, &st) < 0)
		return client_errorf("'%s': %s", src, strerror(errno)), 1;
	if (!std && cp_path_base(src, base, sizeof(base)) < 0)
		return client_errorf("'%s': %s", src, strerror(ENAMETOOLONG)), 1;
	if (conn_open(&c) < 0)
		return 1;
	if (conn_send(&c, "cp_to", json_pack("{s:s,s:s,s:s,s:b,s:b}", "id", ctr, "path", path, "name", base, "dir",
					     !std && S_ISDIR(st.st_mode), "contents",
					     cp_path_contents_only(src))) < 0) {
		conn_close(&c);
		return 1;
	}
	r = std ? copy_stdin(c.fd) : cp_tar_write(AT_FDCWD, src, 0, base, c.fd, &is_dir, &err);
	shutdown(c.fd, SHUT_WR);
	/* a refusal arrives as the reply: prefer it to our EPIPE */
	if (conn_read_reply(&c, &res) < 0)
		r = -1;
	else if (r < 0 && err.msg)
		client_errorf("%s", err.msg);
	else if (r < 0)
		client_errorf("cp: sending the archive failed: %s", strerror(-r));
	json_decref(res);
	lite_err_clear(&err);
	conn_close(&c);
	return r < 0 ? 1 : 0;
}

int
cmd_cp(int argc, char **argv)
{
	static const struct option opts[] = { { "archive", no_argument, NULL, 'a' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	char ca[256], cb[256];
	const char *pa, *pb;
	bool a, b;
	int ch;

	while ((ch = client_opt_get(&argc, argv, "+ah", opts, NULL)) != -1) {
		if (ch == 'h')
			client_usage_exit(cp_usage, 0);
		else if (ch != 'a')
			client_usage_exit(cp_usage, EXIT_ENGINE);
	}
	if (argc - optind != 2)
		client_usage_exit(cp_usage, EXIT_ENGINE);
	signal(SIGPIPE, SIG_IGN);
	a = cp_path_split(argv[optind], ca, sizeof(ca), &pa);
	b = cp_path_split(argv[optind + 1], cb, sizeof(cb), &pb);
	if (a == b) {
		client_errorf("cp: %s", a ? "copying between containers is not supported"
				   : "one of SRC and DEST must be CONTAINER:PATH");
		return 1;
	}
	if (a)
		return cp_from(ca, *pa ? pa : "/", argv[optind + 1]);
	return cp_to(argv[optind], cb, *pb ? pb : "/");
}
