/* lite pull: the OCI distribution API client, run in lite-image (never in
 * the daemon: libcurl links only here). GET /v2/REPO/manifests/REF with all
 * four manifest media types in Accept; an index or manifest list picks
 * linux/<host arch>; then the config and every layer blob not already in
 * the store, several at once (curl multi), each resumable (Range) from
 * DATA_ROOT/tmp/pull-partial/HEX.
 *
 * Safety: every byte from the registry is verified before it is used: the
 * manifest's sha256 (against the digest asked for, or the registry's
 * Docker-Content-Digest), the config's and every blob's sha256 against the
 * manifest, each layer's uncompressed sha256 against the config's diff_ids
 * (image_layer_get, shared with load). Documents are size-capped; blobs may
 * not exceed their descriptor's size. A failed pull tags nothing. */
#include "image-pull.h"
#include "image-pull-internal.h"
#include "fd-util.h"
#include "image-internal.h"
#include "image-load.h"
#include "image-manifest.h"

#include "cleanup.h"
#include "image-ref.h"

#include <curl/curl.h>
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DOC_MAX (4u << 20)

/* image_pull_set_mirrors, _set_tls_fallback: one process, one pull */
static const char *mirrors;
static bool tls_fallback;
#define PARALLEL 3L
#define ACCEPT_MANIFESTS "Accept: " MT_OCI_MANIFEST ", " MT_OCI_INDEX ", " MT_DOCKER_MANIFEST ", " MT_DOCKER_LIST



/* One layer blob being downloaded into tmp/pull-partial/HEX. */
struct dl {
	struct pull *p;
	size_t layer;     /* 1-based, for messages */
	char hex[65];
	uint64_t size;    /* the descriptor's */
	uint64_t done, shown;
	int fd;
	bool first_write, too_big, complete;
	bool present;     /* the layer is in the store already: nothing to fetch */
	const char *src;  /* the blob to unpack (a duplicate's is the first's) */
	long status;
	struct sha256_ctx sha;
	char path[PATH_MAX];
	CURL *h;
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
};

static void
progress(struct pull *p, const char *hex, const char *status, uint64_t cur, uint64_t total)
{
	if (!p->progress)
		return;
	fprintf(p->progress, "progress {\"id\":\"%.12s\",\"status\":\"%s\",\"current\":%llu,\"total\":%llu}\n", hex,
		status, (unsigned long long)cur, (unsigned long long)total);
	fflush(p->progress);
}

size_t
image_pull_on_body(char *data, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	char *nb;

	if (r->len + n > DOC_MAX) {
		r->too_big = true;
		return 0;
	}
	nb = realloc(r->body, r->len + n + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->len, data, n);
	r->body = nb;
	r->len += n;
	r->body[r->len] = '\0';
	return size * n;
}

/* Copy header "name: value" into out if it is that header. */
static void
header_value(const char *line, size_t n, const char *name, char *out, size_t len)
{
	size_t k = strlen(name), v;

	if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
		return;
	line += k + 1, n -= k + 1;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' '))
		n--;
	v = n < len - 1 ? n : len - 1;
	memcpy(out, line, v);
	out[v] = '\0';
}

size_t
image_pull_on_header(char *line, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;

	if (!strncasecmp(line, "HTTP/", 5)) /* a new response (redirect, retry) */
		r->challenge[0] = r->digest[0] = r->location[0] = '\0';
	header_value(line, n, "www-authenticate", r->challenge, sizeof(r->challenge));
	header_value(line, n, "docker-content-digest", r->digest, sizeof(r->digest));
	header_value(line, n, "location", r->location, sizeof(r->location));
	return size * n;
}

/* curl's socket for a strict pull: none for an internal address, checked
 * after name resolution, so a name that resolves (or is re-bound) to
 * 127.0.0.1 is caught as a literal address is. */
static curl_socket_t
strict_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct pull *p = arg;
	char host[INET6_ADDRSTRLEN] = "?";

	(void)purpose;
	if (!image_pull_ref_addr_internal(&a->addr))
		return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (a->family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&a->addr)->sin_addr, host, sizeof(host));
	else if (a->family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a->addr)->sin6_addr, host, sizeof(host));
	snprintf(p->refused_addr, sizeof(p->refused_addr), "%s", host);
	return CURL_SOCKET_BAD;
}

/* Options every request shares; headers: Accept (may be NULL) and auth. */
struct curl_slist *
image_pull_easy_setup(struct pull *p, CURL *h, const char *url, const char *accept, char *errbuf)
{
	struct curl_slist *hdrs = NULL;
	char auth[8192];

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, p->strict ? "https" : "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, p->strict ? "https" : "http,https");
	if (p->strict) { /* every connection, redirects and token servers too */
		curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, strict_socket);
		curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, p);
	}
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "lite/0.1");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (p->tls_noverify) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	errbuf[0] = '\0';
	if (accept)
		hdrs = curl_slist_append(hdrs, accept);
	if (p->token && snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->token) < (int)sizeof(auth))
		hdrs = curl_slist_append(hdrs, auth);
	if (p->basic && p->user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERPWD, p->user);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	return hdrs;
}

int
image_pull_curl_failed(struct pull *p, CURLcode c, const char *errbuf, struct lite_err *err)
{
	const char *why = errbuf && *errbuf ? errbuf : curl_easy_strerror(c);

	if (p->refused_addr[0])
		return lite_err_set(err, EACCES,
				    "registry '%s' leads to the internal address %s: not for non-root users unless the registry is in the daemon's insecure-registries",
				    p->ref.registry, p->refused_addr);
	if (p->strict && c == CURLE_UNSUPPORTED_PROTOCOL)
		return lite_err_set(err, EACCES, "registry '%s' redirected to plain HTTP (insecure): not for non-root users",
				    p->ref.registry);

	if (p->realm)
		return lite_err_set(err, c == CURLE_COULDNT_CONNECT ? ECONNREFUSED : EIO, "token server %s: %s%s", p->realm,
				    c == CURLE_COULDNT_CONNECT ? "cannot connect: " : "", why);

	if (c == CURLE_COULDNT_RESOLVE_HOST)
		return lite_err_set(err, EHOSTUNREACH, "cannot resolve registry host '%s'", p->ref.registry);
	if (c == CURLE_COULDNT_CONNECT)
		return lite_err_set(err, ECONNREFUSED, "cannot connect to registry '%s': %s", p->ref.registry, why);
	return lite_err_set(err, EIO, "registry '%s': %s", p->ref.registry, why);
}

/* One GET into r; returns the HTTP status or -errno. */
static long
get_once(struct pull *p, const char *url, const char *accept, struct resp *r, struct lite_err *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs;
	long status = 0;
	CURLcode c;

	if (!h)
		return lite_err_set(err, ENOMEM, "out of memory");
	free(r->body);
	memset(r, 0, sizeof(*r));
	hdrs = image_pull_easy_setup(p, h, url, accept, r->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, image_pull_on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, image_pull_on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	c = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (r->too_big)
		return lite_err_set(err, EFBIG, "registry '%s': response larger than %u bytes", p->ref.registry, DOC_MAX);
	if (c != CURLE_OK)
		return image_pull_curl_failed(p, c, r->errbuf, err);
	return status;
}

int
image_pull_need_credentials(struct pull *p, struct lite_err *err)
{
	if (p->user)
		return lite_err_set(err, EACCES, "registry '%s': authentication failed (check --user)", p->ref.registry);
	return lite_err_set(err, EACCES, "registry '%s' requires authentication: use --user USER:PASSWORD",
			    p->ref.registry);
}

/* Answer a 401's challenge: Basic (use --user) or Bearer (get a token). */
int
image_pull_authenticate(struct pull *p, const char *challenge, struct lite_err *err)
{
	struct pull_challenge c;
	_cleanup_free_ char *url = NULL;
	char *svc, *scope, dflt[300];
	struct resp r = { 0 };
	json_auto_t *doc = NULL;
	const char *tok;
	long st;

	if (image_pull_auth_parse(challenge, &c) < 0)
		return image_pull_need_credentials(p, err);
	if (!strcasecmp(c.scheme, "Basic")) {
		if (!p->user || p->basic)
			return image_pull_need_credentials(p, err);
		p->basic = true;
		return 0;
	}
	if (p->token && c.realm[0])
		return lite_err_set(err, EACCES, "registry '%s' rejected the token from %s (%s)", p->ref.registry, c.realm,
				    c.error[0] ? c.error : "HTTP 401");
	if (!c.realm[0])
		return image_pull_need_credentials(p, err);
	snprintf(dflt, sizeof(dflt), "repository:%s:%s", p->ref.repo, p->actions ? p->actions : "pull");
	svc = curl_easy_escape(NULL, c.service, 0);
	/* push asks for pull,push at once (a HEAD's challenge names only pull) */
	scope = curl_easy_escape(NULL, c.scope[0] && !p->actions ? c.scope : dflt, 0);
	/* login asks for no repository: a token for the account only */
	if (!c.scope[0] && !p->ref.repo[0] && scope)
		scope[0] = '\0';
	if (svc && scope && asprintf(&url, "%s%sservice=%s%s%s", c.realm, strchr(c.realm, '?') ? "&" : "?",
				     svc, *scope ? "&scope=" : "", scope) < 0)
		url = NULL;
	curl_free(svc);
	curl_free(scope);
	if (!url)
		return lite_err_set(err, ENOMEM, "out of memory");
	p->basic = p->user != NULL;
	p->realm = c.realm;
	st = get_once(p, url, NULL, &r, err);
	p->basic = false;
	p->realm = NULL;
	doc = st == 200 ? json_loadb(r.body ? r.body : "", r.len, 0, NULL) : NULL;
	free(r.body);
	if (st < 0)
		return (int)st;
	if (st == 401 || st == 403)
		return image_pull_need_credentials(p, err);
	tok = json_string_value(json_object_get(doc, "token")) ?: json_string_value(json_object_get(doc, "access_token"));
	if (!tok || !(p->token = strdup(tok)))
		return lite_err_set(err, EACCES, "registry '%s': the token server (HTTP %ld) gave no token",
				    p->ref.registry, st);
	return 0;
}

/* GET with authentication on demand; returns the HTTP status or -errno. */
static long
get_doc(struct pull *p, const char *url, const char *accept, struct resp *r, struct lite_err *err)
{
	long st = get_once(p, url, accept, r, err);
	int e;

	for (int i = 0; st == 401 && i < 2; i++) {
		e = image_pull_authenticate(p, r->challenge, err);
		if (e < 0)
			return e;
		st = get_once(p, url, accept, r, err);
	}
	if (st == 401)
		return image_pull_need_credentials(p, err);
	return st;
}

/* The manifest ref (a tag or "sha256:HEX"); verified; *ret_hex its sha256. */
static int
fetch_manifest(struct pull *p, const char *ref, json_t **ret, char ret_hex[65], struct lite_err *err)
{
	char url[1024], hex[65], want[65] = "";
	struct resp r = { 0 };
	json_t *doc;
	long st;

	snprintf(url, sizeof(url), "%s/manifests/%s", p->base, ref);
	st = get_doc(p, url, ACCEPT_MANIFESTS, &r, err);
	if (st == 404)
		lite_err_set(err, ENOENT, "manifest unknown: %s%s%s not found on registry '%s'", p->ref.repo,
			     strchr(ref, ':') ? "@" : ":", ref, p->ref.registry);
	else if (st >= 0 && st != 200)
		lite_err_set(err, EIO, "registry '%s': GET manifest %s: HTTP %ld", p->ref.registry, ref, st);
	if (st != 200) {
		free(r.body);
		return st < 0 ? (int)st : -(st == 404 ? ENOENT : EIO);
	}
	image_sha256_hex(r.body ? r.body : "", r.len, hex);
	if (image_digest_parse(ref, want) < 0)
		(void)image_digest_parse(r.digest, want);
	if (want[0] && strcmp(want, hex)) {
		free(r.body);
		return lite_err_set(err, EBADMSG, "manifest digest mismatch: got sha256:%.12s..., want sha256:%.12s...",
				    hex, want);
	}
	doc = json_loadb(r.body ? r.body : "", r.len, JSON_REJECT_DUPLICATES, NULL);
	free(r.body);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return lite_err_set(err, EBADMSG, "manifest %s is not valid JSON", ref);
	}
	memcpy(ret_hex, hex, 65);
	*ret = doc;
	return 0;
}

/* The image manifest for this host: through an index if there is one. */
static int
resolve_manifest(struct pull *p, json_t **ret, char ret_hex[65], struct lite_err *err)
{
	char pick[72], hex[65];
	json_t *doc = NULL;
	int r;

	r = fetch_manifest(p, p->ref.digest[0] ? p->ref.digest : p->ref.tag, &doc, ret_hex, err);
	if (r == 0)
		memcpy(p->top_hex, ret_hex, 65);
	if (r < 0 || !image_manifest_is_index(doc, NULL)) {
		*ret = doc;
		return r;
	}
	r = image_manifest_index_pick(doc, "linux", image_manifest_host_arch(), hex, err);
	json_decref(doc);
	if (r < 0)
		return lite_err_wrap(err, "no matching platform");
	snprintf(pick, sizeof(pick), "sha256:%s", hex);
	return fetch_manifest(p, pick, ret, ret_hex, err);
}

/* The config blob, verified. */
static int
fetch_config(struct pull *p, const char *hex, char **ret, size_t *ret_len, struct lite_err *err)
{
	char url[1024], got[65];
	struct resp r = { 0 };
	long st;

	snprintf(url, sizeof(url), "%s/blobs/sha256:%s", p->base, hex);
	st = get_doc(p, url, NULL, &r, err);
	if (st >= 0 && st != 200)
		st = lite_err_set(err, st == 404 ? ENOENT : EIO, "registry '%s': GET config blob: HTTP %ld",
				  p->ref.registry, st);
	if (st < 0) {
		free(r.body);
		return (int)st;
	}
	image_sha256_hex(r.body ? r.body : "", r.len, got);
	if (strcmp(got, hex)) {
		free(r.body);
		return lite_err_set(err, EBADMSG, "config digest mismatch: got sha256:%.12s..., want sha256:%.12s...",
				    got, hex);
	}
	*ret = r.body ? r.body : strdup("");
	*ret_len = r.len;
	return 0;
}

static size_t
on_blob(char *data, size_t size, size_t n, void *arg)
{
	struct dl *d = arg;

	if (d->first_write) {
		d->first_write = false;
		curl_easy_getinfo(d->h, CURLINFO_RESPONSE_CODE, &d->status);
		if (d->status == 200 && d->done > 0) { /* the Range was ignored: start over */
			if (ftruncate(d->fd, 0) < 0)
				return 0;
			sha256_init(&d->sha);
			d->done = 0;
		}
	}
	if (d->status != 200 && d->status != 206)
		return size * n; /* an error page: dropped, the status tells */
	if (d->done + n > d->size) {
		d->too_big = true;
		return 0;
	}
	if (fd_write_all(d->fd, data, n) < 0)
		return 0;
	sha256_update(&d->sha, n, (const uint8_t *)data);
	d->done += n;
	return size * n;
}

static void
dl_close(struct dl *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	curl_slist_free_all(d->hdrs);
	d->hdrs = NULL;
	if (d->h)
		curl_easy_cleanup(d->h);
	d->h = NULL;
}

static bool
dl_digest_ok(struct dl *d, char got[65])
{
	uint8_t md[SHA256_DIGEST_SIZE];

	sha256_digest(&d->sha, sizeof(md), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(got + 2 * i, 3, "%02x", md[i]);
	return !strcmp(got, d->hex);
}

/* Open (and lock, against a concurrent pull of the same blob) the partial
 * file; hash what is already there, to resume after it. */
static int
dl_open(struct dl *d, struct lite_err *err)
{
	char dir[PATH_MAX], got[65];
	struct stat st;
	char buf[65536];
	ssize_t n;

	if (image_path(dir, sizeof(dir), d->p->data_root, "tmp/pull-partial") < 0 ||
	    image_path(d->path, sizeof(d->path), d->p->data_root, "tmp/pull-partial/%s", d->hex) < 0)
		return lite_err_set(err, ENAMETOOLONG, "data root path too long");
	(void)mkdir(dir, 0700);
	d->fd = open(d->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (d->fd < 0 || flock(d->fd, LOCK_EX) < 0 || fstat(d->fd, &st) < 0)
		return lite_err_sys(err, errno, "open '%s'", d->path);
	sha256_init(&d->sha);
	d->done = 0;
	if ((uint64_t)st.st_size > d->size && ftruncate(d->fd, 0) < 0)
		return lite_err_sys(err, errno, "truncate '%s'", d->path);
	while ((uint64_t)st.st_size <= d->size && (n = pread(d->fd, buf, sizeof(buf), (off_t)d->done)) > 0) {
		sha256_update(&d->sha, (size_t)n, (const uint8_t *)buf);
		d->done += (uint64_t)n;
	}
	if (d->done == d->size) {
		struct sha256_ctx copy = d->sha;

		d->complete = dl_digest_ok(d, got);
		d->sha = copy;
		if (!d->complete && ftruncate(d->fd, 0) == 0) {
			sha256_init(&d->sha);
			d->done = 0;
		}
	}
	return 0;
}

static int
dl_start(struct dl *d, CURLM *m, struct lite_err *err)
{
	char url[1024], range[64];

	d->h = curl_easy_init();
	if (!d->h)
		return lite_err_set(err, ENOMEM, "out of memory");
	snprintf(url, sizeof(url), "%s/blobs/sha256:%s", d->p->base, d->hex);
	d->hdrs = image_pull_easy_setup(d->p, d->h, url, NULL, d->errbuf);
	if (d->done > 0) {
		snprintf(range, sizeof(range), "%llu-", (unsigned long long)d->done);
		curl_easy_setopt(d->h, CURLOPT_RANGE, range);
	}
	d->first_write = true;
	curl_easy_setopt(d->h, CURLOPT_WRITEFUNCTION, on_blob);
	curl_easy_setopt(d->h, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(d->h, CURLOPT_PRIVATE, d);
	curl_multi_add_handle(m, d->h);
	return 0;
}

/* A finished transfer: status, size and digest. */
static int
dl_finish(struct dl *d, CURLcode c, struct lite_err *err)
{
	char got[65];

	if (d->too_big)
		return lite_err_set(err, EBADMSG, "layer %zu: blob sha256:%.12s... is larger than its %llu bytes",
				    d->layer, d->hex, (unsigned long long)d->size);
	if (c != CURLE_OK)
		return image_pull_curl_failed(d->p, c, d->errbuf, err);
	if (d->status == 401 || d->status == 403)
		return image_pull_need_credentials(d->p, err);
	if (d->status != 200 && d->status != 206)
		return lite_err_set(err, EIO, "layer %zu: GET blob sha256:%.12s...: HTTP %ld", d->layer, d->hex,
				    d->status);
	if (d->done != d->size || !dl_digest_ok(d, got)) {
		if (d->done == d->size)
			unlink(d->path);
		return lite_err_set(err, EBADMSG,
				    "layer %zu: blob digest mismatch: got %llu bytes sha256:%.12s..., want sha256:%.12s...",
				    d->layer, (unsigned long long)d->done, d->done == d->size ? got : "?", d->hex);
	}
	d->complete = true;
	progress(d->p, d->hex, "Download complete", d->done, d->size);
	return 0;
}

static void
report(struct dl *dls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dls[i].h && !dls[i].complete && dls[i].done != dls[i].shown) {
			dls[i].shown = dls[i].done;
			progress(dls[i].p, dls[i].hex, "Downloading", dls[i].done, dls[i].size);
		}
}

/* Download every blob not complete yet, PARALLEL at a time. */
static int
download_all(struct dl *dls, size_t n, struct lite_err *err)
{
	CURLM *m = curl_multi_init();
	int running = 0, left, r = 0;
	struct timespec last = { 0 }, now;
	CURLMsg *msg;

	if (!m)
		return lite_err_set(err, ENOMEM, "out of memory");
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, PARALLEL);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (!dls[i].complete)
			r = dl_start(&dls[i], m, err);
	do {
		curl_multi_perform(m, &running);
		while (r == 0 && (msg = curl_multi_info_read(m, &left))) {
			struct dl *d = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&d);
			curl_multi_remove_handle(m, d->h);
			r = dl_finish(d, msg->data.result, err);
			dl_close(d);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec * 1000 + now.tv_nsec / 1000000 - (last.tv_sec * 1000 + last.tv_nsec / 1000000) >= 200) {
			report(dls, n);
			last = now;
		}
		if (r == 0 && running)
			curl_multi_poll(m, NULL, 0, 200, NULL);
	} while (r == 0 && running);
	for (size_t i = 0; i < n; i++) {
		if (dls[i].h)
			curl_multi_remove_handle(m, dls[i].h);
		dl_close(&dls[i]);
	}
	curl_multi_cleanup(m);
	return r;
}

static bool
layer_present(const char *data_root, const char *diff_hex)
{
	char path[PATH_MAX];
	struct stat st;

	return image_path(path, sizeof(path), data_root, "layers/sha256/%s", diff_hex) == 0 && lstat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Which blobs to fetch: not for layers in the store, once per digest. */
static int
plan(struct pull *p, const struct image_desc *d, json_t *layers, json_t *diff_ids, struct dl *dls,
     struct lite_err *err)
{
	for (size_t i = 0; i < d->n_layers; i++) {
		struct dl *x = &dls[i];
		json_int_t size = json_integer_value(json_object_get(json_array_get(layers, i), "size"));
		char diff[65];

		x->p = p, x->layer = i + 1, x->fd = -1, x->size = (uint64_t)size, x->src = x->path;
		memcpy(x->hex, d->layer_hex[i], 65);
		if (image_digest_parse(json_string_value(json_array_get(diff_ids, i)), diff) < 0)
			return lite_err_set(err, EBADMSG, "image config: diff_id %zu is not a sha256 digest", i);
		if (size <= 0)
			return lite_err_set(err, EBADMSG, "image manifest: layer %zu has no valid size", i + 1);
		if (layer_present(p->data_root, diff)) {
			char partial[PATH_MAX];

			x->present = x->complete = true;
			progress(p, x->hex, "Already exists", 0, x->size);
			/* a blob left by a pull that died after storing the layer */
			if (image_path(partial, sizeof(partial), p->data_root, "tmp/pull-partial/%s", x->hex) == 0)
				(void)unlink(partial);
			continue;
		}
		for (size_t j = 0; j < i && !x->complete; j++)
			if (!strcmp(dls[j].hex, x->hex) && !dls[j].present)
				x->complete = true, x->src = dls[j].path;
		if (x->complete)
			continue;
		if (p->max_blob && x->size > p->max_blob) /* the blob may not outgrow it (on_blob) */
			return lite_err_set(err, EFBIG, "layer %zu is too large: %llu bytes (max-layer-size is %llu)", i + 1,
					    (unsigned long long)x->size, (unsigned long long)p->max_blob);
		if (dl_open(x, err) < 0)
			return -EIO;
		if (x->complete)
			progress(p, x->hex, "Download complete", x->size, x->size);
	}
	return 0;
}

/* The familiar name with the repo digest: "busybox@sha256:HEX". */
static int
digest_ref(struct pull *p, char *buf, size_t len)
{
	struct image_ref r = { 0 };
	int n;

	snprintf(r.domain, sizeof(r.domain), "%s", p->ref.registry);
	snprintf(r.path, sizeof(r.path), "%s", p->ref.repo);
	n = snprintf(r.digest, sizeof(r.digest), "sha256:%s", p->top_hex);
	if (!p->top_hex[0] || n < 0 || (size_t)n >= sizeof(r.digest))
		return -EINVAL;
	return image_ref_key(&r, buf, len);
}

/* Unpack (once, under each layer's lock) and commit config and tag. */
static int
store(struct pull *p, const char *cfg, size_t cfg_len, json_t *diff_ids, struct dl *dls, size_t n, char **ret_id,
      struct lite_err *err)
{
	char digest_key[600];
	char *tags[3] = { p->ref.local[0] ? p->ref.local : NULL, NULL, NULL };
	int *locks = calloc(n + 1, sizeof(int));
	int r = locks ? 0 : lite_err_set(err, ENOMEM, "out of memory");

	for (size_t i = 0; locks && i < n; i++)
		locks[i] = -1;
	/* "name@sha256:HEX" (Docker's RepoDigests): run NAME@DIGEST finds it */
	if (digest_ref(p, digest_key, sizeof(digest_key)) == 0)
		tags[tags[0] ? 1 : 0] = digest_key;
	for (size_t i = 0; r == 0 && i < n; i++) {
		char diff[65];

		(void)image_digest_parse(json_string_value(json_array_get(diff_ids, i)), diff);
		if (!dls[i].present)
			progress(p, dls[i].hex, "Extracting", dls[i].size, dls[i].size);
		r = image_layer_get(p->data_root, dls[i].present ? "/nonexistent" : dls[i].src, diff, &locks[i], err);
		if (r < 0)
			r = lite_err_wrap(err, "layer %zu (sha256:%.12s)", i + 1, diff);
		else if (!dls[i].present)
			progress(p, dls[i].hex, "Pull complete", dls[i].size, dls[i].size);
	}
	if (r == 0)
		r = image_load_commit_config(p->data_root, cfg, cfg_len, diff_ids, tags, ret_id, err);
	for (size_t i = 0; locks && i < n; i++)
		if (locks[i] >= 0)
			close(locks[i]);
	free(locks);
	return r;
}

static int
pull_image(struct pull *p, json_t **ret, struct lite_err *err)
{
	json_auto_t *man = NULL, *cfg = NULL;
	_cleanup_free_ char *cfg_buf = NULL, *id = NULL;
	struct image_desc d = { 0 };
	struct dl *dls = NULL;
	size_t cfg_len = 0, fetched = 0, existing = 0;
	json_t *diff_ids = NULL;
	char mhex[65];
	int r;

	r = resolve_manifest(p, &man, mhex, err);
	if (r == 0)
		r = image_manifest_oci(man, false, &d, err);
	if (r == 0)
		r = fetch_config(p, d.config_hex, &cfg_buf, &cfg_len, err);
	if (r == 0) {
		cfg = json_loadb(cfg_buf, cfg_len, JSON_REJECT_DUPLICATES, NULL);
		diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
		if (!json_is_array(diff_ids) || json_array_size(diff_ids) != d.n_layers)
			r = lite_err_set(err, EBADMSG, "image config: rootfs.diff_ids does not match the manifest's %zu layers",
					 d.n_layers);
	}
	if (r == 0 && !(dls = calloc(d.n_layers + 1, sizeof(*dls))))
		r = lite_err_set(err, ENOMEM, "out of memory");
	if (r == 0)
		r = plan(p, &d, json_object_get(man, "layers"), diff_ids, dls, err);
	if (r == 0)
		r = download_all(dls, d.n_layers, err);
	if (r == 0)
		r = store(p, cfg_buf, cfg_len, diff_ids, dls, d.n_layers, &id, err);
	for (size_t i = 0; dls && i < d.n_layers; i++) {
		dl_close(&dls[i]);
		fetched += !dls[i].present && dls[i].src == dls[i].path;
		existing += dls[i].present;
		if (r == 0 && !dls[i].present && dls[i].src == dls[i].path)
			unlink(dls[i].path);
	}
	free(dls);
	image_manifest_desc_free(&d);
	if (r == 0)
		*ret = json_pack("{s:s,s:o,s:s+,s:I,s:I}", "id", id, "tags",
				 p->ref.local[0] ? json_pack("[s]", p->ref.local) : json_array(), "digest", "sha256:", mhex, "downloaded", (json_int_t)fetched, "existing",
				 (json_int_t)existing);
	return r;
}

void
image_pull_set_base(struct pull *p, bool plain, bool insecure)
{
	const char *host = image_pull_ref_api_host(&p->ref);
	struct lite_err e = { 0 };
	struct resp r = { 0 };
	char url[400];

	if (!plain && insecure) {
		p->tls_noverify = true;
		snprintf(url, sizeof(url), "https://%s/v2/", host);
		if (get_once(p, url, NULL, &r, &e) < 0) { /* no TLS there: plain HTTP */
			p->tls_noverify = false;
			plain = true;
		}
		free(r.body);
		lite_err_clear(&e);
	}
	snprintf(p->base, sizeof(p->base), "%s://%s/v2%s%s", plain ? "http" : "https", host, p->ref.repo[0] ? "/" : "",
		 p->ref.repo);
}

void
image_pull_set_mirrors(const char *list)
{
	mirrors = list;
}

void
image_pull_set_tls_fallback(bool on)
{
	tls_fallback = on;
}

/* docker.io images: each of "registry-mirrors" in order, then docker.io.
 * A mirror is the operator's choice (daemon.json), so any caller may use
 * it over the scheme it names; a failing one is reported and skipped.
 * Mirrors are asked anonymously. */
static int
pull_mirrors(struct pull *p, json_t **ret)
{
	int r = -ENOENT;

	for (const char *m = mirrors; m && *m && r < 0;) {
		const char *end = strchrnul(m, ',');
		struct pull q = *p;
		struct lite_err e = { 0 };

		q.strict = false;
		q.token = NULL;
		q.user = NULL; /* Docker Hub credentials are Docker Hub's, never a mirror's */
		q.tls_noverify = false;
		if (snprintf(q.base, sizeof(q.base), "%.*s/v2/%s", (int)(end - m), m, p->ref.repo) < (int)sizeof(q.base))
			r = pull_image(&q, ret, &e);
		if (r < 0 && p->progress) {
			json_auto_t *msg = json_pack("{s:s,s:s+}", "id", "mirror", "status", "failed, next: ",
						     e.msg ? e.msg : "?");
			_cleanup_free_ char *line = msg ? json_dumps(msg, JSON_COMPACT) : NULL;

			if (line) {
				fprintf(p->progress, "progress %s\n", line);
				fflush(p->progress);
			}
		}
		if (r == 0)
			memcpy(p->top_hex, q.top_hex, sizeof(p->top_hex));
		free(q.token);
		lite_err_clear(&e);
		m = *end ? end + 1 : end;
	}
	return r;
}

int
image_pull(const char *data_root, const char *ref, bool insecure, const char *user, const char *listed,
	   uint64_t max_blob, FILE *progress_out, json_t **ret, struct lite_err *err)
{
	struct pull p = { .data_root = data_root, .user = user, .progress = progress_out, .max_blob = max_blob };
	bool plain;
	int r;

	r = image_pull_ref_parse(ref, &p.ref, err);
	if (r < 0)
		return r;
	plain = (insecure && !tls_fallback) || image_pull_ref_is_local(&p.ref);
	p.strict = listed && !image_pull_ref_listed(listed, p.ref.registry);
	if (p.strict && plain) /* refused before any connection */
		return lite_err_set(err, EACCES,
				    "pull %s: registry '%s' is plain HTTP (insecure) and not in the daemon's insecure-registries: only root may pull from it",
				    ref, p.ref.registry);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return lite_err_set(err, EIO, "cannot initialise libcurl");
	image_pull_set_base(&p, plain, insecure && tls_fallback);
	r = -ENOENT;
	if (!strcmp(p.ref.registry, PULL_DOCKER_HUB))
		r = pull_mirrors(&p, ret);
	if (r < 0)
		r = pull_image(&p, ret, err);
	free(p.token);
	curl_global_cleanup();
	if (r < 0)
		return lite_err_wrap(err, "pull %s", ref);
	return 0;
}
