/* HTTP/1.1 for the Docker Engine API front end (see docker-http.h). Lines
 * and headers are bounded (the buffer); a request that does not fit, or
 * does not parse, gets a 400 and the connection ends. */
#include "docker-http.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

static const char *
reason(int status)
{
	switch (status) {
	case 101: return "UPGRADED";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Request Entity Too Large";
	case 414: return "Request-URI Too Long";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

int
http_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long the next read may wait: timeout_ms, and never past the
 * deadline of the request's head (a client trickling one byte at a time
 * does not keep the connection). */
static int
wait_ms(const struct http_conn *c)
{
	int64_t left;

	if (!c->deadline_ms)
		return c->timeout_ms;
	left = c->deadline_ms - now_ms();
	if (left <= 0)
		return 0;
	return left < c->timeout_ms ? (int)left : c->timeout_ms;
}

/* Read more into the buffer: 1, or -1 with c->fail saying why (EOF, a
 * read error, no byte within timeout_ms, a full buffer). */
static int
fill(struct http_conn *c)
{
	ssize_t n;

	if (c->off == c->len)
		c->off = c->len = 0;
	if (c->len == sizeof(c->buf)) {
		if (!c->off) {
			c->fail = HTTP_FAIL_TOO_LONG;
			return -1;
		}
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->timeout_ms > 0) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int r;

		do
			r = poll(&pfd, 1, wait_ms(c));
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			c->fail = HTTP_FAIL_TIMEOUT;
			return -1;
		}
	}
	do
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->len += (size_t)n;
		return 1;
	}
	c->fail = n == 0 ? HTTP_FAIL_EOF : HTTP_FAIL_IO;
	return -1;
}

/* The next line without its CRLF (in place, valid until the next read). */
static char *
read_line(struct http_conn *c)
{
	for (;;) {
		char *nl = memchr(c->buf + c->off, '\n', c->len - c->off), *line;

		if (nl) {
			line = c->buf + c->off;
			c->off = (size_t)(nl - c->buf) + 1;
			*nl = '\0';
			if (nl > line && nl[-1] == '\r')
				nl[-1] = '\0';
			return line;
		}
		if (fill(c) < 0)
			return NULL;
	}
}

static int
hexval(char ch)
{
	return isdigit((unsigned char)ch) ? ch - '0' : tolower((unsigned char)ch) - 'a' + 10;
}

/* Percent-decoding (and '+' as a space in queries), in place. */
static void
url_decode(char *s, bool plus)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else {
			*o++ = plus && *s == '+' ? ' ' : *s;
		}
	}
	*o = '\0';
}

static void
parse_query(struct http_req *r, char *q)
{
	for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');

		if (eq)
			*eq++ = '\0';
		url_decode(kv, true);
		if (eq)
			url_decode(eq, true);
		json_object_set_new(r->query, kv, json_string(eq ? eq : ""));
		if (!r->query_all)
			r->query_all = json_object();
		if (!json_object_get(r->query_all, kv))
			json_object_set_new(r->query_all, kv, json_array());
		json_array_append_new(json_object_get(r->query_all, kv), json_string(eq ? eq : ""));
	}
}

/* "/v1.41/containers/json" -> api_version "1.41", path "/containers/json". */
static void
set_path(struct http_req *r, char *target)
{
	char *q = strchr(target, '?'), *p = target;
	unsigned major, minor;
	int n = 0;

	if (q)
		*q++ = '\0';
	if (sscanf(p, "/v%u.%u%n", &major, &minor, &n) == 2 && (p[n] == '/' || !p[n])) {
		snprintf(r->api_version, sizeof(r->api_version), "%u.%u", major, minor);
		p += n;
	}
	url_decode(p, false);
	snprintf(r->path, sizeof(r->path), "%s", *p ? p : "/");
	if (q)
		parse_query(r, q);
}

/* An error reply after which the connection ends (the request's framing
 * cannot be trusted any more). */
static int
bad(struct http_conn *c, int status, const char *what)
{
	http_send_error(c, status, "%s", what);
	c->broken = true;
	return -1;
}

/* Why a line could not be read, as the reply it deserves (none when the
 * client went away). */
static int
read_failed(struct http_conn *c, const char *what)
{
	char msg[128];

	c->broken = true;
	switch (c->fail) {
	case HTTP_FAIL_TOO_LONG:
		snprintf(msg, sizeof(msg), "%s too long (the limit is %zu bytes)", what, sizeof(c->buf));
		return bad(c, 431, msg);
	case HTTP_FAIL_TIMEOUT:
		snprintf(msg, sizeof(msg), "%s incomplete after %d ms (request-timeout)", what, c->timeout_ms);
		return bad(c, 408, msg);
	default:
		return -1;
	}
}

static bool
is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return false;
	return true;
}

/* "METHOD /target HTTP/1.x" into r. */
static int
parse_request_line(struct http_conn *c, struct http_req *r, char *line)
{
	char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;

	if (!sp1 || !sp2 || strchr(sp2 + 1, ' '))
		return bad(c, 400, "malformed request line");
	*sp1 = *sp2 = '\0';
	if (!is_token(line) || strlen(line) >= sizeof(r->method))
		return bad(c, 400, "malformed request line: bad method");
	if (sp1[1] != '/')
		return bad(c, 400, "malformed request line: the target must be a path");
	if (strlen(sp1 + 1) >= sizeof(r->path))
		return bad(c, 414, "request target too long");
	if (strcmp(sp2 + 1, "HTTP/1.1") && strcmp(sp2 + 1, "HTTP/1.0"))
		return bad(c, strncmp(sp2 + 1, "HTTP/", 5) ? 400 : 505, "malformed request line: only HTTP/1.0 and HTTP/1.1");
	snprintf(r->method, sizeof(r->method), "%s", line);
	set_path(r, sp1 + 1);
	r->close = !strcmp(sp2 + 1, "HTTP/1.0");
	c->head = !strcmp(r->method, "HEAD");
	return 0;
}

/* Content-Length, Transfer-Encoding, Connection, Expect. */
static int
parse_framing(struct http_conn *c, struct http_req *r)
{
	const char *cl = http_header(r, "content-length"), *te = http_header(r, "transfer-encoding");
	const char *conn = http_header(r, "connection"), *expect = http_header(r, "expect");
	char *end;

	if (te && strcasecmp(te, "chunked") && strcasecmp(te, "identity"))
		return bad(c, 501, "unsupported Transfer-Encoding (only chunked)");
	r->chunked = te && !strcasecmp(te, "chunked");
	if (cl && !r->chunked) {
		errno = 0;
		r->length = strtoll(cl, &end, 10);
		if (!isdigit((unsigned char)*cl) || *end || errno || r->length < 0)
			return bad(c, 400, "invalid Content-Length");
	}
	if (conn && strcasestr(conn, "close"))
		r->close = true;
	if (conn && strcasestr(conn, "keep-alive"))
		r->close = false;
	r->body_done = !r->chunked && r->length <= 0;
	r->expect_continue = expect && !strcasecmp(expect, "100-continue") && !r->body_done;
	return 0;
}

static int
read_request(struct http_conn *c, struct http_req *r)
{
	char *line;
	int rc;

	memset(r, 0, sizeof(*r));
	r->length = -1;
	r->query = json_object();
	c->head = false;
	c->deadline_ms = c->timeout_ms > 0 ? now_ms() + c->timeout_ms : 0;
	do
		line = read_line(c);
	while (line && !*line);   /* a stray CRLF between requests */
	if (!line) {
		c->deadline_ms = 0;
		/* idle between requests, or gone: end quietly; else a half line */
		if (c->fail == HTTP_FAIL_EOF || c->fail == HTTP_FAIL_IO || (c->fail == HTTP_FAIL_TIMEOUT && c->off == c->len))
			return 0;
		return read_failed(c, "request line");
	}
	if (parse_request_line(c, r, line) < 0)
		return -1;
	while ((line = read_line(c)) && *line) {
		char *colon = strchr(line, ':'), *v, *e;

		if (r->n_headers == HTTP_MAX_HEADERS)
			return bad(c, 431, "too many header fields (the limit is 64)");
		if (!colon || colon == line || isspace((unsigned char)colon[-1]) || isspace((unsigned char)line[0]))
			return bad(c, 400, "malformed header line");
		*colon = '\0';
		if (!is_token(line))
			return bad(c, 400, "malformed header name");
		for (char *k = line; *k; k++)
			*k = (char)tolower((unsigned char)*k);
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		if (http_header(r, line) && (!strcmp(line, "content-length") || !strcmp(line, "transfer-encoding")))
			return bad(c, 400, "duplicate header field");
		r->names[r->n_headers] = strdup(line);
		r->values[r->n_headers++] = strdup(v);
	}
	rc = line ? parse_framing(c, r) : read_failed(c, "request headers");
	c->deadline_ms = 0;   /* the body is bounded per read, not in total */
	return rc < 0 ? -1 : 1;
}

int
http_read_request(struct http_conn *c, struct http_req *r)
{
	int rc = read_request(c, r);

	if (rc < 1)
		http_req_free(r);   /* nothing of it is used */
	return rc;
}

void
http_req_free(struct http_req *r)
{
	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	json_decref(r->query);
	r->query = NULL;
	json_decref(r->query_all);
	r->query_all = NULL;
	r->n_headers = 0;
}

const char *
http_header(const struct http_req *r, const char *name)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (!strcmp(r->names[i], name))
			return r->values[i];
	return NULL;
}

const char *
http_query(const struct http_req *r, const char *name)
{
	return json_string_value(json_object_get(r->query, name));
}

json_t *
http_query_all(const struct http_req *r, const char *name)
{
	return json_object_get(r->query_all, name);
}

bool
http_query_bool(const struct http_req *r, const char *name, bool def)
{
	const char *v = http_query(r, name);

	if (!v)
		return def;
	return !strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || (!*v && def);
}

/* Bytes available in the buffer, reading more when empty. */
static ssize_t
take(struct http_conn *c, void *buf, size_t len)
{
	size_t n;

	if (c->off == c->len && fill(c) < 0)
		return -1;
	n = c->len - c->off < len ? c->len - c->off : len;
	memcpy(buf, c->buf + c->off, n);
	c->off += n;
	return (ssize_t)n;
}

/* The next chunk's size line ("1a;ext"): its size, or -1 (broken). */
static int64_t
chunk_size(struct http_conn *c)
{
	char *line = read_line(c), *end;
	long long n;

	if (line && !*line)
		line = read_line(c);   /* the CRLF after the previous chunk */
	if (!line)
		return -1;
	errno = 0;
	n = strtoll(line, &end, 16);
	if (!isxdigit((unsigned char)*line) || errno || n < 0 || (*end && *end != ';' && *end != ' ' && *end != '\t'))
		return -1;
	return n;
}

ssize_t
http_read_body(struct http_conn *c, struct http_req *r, void *buf, size_t len)
{
	ssize_t n;

	if (r->body_done)
		return 0;
	if (r->expect_continue) {
		r->expect_continue = false;
		if (http_write_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25) < 0)
			return -1;
	}
	if (!r->chunked) {
		n = take(c, buf, (size_t)r->length < len ? (size_t)r->length : len);
		if (n < 0)
			c->broken = true;
		if (n > 0 && (r->length -= n) == 0)
			r->body_done = true;
		return n;
	}
	if (r->chunk_left == 0) {
		char *line;

		r->chunk_left = chunk_size(c);
		if (r->chunk_left < 0) {
			c->broken = true;
			return -1;
		}
		if (r->chunk_left == 0) {
			while ((line = read_line(c)) && *line)
				;   /* trailers */
			r->body_done = true;
			c->broken = c->broken || !line;
			return 0;
		}
	}
	n = take(c, buf, (size_t)r->chunk_left < len ? (size_t)r->chunk_left : len);
	if (n > 0)
		r->chunk_left -= n;
	else
		c->broken = true;
	return n;
}

int
http_read_json(struct http_conn *c, struct http_req *r, size_t max, json_t **ret)
{
	char *body = malloc(max + 1), *nb;
	size_t len = 0;
	ssize_t n;
	json_error_t jerr;

	if (!body)
		return bad(c, 500, "out of memory");
	/* too large is decided before reading (a known length) or as soon as
	 * a chunk's size says so, never after a slow read: 413, not 408 */
	if (!r->chunked && r->length > (int64_t)max) {
		free(body);
		return bad(c, 413, "request body too large");
	}
	while (len < max && (n = http_read_body(c, r, body + len, max - len)) > 0) {
		len += (size_t)n;
		if (r->chunked && r->chunk_left > 0 && (uint64_t)r->chunk_left > max - len) {
			free(body);
			return bad(c, 413, "request body too large");
		}
	}
	if (c->broken) {
		free(body);
		if (c->fail == HTTP_FAIL_TIMEOUT || c->fail == HTTP_FAIL_TOO_LONG)
			return read_failed(c, "request body");
		return bad(c, 400, r->chunked ? "malformed chunked request body" : "truncated request body");
	}
	if (len == max && !r->body_done) {
		free(body);
		/* the rest is not read: the connection cannot go on */
		return bad(c, 413, "request body too large");
	}
	body[len] = '\0';
	nb = body;
	while (*nb && isspace((unsigned char)*nb))
		nb++;
	*ret = *nb ? json_loadb(nb, len - (size_t)(nb - body), 0, &jerr) : json_object();
	free(body);
	if (!*ret) {
		http_send_error(c, 400, "invalid JSON: %s", jerr.text);
		return -1;
	}
	return 0;
}

void
http_drain_body(struct http_conn *c, struct http_req *r)
{
	char buf[8192];

	while (!c->broken && http_read_body(c, r, buf, sizeof(buf)) > 0)
		;
}

static int
send_head(struct http_conn *c, int status, const char *content_type, const char *extra)
{
	char head[1024];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nApi-Version: 1.41\r\nDocker-Experimental: false\r\nOstype: linux\r\n"
			 "Server: lite/%s (linux)\r\n%s%s%s%s",
			 status, reason(status), LITE_VERSION, content_type ? "Content-Type: " : "",
			 content_type ? content_type : "", content_type ? "\r\n" : "", extra);

	return http_write_all(c->fd, head, (size_t)n);
}

int
http_send_extra(struct http_conn *c, int status, const char *content_type, const char *headers, const void *body,
		size_t len)
{
	char extra[1024];

	snprintf(extra, sizeof(extra), "%sContent-Length: %zu\r\n\r\n", headers ? headers : "", len);
	if (send_head(c, status, content_type, extra) < 0)
		return -1;
	return len && !c->head ? http_write_all(c->fd, body, len) : 0;
}

int
http_send(struct http_conn *c, int status, const char *content_type, const void *body, size_t len)
{
	return http_send_extra(c, status, content_type, NULL, body, len);
}

int
http_send_json(struct http_conn *c, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	int r;

	json_decref(body);
	if (!s)
		return http_send(c, 500, "application/json", "{\"message\":\"out of memory\"}\n", 28);
	r = http_send(c, status, "application/json", s, strlen(s));
	if (r == 0)
		r = http_write_all(c->fd, "", 0);
	free(s);
	return r;
}

int
http_send_error(struct http_conn *c, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return http_send_json(c, status, json_pack("{s:s}", "message", msg));
}

int
http_stream_begin(struct http_conn *c, int status, const char *content_type)
{
	return send_head(c, status, content_type, "Transfer-Encoding: chunked\r\n\r\n");
}

int
http_stream_write(struct http_conn *c, const void *data, size_t len)
{
	char size[32];

	if (!len)
		return 0;
	snprintf(size, sizeof(size), "%zx\r\n", len);
	if (http_write_all(c->fd, size, strlen(size)) < 0 || http_write_all(c->fd, data, len) < 0)
		return -1;
	return http_write_all(c->fd, "\r\n", 2);
}

int
http_stream_end(struct http_conn *c)
{
	return http_write_all(c->fd, "0\r\n\r\n", 5);
}

int
http_hijack(struct http_conn *c, const struct http_req *r)
{
	const char *up = http_header(r, "upgrade");

	if (up)
		return send_head(c, 101, "application/vnd.docker.raw-stream",
				 "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
	return send_head(c, 200, "application/vnd.docker.raw-stream", "\r\n");
}
