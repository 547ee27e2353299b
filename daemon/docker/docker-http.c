/* HTTP/1.1 for the Docker Engine API front end (see docker-http.h). Lines
 * and headers are bounded (the buffer); a request that does not fit, or
 * does not parse, gets a 400 and the connection ends. */
#include "docker-http.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	case 409: return "Conflict";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
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

static int
fill(struct http_conn *c)
{
	ssize_t n;

	if (c->off == c->len)
		c->off = c->len = 0;
	if (c->len == sizeof(c->buf)) {
		if (!c->off)
			return -1;   /* a line longer than the buffer */
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	do
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		c->len += (size_t)n;
	return n < 0 ? -1 : (int)(n > 0);
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
		if (fill(c) <= 0)
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

static int
bad(struct http_conn *c, const char *what)
{
	http_send_error(c, 400, "%s", what);
	return -1;
}

int
http_read_request(struct http_conn *c, struct http_req *r)
{
	char *line, method[16], target[8192];
	unsigned minor;

	memset(r, 0, sizeof(*r));
	r->length = -1;
	r->query = json_object();
	do
		line = read_line(c);
	while (line && !*line);   /* a stray CRLF between requests */
	if (!line)
		return 0;
	if (strlen(line) >= sizeof(target) ||
	    sscanf(line, "%15s %8191s HTTP/1.%u", method, target, &minor) != 3)
		return bad(c, "malformed request line");
	snprintf(r->method, sizeof(r->method), "%s", method);
	set_path(r, target);
	r->close = minor == 0;
	while ((line = read_line(c)) && *line) {
		char *colon = strchr(line, ':'), *v;

		if (!colon || r->n_headers == HTTP_MAX_HEADERS)
			return bad(c, "malformed header");
		*colon = '\0';
		for (char *k = line; *k; k++)
			*k = (char)tolower((unsigned char)*k);
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		r->names[r->n_headers] = strdup(line);
		r->values[r->n_headers++] = strdup(v);
	}
	if (!line)
		return bad(c, "truncated headers");
	if (http_header(r, "content-length"))
		r->length = strtoll(http_header(r, "content-length"), NULL, 10);
	r->chunked = http_header(r, "transfer-encoding") && strcasestr(http_header(r, "transfer-encoding"), "chunked");
	if (http_header(r, "connection") && !strcasecmp(http_header(r, "connection"), "close"))
		r->close = true;
	r->body_done = !r->chunked && r->length <= 0;
	return 1;
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

	if (c->off == c->len && fill(c) <= 0)
		return -1;
	n = c->len - c->off < len ? c->len - c->off : len;
	memcpy(buf, c->buf + c->off, n);
	c->off += n;
	return (ssize_t)n;
}

ssize_t
http_read_body(struct http_conn *c, struct http_req *r, void *buf, size_t len)
{
	ssize_t n;

	if (r->body_done)
		return 0;
	if (!r->chunked) {
		n = take(c, buf, (size_t)r->length < len ? (size_t)r->length : len);
		if (n > 0 && (r->length -= n) == 0)
			r->body_done = true;
		return n;
	}
	if (r->chunk_left == 0) {
		char *line = read_line(c);

		if (!line)
			return -1;
		if (!*line && !(line = read_line(c)))   /* the CRLF after a chunk */
			return -1;
		r->chunk_left = strtoll(line, NULL, 16);
		if (r->chunk_left == 0) {
			while ((line = read_line(c)) && *line)
				;   /* trailers */
			r->body_done = true;
			return 0;
		}
	}
	n = take(c, buf, (size_t)r->chunk_left < len ? (size_t)r->chunk_left : len);
	if (n > 0)
		r->chunk_left -= n;
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
		return bad(c, "out of memory");
	while (len < max && (n = http_read_body(c, r, body + len, max - len)) > 0)
		len += (size_t)n;
	if (len == max && !r->body_done) {
		free(body);
		http_send_error(c, 413, "request body too large");
		return -1;
	}
	body[len] = '\0';
	nb = body;
	while (*nb && isspace((unsigned char)*nb))
		nb++;
	*ret = *nb ? json_loads(nb, 0, &jerr) : json_object();
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

	while (http_read_body(c, r, buf, sizeof(buf)) > 0)
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
http_send(struct http_conn *c, int status, const char *content_type, const void *body, size_t len)
{
	char extra[64];

	snprintf(extra, sizeof(extra), "Content-Length: %zu\r\n\r\n", len);
	if (send_head(c, status, content_type, extra) < 0)
		return -1;
	return len ? http_write_all(c->fd, body, len) : 0;
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
