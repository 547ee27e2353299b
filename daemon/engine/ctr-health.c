/* Health checks (docker run --health-*): a libevent timer per running
 * container that has a check; each check is an exec through the shim
 * ("exec JSON" on its attach socket, as lite exec), read with a bufferevent
 * until the exit frame, so the loop never waits for it. The shim's exec
 * supervisor kills the check's process group at the timeout; the daemon
 * records the timeout itself at the same moment and drops the stream.
 *
 * Status: "starting" until the first success (failures inside the start
 * period do not count), "healthy" after a success, "unhealthy" once the
 * failing streak reaches the retries. The last 5 results are kept, each
 * with at most 4 KiB of output. The status and the failing streak are
 * saved in state.json when they change (issue 13), so after a daemon
 * restart a running container's checks resume where they were; a start
 * begins at "starting" again (ctr_ctl_prepare_start clears them). The
 * check log lives in memory. */
#include "ctr.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "daemon.h"
#include "duration.h"
#include "events.h"
#include "frame.h"
#include "health-opts.h"
#include "log.h"
#include "proto.h"
#include "strv.h"

#define HEALTH_LOG_MAX 5
#define HEALTH_OUTPUT_MAX 4096
#define NS_PER_MS 1000000LL
#define DEFAULT_NS (30LL * 1000 * NS_PER_MS)

struct ctr_health {
	struct daemon *d;
	struct ctr *c;
	struct event *timer;      /* the next check, or the running check's deadline */
	struct bufferevent *bev;  /* the running check's stream, NULL between checks */
	int64_t start_ms;
	json_t *log;
	char out[HEALTH_OUTPUT_MAX];
	size_t out_len;
};

static int64_t
hc_int(const struct ctr *c, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(c->spec.healthcheck, key));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static json_t *
iso_time(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[64];

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	return json_string(buf);
}

static void schedule(struct ctr_health *h, int64_t ns);

static void
ctr_health_emit(struct daemon *d, struct ctr *c)
{
	char action[32];

	snprintf(action, sizeof(action), "health_status: %s", c->rt.health);
	events_ctr(d, c, action, NULL);
}

/* One check is over: log it, update the status, schedule the next. */
static void
check_done(struct ctr_health *h, int exit_code, const char *msg)
{
	struct ctr *c = h->c;
	bool in_start = now_ms() < c->rt.started_at * 1000 + hc_int(c, "start_period") / NS_PER_MS;
	int64_t retries = hc_int(c, "retries");
	int old_streak = c->rt.health_streak;
	char old[sizeof(c->rt.health)];
	json_t *e;

	memcpy(old, c->rt.health, sizeof(old));
	if (h->bev) {
		bufferevent_free(h->bev);
		h->bev = NULL;
	}
	e = json_pack("{s:o, s:o, s:i, s:s#}", "start", iso_time(h->start_ms), "end", iso_time(now_ms()), "exit_code",
		      exit_code, "output", msg ? msg : h->out, msg ? strlen(msg) : h->out_len);
	if (e)
		json_array_append_new(h->log, e);
	while (json_array_size(h->log) > HEALTH_LOG_MAX)
		json_array_remove(h->log, 0);
	if (exit_code == 0) {
		c->rt.health_streak = 0;
		snprintf(c->rt.health, sizeof(c->rt.health), "healthy");
	} else if (!in_start || strcmp(c->rt.health, "starting")) {
		if (++c->rt.health_streak >= (retries > 0 ? retries : 3))
			snprintf(c->rt.health, sizeof(c->rt.health), "unhealthy");
	}
	if (strcmp(old, c->rt.health) || old_streak != c->rt.health_streak)
		ctr_save(h->d, c); /* survives a daemon restart */
	if (strcmp(old, c->rt.health))
		ctr_health_emit(h->d, c);
	log_debug("container %.12s: health check exited %d: %s", c->spec.id, exit_code, c->rt.health);
	schedule(h, hc_int(c, "interval"));
}

/* Frames from the shim: output is kept (4 KiB), the exit frame ends it. */
static void on_timer(evutil_socket_t fd, short what, void *arg);

static void
on_check_read(struct bufferevent *bev, void *arg)
{
	struct ctr_health *h = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[FRAME_HDR_LEN];
	enum frame_stream st;
	uint32_t len;

	while (evbuffer_copyout(in, hdr, sizeof(hdr)) == (ev_ssize_t)sizeof(hdr)) {
		if (frame_header_decode(hdr, &st, &len) < 0)
			return check_done(h, -1, "health check: malformed stream from the shim");
		if (evbuffer_get_length(in) < sizeof(hdr) + len)
			return;
		evbuffer_drain(in, sizeof(hdr));
		if (st == FRAME_EXIT) {
			char buf[1024];
			size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
			json_t *o;
			int code;

			evbuffer_remove(in, buf, n);
			buf[n] = '\0';
			o = json_loads(buf, 0, NULL);
			code = json_is_integer(json_object_get(o, "exit_code")) ? (int)json_integer_value(json_object_get(o, "exit_code")) : -1;
			json_decref(o);
			/* the shim killed it at the timeout, and its exit came in
			 * before our own deadline fired (a busy loop): a timeout */
			if (code == 128 + SIGKILL && now_ms() - h->start_ms >= hc_int(h->c, "timeout") / NS_PER_MS - 50)
				return on_timer(-1, 0, h);
			check_done(h, code, NULL);
			return;
		}
		{
			size_t room = sizeof(h->out) - h->out_len, take = len < room ? len : room;

			evbuffer_remove(in, h->out + h->out_len, take);
			h->out_len += take;
			evbuffer_drain(in, len - take);
		}
	}
}

static void
on_check_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		check_done(arg, -1, "health check: the shim closed the stream without an exit code");
}

/* The exec line for the shim: the check's command, the container's env,
 * user and working dir, and the timeout the shim enforces. */
static char *
check_line(const struct ctr *c)
{
	json_t *test = json_object_get(c->spec.healthcheck, "test");
	const char *kind = json_string_value(json_array_get(test, 0)) ?: "";
	json_t *cmd = json_array(), *o, *shell;
	char id[65], *s, *line = NULL;

	if (!strcmp(kind, "CMD-SHELL")) {
		shell = json_pack("[s,s,O]", "sh", "-c", json_array_get(test, 1));
		json_array_extend(cmd, shell); /* copies: shell stays ours */
		json_decref(shell);
	} else
		for (size_t i = 1; i < json_array_size(test); i++)
			json_array_append(cmd, json_array_get(test, i));
	ctr_generate_id(id);
	o = json_pack("{s:s, s:o, s:o, s:s, s:s, s:b, s:b, s:I}", "exec_id", id, "cmd", cmd, "env",
		      strv_to_json(c->spec.env), "cwd", c->spec.cwd[0] ? c->spec.cwd : "/", "user", c->spec.user, "tty",
		      0, "stdin", 0, "timeout_ms", (json_int_t)(hc_int(c, "timeout") / NS_PER_MS ?: 1));
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (s && asprintf(&line, "exec %s\n", s) < 0)
		line = NULL;
	free(s);
	return line;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct ctr_health *h = arg;
	struct ctr *c = h->c;
	char *line, msg[96], dur[32];
	int sfd;

	(void)fd;
	(void)what;
	if (h->bev) { /* the deadline of the running check */
		duration_format(hc_int(c, "timeout"), dur, sizeof(dur));
		snprintf(msg, sizeof(msg), "Health check exceeded timeout (%s)", dur);
		check_done(h, -1, msg);
		return;
	}
	if (!ctr_is_running(c) || c->rt.paused) {
		schedule(h, hc_int(c, "interval"));
		return;
	}
	h->start_ms = now_ms();
	h->out_len = 0;
	line = check_line(c);
	sfd = line ? ctr_shim_connect(h->d, c, line) : -ENOMEM;
	free(line);
	if (sfd < 0) {
		check_done(h, -1, "health check: cannot reach the container's shim");
		return;
	}
	h->bev = bufferevent_socket_new(h->d->base, sfd, BEV_OPT_CLOSE_ON_FREE);
	if (!h->bev) {
		close(sfd);
		check_done(h, -1, "health check: out of memory");
		return;
	}
	bufferevent_setcb(h->bev, on_check_read, NULL, on_check_event, h);
	bufferevent_enable(h->bev, EV_READ);
	schedule(h, hc_int(c, "timeout"));
}

static void
schedule(struct ctr_health *h, int64_t ns)
{
	struct timeval tv;

	if (ns <= 0)
		ns = DEFAULT_NS;
	tv.tv_sec = (time_t)(ns / 1000000000);
	tv.tv_usec = (suseconds_t)(ns % 1000000000 / 1000);
	evtimer_add(h->timer, &tv);
}

void
ctr_health_start(struct daemon *d, struct ctr *c)
{
	struct ctr_health *h;

	if (!c->spec.healthcheck || c->health)
		return;
	h = calloc(1, sizeof(*h));
	if (!h || !(h->log = json_array()) || !(h->timer = evtimer_new(d->base, on_timer, h))) {
		log_warnx("container %.12s: cannot start health checks: out of memory", c->spec.id);
		if (h)
			json_decref(h->log);
		free(h);
		return;
	}
	h->d = d;
	h->c = c;
	c->health = h;
	if (!c->rt.health[0]) /* else restored from state.json */
		snprintf(c->rt.health, sizeof(c->rt.health), "starting");
	schedule(h, hc_int(c, "interval"));
}

void
ctr_health_stop(struct ctr *c)
{
	struct ctr_health *h = c->health;

	if (!h)
		return;
	if (h->bev)
		bufferevent_free(h->bev);
	event_free(h->timer);
	json_decref(h->log);
	free(h);
	c->health = NULL;
}

json_t *
ctr_health_json(const struct ctr *c)
{
	const struct ctr_health *h = c->health;

	if (!c->spec.healthcheck)
		return NULL;
	return json_pack("{s:s, s:i, s:o}", "status", c->rt.health[0] ? c->rt.health : "none", "failing_streak",
			 c->rt.health_streak, "log", h ? json_incref(h->log) : json_array());
}

/* The image's Healthcheck (Docker/OCI config) in our form, or NULL. */
static json_t *
from_image(json_t *img_cfg)
{
	json_t *hc = json_object_get(img_cfg, "Healthcheck"), *test = json_object_get(hc, "Test");
	const char *kind = json_string_value(json_array_get(test, 0));

	if (!kind || (strcmp(kind, "CMD") && strcmp(kind, "CMD-SHELL")) || json_array_size(test) < 2)
		return NULL;
	return json_pack("{s:O, s:I, s:I, s:I, s:I}", "test", test, "interval",
			 json_integer_value(json_object_get(hc, "Interval")) ?: DEFAULT_NS, "timeout",
			 json_integer_value(json_object_get(hc, "Timeout")) ?: DEFAULT_NS, "start_period",
			 json_integer_value(json_object_get(hc, "StartPeriod")), "retries",
			 json_integer_value(json_object_get(hc, "Retries")) ?: 3);
}

int
ctr_health_config(const struct health_opts *h, json_t *img_cfg, json_t **ret)
{
	json_t *o;

	*ret = NULL;
	if (h->disable)
		return 0;
	o = h->cmd ? json_pack("{s:[s,s], s:I, s:I, s:I, s:I}", "test", "CMD-SHELL", h->cmd, "interval", DEFAULT_NS,
			       "timeout", DEFAULT_NS, "start_period", (json_int_t)0, "retries", (json_int_t)3)
		   : from_image(img_cfg);
	if (!o)
		return h->cmd ? -ENOMEM : 0;
	if (h->interval_ns >= 0)
		json_object_set_new(o, "interval", json_integer((json_int_t)h->interval_ns));
	if (h->timeout_ns >= 0)
		json_object_set_new(o, "timeout", json_integer((json_int_t)h->timeout_ns));
	if (h->start_period_ns >= 0)
		json_object_set_new(o, "start_period", json_integer((json_int_t)h->start_period_ns));
	if (h->retries)
		json_object_set_new(o, "retries", json_integer(h->retries));
	*ret = o;
	return 0;
}
