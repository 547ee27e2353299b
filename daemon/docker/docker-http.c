/* HTTP/1.1 for the Docker Engine API front end (see docker-http.h), on
 * libmicrohttpd. MHD owns the socket: it parses each request (line and
 * headers bounded by its memory limit, bodies by Content-Length or
 * chunked, 100-continue, keep-alive, pipelining) and frames each reply.
 * The handlers are blocking code written against http_conn, so each
 * request runs in a worker thread (struct http_exchange): the access
 * handler feeds the body into a pipe the worker reads, waits for the
 * worker's reply (a buffer, a stream fed through a second pipe and sent
 * chunked, or the 101 upgrade that hands the socket back for raw I/O) and
 * queues it. MHD runs one thread for the connection, so blocking in its
 * callbacks only holds up this client. */
#include "docker-http.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

/* MHD's per-connection memory: the request line and headers must fit
 * (a larger head gets MHD's 431/414). */
#define HTTP_HEAD_MEMORY (64 * 1024)

struct http_exchange {
	struct http_conn *c;
	struct http_req r;
	int (*route)(struct http_conn *c, struct http_req *r);
	pthread_t worker;
	bool running;        /* the worker thread was started */
	int body[2];         /* MHD -> worker: the request body; body[1] closed at its end */
	int out;             /* worker -> MHD: a stream's data (its socket pair's end); closed at the end */
	bool streaming;      /* a stream's reply was made (only one per request) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct MHD_Response *reply;  /* the worker's reply, until queued */
	unsigned status;
	bool replied;        /* the worker gave its reply (later ones are dropped) */
	bool finished;       /* the worker returned */
	bool wants_body;     /* the worker read (or waits for) the request body */
	bool reply_queued;   /* an early error reply was queued with the head */
	bool cut;            /* the request ended early (the client went, a timeout) */
	bool upgraded;       /* the 101 went out: sock and urh are set */
	int sock;
	struct MHD_UpgradeResponseHandle *urh;
};

/* One connection per process: its state, and the semaphore main waits on. */
static struct http_conn conn;
static sem_t conn_closed;
static int (*conn_route)(struct http_conn *c, struct http_req *r);
static int conn_fd;

/* The head's deadline (request-timeout): MHD's own timeout counts idle
 * time only, so a client trickling a byte at a time would keep the
 * connection. The watchdog ends a connection whose next request's head is
 * not in by the deadline: a 408 when its request line came (MHD writes
 * nothing while it reads a head), else quietly. Armed when the
 * connection starts and after each reply, off while a request runs. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t deadline_ms;  /* CLOCK_MONOTONIC; 0: off */
	bool line;            /* the request line is in */
	bool stop;
} dog = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, false };

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
dog_arm(bool on)
{
	pthread_mutex_lock(&dog.mu);
	dog.deadline_ms = on && conn.timeout_ms > 0 ? now_ms() + conn.timeout_ms : 0;
	dog.line = false;
	pthread_cond_broadcast(&dog.cv);
	pthread_mutex_unlock(&dog.mu);
}

static void *
dog_run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&dog.mu);
	while (!dog.stop) {
		int64_t left = dog.deadline_ms ? dog.deadline_ms - now_ms() : -1;
		struct timespec ts;

		if (left < 0 && !dog.deadline_ms) {
			pthread_cond_wait(&dog.cv, &dog.mu);
			continue;
		}
		if (left > 0) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += left / 1000;
			ts.tv_nsec += (left % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&dog.cv, &dog.mu, &ts);
			continue;
		}
		if (dog.line) {
			char msg[256];
			int n = snprintf(msg, sizeof(msg), "{\"message\":\"request headers incomplete after %d ms (request-timeout)\"}",
					 conn.timeout_ms), m;
			char head[512];

			m = snprintf(head, sizeof(head),
				     "HTTP/1.1 408 Request Timeout\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
				     "Connection: close\r\nContent-Length: %d\r\n\r\n%s",
				     n, msg);
			http_write_all(conn.fd, head, (size_t)m);
		}
		shutdown(conn.fd, SHUT_RDWR);   /* MHD sees the end and closes */
		dog.deadline_ms = 0;
	}
	pthread_mutex_unlock(&dog.mu);
	return NULL;
}

static void *
uri_seen(void *cls, const char *uri, struct MHD_Connection *mc)
{
	(void)cls;
	(void)uri;
	(void)mc;
	pthread_mutex_lock(&dog.mu);
	dog.line = true;
	pthread_mutex_unlock(&dog.mu);
	return NULL;
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

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Hand the worker's reply to the access handler (the first one counts). */
static int
give_reply(struct http_conn *c, unsigned status, struct MHD_Response *resp)
{
	struct http_exchange *x = c->x;
	bool taken;

	if (!resp)
		return -1;
	pthread_mutex_lock(&x->mu);
	taken = !x->replied;
	if (taken) {
		x->reply = resp;
		x->status = status;
		x->replied = true;
		pthread_cond_broadcast(&x->cv);
	}
	pthread_mutex_unlock(&x->mu);
	if (!taken)
		MHD_destroy_response(resp);
	return taken ? 0 : -1;
}

/* Docker's headers, the content type and "Name: value\r\n" lines. */
static void
add_headers(struct MHD_Response *resp, const char *content_type, const char *extra)
{
	MHD_add_response_header(resp, "Api-Version", "1.41");
	MHD_add_response_header(resp, "Docker-Experimental", "false");
	MHD_add_response_header(resp, "Ostype", "linux");
	MHD_add_response_header(resp, "Server", "lite/" LITE_VERSION " (linux)");
	if (content_type)
		MHD_add_response_header(resp, "Content-Type", content_type);
	while (extra && *extra) {
		const char *colon = strchr(extra, ':'), *eol = strstr(extra, "\r\n");
		char name[128], value[1024];

		if (!eol)
			eol = extra + strlen(extra);
		if (colon && colon < eol && (size_t)(colon - extra) < sizeof(name)) {
			const char *v = colon + 1;

			while (*v == ' ')
				v++;
			snprintf(name, sizeof(name), "%.*s", (int)(colon - extra), extra);
			snprintf(value, sizeof(value), "%.*s", (int)(eol - v), v);
			MHD_add_response_header(resp, name, value);
		}
		extra = *eol ? eol + 2 : eol;
	}
}

/* The request: headers (names lower case) and the query, from MHD. */
static enum MHD_Result
take_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct http_req *r = cls;
	char *name;

	(void)kind;
	if (r->n_headers == HTTP_MAX_HEADERS) {
		r->n_headers++;   /* one too many: answered with a 431 */
		return MHD_NO;
	}
	if (!(name = strdup(key)))
		return MHD_NO;
	for (char *k = name; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	r->names[r->n_headers] = name;
	r->values[r->n_headers++] = strdup(value ? value : "");
	return MHD_YES;
}

static enum MHD_Result
take_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct http_req *r = cls;
	json_t *all;

	(void)kind;
	value = value ? value : "";
	json_object_set_new(r->query, key, json_string(value));
	if (!r->query_all)
		r->query_all = json_object();
	if (!(all = json_object_get(r->query_all, key)))
		json_object_set_new(r->query_all, key, all = json_array());
	json_array_append_new(all, json_string(value));
	return MHD_YES;
}

/* "/v1.41/containers/json" -> api_version "1.41", path "/containers/json". */
static void
set_path(struct http_req *r, const char *url)
{
	unsigned major, minor;
	int n = 0;

	if (sscanf(url, "/v%u.%u%n", &major, &minor, &n) == 2 && (url[n] == '/' || !url[n])) {
		snprintf(r->api_version, sizeof(r->api_version), "%u.%u", major, minor);
		url += n;
	}
	snprintf(r->path, sizeof(r->path), "%s", *url ? url : "/");
}

/* Fill r from MHD's parse: -1 for too many header fields, -2 for a path
 * too long (limits of ours), -3 for a target that is not an absolute path
 * (MHD takes "POST 1/x"; the fuzzer found it). */
static int
read_request(struct MHD_Connection *mc, struct http_req *r, const char *url, const char *method,
	     const char *version)
{
	const char *cl, *te, *conn_h;

	memset(r, 0, sizeof(*r));
	r->length = -1;
	r->query = json_object();
	snprintf(r->method, sizeof(r->method), "%s", method);
	set_path(r, url);
	MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, take_arg, r);
	MHD_get_connection_values(mc, MHD_HEADER_KIND, take_header, r);
	if (r->n_headers > HTTP_MAX_HEADERS) {
		r->n_headers--;
		return -1;
	}
	if (strlen(url) >= sizeof(r->path))
		return -2;
	if (url[0] != '/')
		return -3;
	cl = http_header(r, "content-length");
	te = http_header(r, "transfer-encoding");
	conn_h = http_header(r, "connection");
	r->chunked = te && !strcasecmp(te, "chunked");
	if (cl && !r->chunked)
		r->length = strtoll(cl, NULL, 10);
	r->close = !strcmp(version, MHD_HTTP_VERSION_1_0) || (conn_h && strcasestr(conn_h, "close"));
	r->body_done = !r->chunked && r->length <= 0;
	return 0;
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


ssize_t
http_read_body(struct http_conn *c, struct http_req *r, void *buf, size_t len)
{
	struct http_exchange *x = c->x;
	ssize_t n;

	if (r->body_done || !len)
		return 0;
	pthread_mutex_lock(&x->mu);
	if (!x->wants_body) {
		x->wants_body = true;
		pthread_cond_broadcast(&x->cv);
	}
	pthread_mutex_unlock(&x->mu);
	do
		n = read(x->body[0], buf, len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return n;
	r->body_done = true;
	pthread_mutex_lock(&x->mu);
	if (x->cut || n < 0) {
		c->broken = true;
		c->fail = HTTP_FAIL_EOF;
	}
	pthread_mutex_unlock(&x->mu);
	return c->broken ? -1 : 0;
}

/* An error reply after which the request's body is not read any more. */
static int
bad(struct http_conn *c, int status, const char *what)
{
	http_send_error(c, status, "%s", what);
	return -1;
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
	/* too large is decided before reading when the length is known (the
	 * reply then goes out with the head: 413, not 408 after a slow body);
	 * a chunked body (MHD hides its chunk sizes) by the probe below */
	if (!r->chunked && r->length > (int64_t)max) {
		free(body);
		return bad(c, 413, "request body too large");
	}
	while (len < max && (n = http_read_body(c, r, body + len, max - len)) > 0)
		len += (size_t)n;
	if (c->broken) {
		free(body);
		return bad(c, 400, "truncated request body");
	}
	if (len == max && !r->body_done) {
		char probe;

		/* exactly max bytes, or more: one more read tells */
		if (http_read_body(c, r, &probe, 1) != 0) {
			free(body);
			return bad(c, 413, "request body too large");
		}
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

int
http_send_extra(struct http_conn *c, int status, const char *content_type, const char *headers, const void *body,
		size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);

	if (!resp)
		return -1;
	add_headers(resp, content_type, headers);
	return give_reply(c, (unsigned)status, resp);
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

/* MHD pulls a stream's data from its end of a socket pair, owned by the
 * response (it may outlive the request's worker state). Blocking is fine
 * (the connection's own thread); each piece goes out as one chunk. */
struct stream_src {
	int fd;
};

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_src *src = cls;
	ssize_t n;

	(void)pos;
	do
		n = read(src->fd, buf, max);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return n;
	return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

/* The stream's reply is gone (sent, or the client left): the worker's
 * next write fails with EPIPE. */
static void
stream_done(void *cls)
{
	struct stream_src *src = cls;

	close(src->fd);
	free(src);
}

/* A reply whose body is what the worker writes to x->out until it closes
 * it. plain_input: the pair's other direction is closed at once (the
 * plain hijack's "stdin"). */
static struct MHD_Response *
stream_reply(struct http_exchange *x, bool plain_input)
{
	struct stream_src *src;
	struct MHD_Response *resp;
	int sv[2];

	if (x->streaming || !(src = malloc(sizeof(*src))))
		return NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(src);
		return NULL;
	}
	if (plain_input)
		shutdown(sv[0], SHUT_WR);
	else
		shutdown(sv[1], SHUT_RD);
	src->fd = sv[0];
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, src, stream_done);
	if (!resp) {
		close(sv[0]);
		close(sv[1]);
		free(src);
		return NULL;
	}
	x->streaming = true;
	x->out = sv[1];
	return resp;
}

/* The worker's end of the stream: closed (its reply ends), under mu, as
 * exchange_free may shut it down from MHD's thread. */
static void
stream_close(struct http_exchange *x)
{
	pthread_mutex_lock(&x->mu);
	close_fd(&x->out);
	pthread_mutex_unlock(&x->mu);
}

int
http_stream_begin_extra(struct http_conn *c, int status, const char *content_type, const char *headers)
{
	struct http_exchange *x = c->x;
	struct MHD_Response *resp = stream_reply(x, false);

	if (!resp)
		return -1;
	add_headers(resp, content_type, headers);
	if (give_reply(c, (unsigned)status, resp) < 0) {
		stream_close(x);   /* another reply went first: nothing reads this */
		return -1;
	}
	return 0;
}

int
http_stream_begin(struct http_conn *c, int status, const char *content_type)
{
	return http_stream_begin_extra(c, status, content_type, NULL);
}

int
http_stream_write(struct http_conn *c, const void *data, size_t len)
{
	if (!len)
		return 0;
	if (c->x->out < 0)
		return -1;
	return http_write_all(c->x->out, data, len);
}

int
http_stream_end(struct http_conn *c)
{
	stream_close(c->x);
	return 0;
}

/* After the 101: MHD hands over the socket. The worker waits for this
 * in http_hijack, then does raw I/O on it. */
static void
upgraded(void *cls, struct MHD_Connection *mc, void *con_cls, const char *extra_in, size_t extra_in_size,
	 MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct http_exchange *x = cls;
	int fl = fcntl(sock, F_GETFL);

	(void)mc;
	(void)con_cls;
	/* what the client sent right after its request: the raw stream's
	 * first bytes, which the handler takes from c->buf */
	if (extra_in_size > sizeof(x->c->buf)) {
		fprintf(stderr, "lite-docker-api: %zu bytes sent before the upgrade are too many; dropped\n",
			extra_in_size);
		extra_in_size = 0;
	}
	memcpy(x->c->buf, extra_in, extra_in_size);
	x->c->off = 0;
	x->c->len = extra_in_size;
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl & ~O_NONBLOCK);   /* the handlers' raw I/O blocks */
	pthread_mutex_lock(&x->mu);
	x->sock = sock;
	x->urh = urh;
	x->upgraded = true;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

/* A client that did not ask to upgrade (curl): a 200 whose body is the
 * raw stream until the connection ends (no chunks, as HTTP/1.0 would).
 * The handler's raw I/O goes to a socket pair: what it writes is the
 * body; its reads see the end at once (the request was all the client
 * could send). */
static int
hijack_plain(struct http_conn *c)
{
	struct http_exchange *x = c->x;
	struct MHD_Response *resp;

	resp = stream_reply(x, true);
	if (!resp)
		return -1;
	MHD_set_response_options(resp, MHD_RF_HTTP_1_0_COMPATIBLE_STRICT, MHD_RO_END);
	add_headers(resp, "application/vnd.docker.raw-stream", NULL);
	if (give_reply(c, MHD_HTTP_OK, resp) < 0) {
		stream_close(x);
		return -1;
	}
	c->fd = x->out;
	return 0;
}

int
http_hijack(struct http_conn *c, const struct http_req *r)
{
	struct http_exchange *x = c->x;
	struct MHD_Response *resp;
	bool ok;

	if (!http_header(r, "upgrade"))
		return hijack_plain(c);
	resp = MHD_create_response_for_upgrade(upgraded, x);
	if (!resp)
		return -1;
	add_headers(resp, "application/vnd.docker.raw-stream", "Upgrade: tcp\r\n");
	if (give_reply(c, MHD_HTTP_SWITCHING_PROTOCOLS, resp) < 0)
		return -1;
	pthread_mutex_lock(&x->mu);
	while (!x->upgraded && !x->cut)
		pthread_cond_wait(&x->cv, &x->mu);
	ok = x->upgraded;
	pthread_mutex_unlock(&x->mu);
	if (!ok)
		return -1;
	c->fd = x->sock;
	return 0;
}

/* The worker: the route on this request, then the end of its reply. */
static void *
work(void *arg)
{
	struct http_exchange *x = arg;
	struct http_conn *c = x->c;

	c->x = x;
	c->fd = conn_fd;   /* a plain hijack before pointed it elsewhere */
	c->off = c->len = 0;
	c->broken = false;
	c->fail = HTTP_FAIL_NONE;
	c->head = !strcmp(x->r.method, "HEAD");
	x->route(c, &x->r);
	close_fd(&x->body[0]);   /* a body left unread: MHD discards it */
	stream_close(x);         /* a stream not ended: it ends here */
	if (x->upgraded) {
		MHD_upgrade_action(x->urh, MHD_UPGRADE_ACTION_CLOSE);
		sem_post(&conn_closed);
	}
	pthread_mutex_lock(&x->mu);
	x->finished = true;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

static struct http_exchange *
exchange_new(void)
{
	struct http_exchange *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->c = &conn;
	x->body[0] = x->body[1] = x->out = x->sock = -1;
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	if (pipe2(x->body, O_CLOEXEC) < 0) {
		free(x);
		return NULL;
	}
	return x;
}

static void
exchange_free(struct http_exchange *x)
{
	pthread_mutex_lock(&x->mu);
	x->cut = true;   /* a worker still waiting for the upgrade gives up */
	if (x->out >= 0)
		shutdown(x->out, SHUT_RDWR);   /* and one writing a stream nobody reads */
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	close_fd(&x->body[1]);
	if (x->running)
		pthread_join(x->worker, NULL);
	if (x->reply)
		MHD_destroy_response(x->reply);
	close_fd(&x->body[0]);
	close_fd(&x->out);
	http_req_free(&x->r);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
	free(x);
}

/* request-timeout in MHD's whole seconds, rounded up; 0: none */
static unsigned
timeout_s(int ms)
{
	return ms > 0 ? (unsigned)(ms + 999) / 1000 : 0;
}

static unsigned
idle_s(int ms)
{
	return ms > 0 ? timeout_s(ms) + 1 : 0;
}

static enum MHD_Result
queue_error(struct MHD_Connection *mc, unsigned status, const char *msg)
{
	char body[256];
	struct MHD_Response *resp;
	enum MHD_Result ret;

	snprintf(body, sizeof(body), "{\"message\":\"%s\"}", msg);
	resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	add_headers(resp, "application/json", NULL);
	ret = MHD_queue_response(mc, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* An error reply the worker gave before it took the body (413 from the
 * Content-Length, 404, ...): queued with the head, the body is not waited
 * for (MHD drops it and closes the connection after the reply). MHD takes
 * no reply in the middle of a body: a chunked body over the limit gets its
 * 413 at the body's end. */
static bool
early_error(struct http_exchange *x, bool wait)
{
	bool early;

	pthread_mutex_lock(&x->mu);
	while (wait && !x->replied && !x->finished && !x->wants_body)
		pthread_cond_wait(&x->cv, &x->mu);
	early = x->replied && x->reply && x->status >= 400 && !x->streaming;
	pthread_mutex_unlock(&x->mu);
	return early;
}

static enum MHD_Result
queue_reply(struct MHD_Connection *mc, struct http_exchange *x)
{
	enum MHD_Result ret = MHD_queue_response(mc, x->status, x->reply);

	MHD_destroy_response(x->reply);
	x->reply = NULL;
	return ret;
}

/* MHD calls this with the request's head (start the worker), with each
 * piece of the body (into the pipe), and once more at the body's end
 * (wait for the worker's reply and queue it). */
static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *mc, const char *url, const char *method, const char *version,
	       const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_exchange *x = *con_cls;
	enum MHD_Result ret;
	const char *te;

	(void)cls;
	if (!x) {
		dog_arm(false);
		/* the body: at most request-timeout between two reads */
		MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, timeout_s(conn.timeout_ms));
		if (!(x = exchange_new()))
			return MHD_NO;
		*con_cls = x;
		x->route = conn_route;
		switch (read_request(mc, &x->r, url, method, version)) {
		case -1:
			return queue_error(mc, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
					   "too many header fields (the limit is 64)");
		case -2:
			return queue_error(mc, MHD_HTTP_URI_TOO_LONG, "request target too long");
		case -3:
			return queue_error(mc, MHD_HTTP_BAD_REQUEST, "request target must be an absolute path");
		default:
			break;
		}
		te = http_header(&x->r, "transfer-encoding");
		if (te && strcasecmp(te, "chunked") && strcasecmp(te, "identity"))
			/* MHD would read such a body to the connection's end */
			return queue_error(mc, MHD_HTTP_NOT_IMPLEMENTED, "unsupported Transfer-Encoding (only chunked)");
		if (pthread_create(&x->worker, NULL, work, x))
			return MHD_NO;
		x->running = true;
		/* a request with a body: wait until the worker takes it or answers */
		if ((x->r.length > 0 || x->r.chunked) && early_error(x, true)) {
			x->reply_queued = true;
			return queue_reply(mc, x);
		}
		return MHD_YES;
	}
	if (!x->running || x->reply_queued) {
		/* refused: its reply is queued, any body is dropped */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* the worker may have stopped reading: the rest is dropped */
		if (x->body[1] >= 0 && http_write_all(x->body[1], upload_data, *upload_data_size) < 0)
			close_fd(&x->body[1]);
		*upload_data_size = 0;
		return MHD_YES;
	}
	close_fd(&x->body[1]);
	/* a running request and its reply (a stream) are not timed */
	MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
	pthread_mutex_lock(&x->mu);
	while (!x->replied && !x->finished)
		pthread_cond_wait(&x->cv, &x->mu);
	pthread_mutex_unlock(&x->mu);
	if (!x->reply)
		return queue_error(mc, MHD_HTTP_INTERNAL_SERVER_ERROR, "the request got no reply");
	ret = MHD_queue_response(mc, x->status, x->reply);
	MHD_destroy_response(x->reply);
	x->reply = NULL;
	return ret;
}

static void
request_done(void *cls, struct MHD_Connection *mc, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_exchange *x = *con_cls;

	(void)cls;
	(void)toe;
	if (x) {
		*con_cls = NULL;
		exchange_free(x);
	}
	/* the next head: the watchdog's deadline, MHD's idle timeout a
	 * second later as a backstop */
	MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, idle_s(conn.timeout_ms));
	dog_arm(true);
}

static void
connection_note(void *cls, struct MHD_Connection *mc, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	(void)mc;
	(void)socket_context;
	if (code == MHD_CONNECTION_NOTIFY_CLOSED)
		sem_post(&conn_closed);
}

/* A 500 straight on the socket when MHD cannot serve it: the client is
 * the only one who can be told (the helper's stderr is /dev/null). */
static void
fatal_reply(int fd, const char *why)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "{\"message\":\"lite-docker-api: %s: %s\"}\n", why, strerror(errno));
	char head[160];
	int h = snprintf(head, sizeof(head), "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
					     "Content-Length: %d\r\nConnection: close\r\n\r\n", n);

	(void)!write(fd, head, (size_t)h);
	(void)!write(fd, msg, (size_t)n);
}

int
http_serve(int fd, int timeout_ms, int (*route)(struct http_conn *c, struct http_req *r))
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	struct MHD_Daemon *d;
	pthread_t dog_thread;

	conn_route = route;
	conn.fd = conn_fd = fd;
	conn.timeout_ms = timeout_ms;
	sem_init(&conn_closed, 0, 0);
	memset(&peer, 0, sizeof(peer));
	if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0 || len < sizeof(sa_family_t)) {
		peer.ss_family = AF_UNIX;
		len = sizeof(sa_family_t);
	}
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_NO_LISTEN_SOCKET |
				     MHD_USE_ITC | MHD_ALLOW_UPGRADE,
			     0, NULL, NULL, access_handler, NULL,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEAD_MEMORY,
			     MHD_OPTION_CONNECTION_TIMEOUT, idle_s(timeout_ms),
			     MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
			     MHD_OPTION_NOTIFY_CONNECTION, connection_note, NULL,
			     MHD_OPTION_END);
	if (!d) {
		fatal_reply(fd, "cannot start libmicrohttpd");
		return -1;
	}
	dog.stop = false;
	dog_arm(true);
	if (pthread_create(&dog_thread, NULL, dog_run, NULL)) {
		MHD_stop_daemon(d);
		close(fd);
		return -1;
	}
	if (MHD_add_connection(d, fd, (struct sockaddr *)&peer, len) != MHD_YES) {
		fatal_reply(fd, "libmicrohttpd refused the connection");
		sem_post(&conn_closed);
	}
	while (sem_wait(&conn_closed) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&dog.mu);
	dog.stop = true;
	pthread_cond_broadcast(&dog.cv);
	pthread_mutex_unlock(&dog.mu);
	pthread_join(dog_thread, NULL);
	/* every worker was joined when its request ended */
	MHD_stop_daemon(d);
	sem_destroy(&conn_closed);
	return 0;
}
