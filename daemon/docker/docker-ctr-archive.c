/* lite-docker-api: /containers/{id}/archive — docker cp. GET: lite's
 * cp_from tar, with Docker's X-Docker-Container-Path-Stat header (base64
 * JSON {"name","size","mode","mtime","linkTarget"}) read from the tar's
 * first entry; HEAD: that header alone (404 for a missing path: the CLI's
 * stat); PUT: a tar body unpacked into the directory path= (lite's cp_to
 * with a plain tar). */
#include "docker-ctr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BLOCK 512
#define HEAD_MAX 65536

/* Go's os.FileMode bits, as Docker's stat carries them */
#define GO_MODE_DIR (1U << 31)
#define GO_MODE_SYMLINK (1U << 27)

static unsigned long long
octal(const char *p, size_t n)
{
	unsigned long long v = 0;

	for (size_t i = 0; i < n && p[i]; i++)
		if (p[i] >= '0' && p[i] <= '7')
			v = v * 8 + (unsigned)(p[i] - '0');
	return v;
}

/* Read the tar up to and including the first real entry's header (pax
 * and GNU long-name records before it are kept too): *len bytes in buf,
 * the header at buf + *hdr. */
static int
read_head(struct lite_conn *lc, char *buf, size_t *len, size_t *hdr)
{
	size_t need = BLOCK, at = 0;

	*len = 0;
	for (;;) {
		while (*len < need) {
			ssize_t n = docker_lite_read(lc, buf + *len, need - *len);

			if (n <= 0)
				return -1;
			*len += (size_t)n;
		}
		char type = buf[at + 156];

		if (type != 'x' && type != 'g' && type != 'L' && type != 'K') {
			*hdr = at;
			return 0;
		}
		at += BLOCK + (octal(buf + at + 124, 12) + BLOCK - 1) / BLOCK * BLOCK;
		need = at + BLOCK;
		if (need > HEAD_MAX)
			return -1;
	}
}

static char *
b64(const char *s)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0;
	char *out = malloc(n / 3 * 4 + 5);

	for (size_t i = 0; out && i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16 | (i + 1 < n ? (unsigned char)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? (unsigned char)s[i + 2] : 0);

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	if (out)
		out[o] = '\0';
	return out;
}

/* The stat header line for the entry at h. */
static char *
stat_header(const char *name, const char *h)
{
	char type = h[156], mtime[64], *line = NULL, *enc, *js;
	unsigned mode = (unsigned)octal(h + 100, 8) & 07777;
	time_t t = (time_t)octal(h + 136, 12);
	struct tm tm;
	json_t *o;

	if (type == '5')
		mode |= GO_MODE_DIR;
	if (type == '2')
		mode |= GO_MODE_SYMLINK;
	gmtime_r(&t, &tm);
	strftime(mtime, sizeof(mtime), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s,s:I,s:I,s:s,s:s%}", "name", name, "size", (json_int_t)octal(h + 124, 12), "mode",
		      (json_int_t)mode, "mtime", mtime, "linkTarget", type == '2' ? h + 157 : "",
		      type == '2' ? strnlen(h + 157, 100) : (size_t)0);
	js = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	enc = js ? b64(js) : NULL;
	free(js);
	if (enc && asprintf(&line, "X-Docker-Container-Path-Stat: %s\r\n", enc) < 0)
		line = NULL;
	free(enc);
	return line;
}

static void
archive_words(struct docker_err *err, const char *path)
{
	docker_ctr_words(err);
	if (strstr(err->msg, "No such file")) {
		err->status = 404;
		snprintf(err->msg, sizeof(err->msg), "Could not find the file %s in container", path);
	}
}

int
api_container_archive_get(struct api *a)
{
	const char *path = http_query(a->r, "path");
	bool head = !strcmp(a->r->method, "HEAD");
	struct docker_err err;
	struct lite_conn lc;
	json_t *res = NULL;
	char *buf, *statl;
	size_t len, hdr;
	ssize_t n;

	if (!path || !*path)
		return http_send_error(a->c, 400, "path is required"), 0;
	if (docker_lite_open("cp_from", json_pack("{s:s,s:s}", "id", a->arg, "path", path), &lc, &res, &err, NULL, NULL) < 0) {
		archive_words(&err, path);
		if (head)
			return http_send(a->c, err.status, NULL, NULL, 0), 0;
		return docker_ctr_fail(a, &err);
	}
	buf = malloc(HEAD_MAX);
	if (!buf || read_head(&lc, buf, &len, &hdr) < 0) {
		free(buf);
		json_decref(res);
		docker_lite_close(&lc);
		return http_send_error(a->c, 500, "cannot read the copy of %s", path), 0;
	}
	statl = stat_header(json_string_value(json_object_get(res, "name")) ?: "", buf + hdr);
	json_decref(res);
	if (head) {
		docker_lite_close(&lc);
		free(buf);
		if (statl)
			http_send_extra(a->c, 200, NULL, statl, NULL, 0);
		else
			http_send_error(a->c, 500, "cannot describe %s", path);
		free(statl);
		return 0;
	}
	/* the stat travels in a header: given with the stream's head */
	if (!statl || http_stream_begin_extra(a->c, 200, "application/x-tar", statl) < 0 ||
	    http_stream_write(a->c, buf, len) < 0) {
		if (!statl)
			http_send_error(a->c, 500, "cannot describe %s", path);
		free(statl);
		free(buf);
		docker_lite_close(&lc);
		http_stream_end(a->c);
		return 1;
	}
	free(statl);
	while ((n = docker_lite_read(&lc, buf, HEAD_MAX)) > 0)
		if (http_stream_write(a->c, buf, (size_t)n) < 0)
			break;
	free(buf);
	docker_lite_close(&lc);
	http_stream_end(a->c);
	return n != 0;
}

int
api_container_archive_put(struct api *a)
{
	const char *path = http_query(a->r, "path");
	struct docker_err err;
	struct lite_conn lc;
	json_t *res = NULL;
	char buf[65536];
	ssize_t n;

	if (!path || !*path)
		return http_send_error(a->c, 400, "path is required"), 0;
	if (docker_lite_send("cp_to", json_pack("{s:s,s:s,s:s}", "id", a->arg, "path", path, "name", ""), &lc, &err) < 0)
		return docker_ctr_fail(a, &err);
	while ((n = http_read_body(a->c, a->r, buf, sizeof(buf))) > 0)
		if (http_write_all(lc.fd, buf, (size_t)n) < 0)
			break;   /* the engine refused: its reply says why */
	shutdown(lc.fd, SHUT_WR);
	if (docker_lite_reply(&lc, &res, &err, NULL, NULL) < 0) {
		archive_words(&err, path);
		docker_ctr_fail(a, &err);
		return !a->r->body_done;   /* a body left unread ends the connection */
	}
	docker_lite_close(&lc);
	json_decref(res);
	return http_send(a->c, 200, NULL, NULL, 0), 0;
}
