/* lite push and lite login: the OCI distribution API's upload side, run in
 * lite-image with pull's registry session (image-pull-internal.h).
 *
 * push: every blob (each layer as a tar, then the config) is checked with
 * HEAD and skipped when the registry has it; otherwise one monolithic
 * upload: POST /v2/REPO/blobs/uploads/ then PUT LOCATION?digest=D with
 * the bytes. Then PUT /v2/REPO/manifests/TAG with an OCI image manifest.
 * Layers go uncompressed (media type ...layer.v1.tar): the blob digest is
 * the diff_id, nothing is compressed twice, and the image keeps its id
 * (the config's bytes are sent as stored). A layer whose tar no longer
 * hashes to its diff_id (stored before tar-split) gets the config
 * rewritten with the new digests, as save does.
 *
 * login: GET /v2/ with the credentials (Basic, or a token from the realm
 * the 401 names). Credentials come from the client per request and are
 * never written by this process. */
#include "image-push.h"
#include "image-pull-internal.h"
#include "image-internal.h"
#include "image-manifest.h"
#include "image-save.h"
#include "image.h"

#include "cleanup.h"
#include "fs-util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"

/* image_push_set_tls_fallback: as image_pull's, one process, one push */
static bool tls_fallback;

void
image_push_set_tls_fallback(bool on)
{
	tls_fallback = on;
}

struct body {
	const char *buf; /* or fd */
	int fd;
	uint64_t len, off;
};

static size_t
on_read(char *dst, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t want = size * n;
	ssize_t got;

	if (b->off >= b->len)
		return 0;
	if (want > b->len - b->off)
		want = (size_t)(b->len - b->off);
	if (b->buf) {
		memcpy(dst, b->buf + b->off, want);
		got = (ssize_t)want;
	} else {
		got = pread(b->fd, dst, want, (off_t)b->off);
		if (got <= 0)
			return CURL_READFUNC_ABORT;
	}
	b->off += (uint64_t)got;
	return (size_t)got;
}

/* One request: method, optional body and Content-Type; the status or -errno. */
static long
request_once(struct pull *p, const char *method, const char *url, const char *ctype, struct body *b, struct resp *r,
	     struct lite_err *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs;
	char ct[200];
	long status = 0;
	CURLcode c;

	if (!h)
		return lite_err_set(err, ENOMEM, "out of memory");
	free(r->body);
	memset(r, 0, sizeof(*r));
	hdrs = image_pull_easy_setup(p, h, url, NULL, r->errbuf);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* Location is the upload URL */
	if (ctype && snprintf(ct, sizeof(ct), "Content-Type: %s", ctype) < (int)sizeof(ct)) {
		hdrs = curl_slist_append(hdrs, ct);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	}
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(method, "PUT")) {
		b->off = 0;
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(h, CURLOPT_READDATA, b);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)b->len);
	} else if (!strcmp(method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	}
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, image_pull_on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, image_pull_on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	c = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (c != CURLE_OK)
		return image_pull_curl_failed(p, c, r->errbuf, err);
	return status;
}

/* With authentication on demand, as pull's GETs. */
static long
request(struct pull *p, const char *method, const char *url, const char *ctype, struct body *b, struct resp *r,
	struct lite_err *err)
{
	long st = request_once(p, method, url, ctype, b, r, err);
	int e;

	for (int i = 0; st == 401 && i < 2; i++) {
		e = image_pull_authenticate(p, r->challenge, err);
		if (e < 0)
			return e;
		st = request_once(p, method, url, ctype, b, r, err);
	}
	if (st == 401)
		return image_pull_need_credentials(p, err);
	return st;
}

static void
progress(struct pull *p, const char *hex, const char *status, uint64_t cur, uint64_t total)
{
	if (!p->progress)
		return;
	fprintf(p->progress, "progress {\"id\":\"%.12s\",\"status\":\"%s\",\"current\":%llu,\"total\":%llu}\n", hex,
		status, (unsigned long long)cur, (unsigned long long)total);
	fflush(p->progress);
}

static int
http_error(struct pull *p, const char *what, long st, struct resp *r, struct lite_err *err)
{
	json_auto_t *doc = r->body ? json_loads(r->body, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(json_array_get(json_object_get(doc, "errors"), 0), "message"));

	if (st == 403)
		return lite_err_set(err, EACCES, "registry '%s': %s: denied (HTTP 403)%s%s", p->ref.registry, what,
				    msg ? ": " : "", msg ? msg : "");
	return lite_err_set(err, EIO, "registry '%s': %s: HTTP %ld%s%s", p->ref.registry, what, st, msg ? ": " : "",
			    msg ? msg : "");
}

/* Upload one blob unless the registry has it: 1 pushed, 0 already there. */
static int
push_blob(struct pull *p, const char *hex, struct body *b, struct lite_err *err)
{
	_cleanup_free_ char *put = NULL;
	struct resp r = { 0 };
	char url[1024];
	long st;

	snprintf(url, sizeof(url), "%s/blobs/sha256:%s", p->base, hex);
	st = request(p, "HEAD", url, NULL, b, &r, err);
	if (st == 200) {
		free(r.body);
		progress(p, hex, "Layer already exists", b->len, b->len);
		return 0;
	}
	progress(p, hex, "Pushing", 0, b->len);
	snprintf(url, sizeof(url), "%s/blobs/uploads/", p->base);
	if (st >= 0)
		st = request(p, "POST", url, NULL, b, &r, err);
	if (st >= 0 && st != 202)
		st = http_error(p, "start a blob upload", st, &r, err);
	if (st >= 0 && !r.location[0])
		st = lite_err_set(err, EBADMSG, "registry '%s': blob upload without a Location", p->ref.registry);
	if (st >= 0) {
		/* Location may be relative to the registry, and may have a query */
		const char *loc = r.location, *q = strchr(loc, '?') ? "&" : "?";
		char origin[700];
		const char *path_start = strstr(p->base, "/v2/");

		snprintf(origin, sizeof(origin), "%.*s", path_start ? (int)(path_start - p->base) : 0, p->base);
		if (asprintf(&put, "%s%s%sdigest=sha256%%3A%s", loc[0] == '/' ? origin : "", loc, q, hex) < 0) {
			put = NULL;
			st = lite_err_set(err, ENOMEM, "out of memory");
		}
	}
	if (st >= 0)
		st = request(p, "PUT", put, "application/octet-stream", b, &r, err);
	if (st >= 0 && st != 201)
		st = http_error(p, "upload a blob", st, &r, err);
	free(r.body);
	if (st < 0)
		return (int)st;
	progress(p, hex, "Pushed", b->len, b->len);
	return 1;
}

/* Every layer as a tar in dir; new diff_ids into ids. */
static int
push_layers(struct pull *p, const char *dir, struct image *img, json_t *ids, json_t *descs, struct lite_err *err)
{
	for (size_t i = 0; i < img->n_layers; i++) {
		char path[PATH_MAX], hex[65], digest[80];
		_cleanup_close_ int fd = -1;
		struct body b = { .fd = -1 };
		uint64_t size = 0;
		int r;

		snprintf(path, sizeof(path), "%s/layer-%zu.tar", dir, i);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			return lite_err_sys(err, errno, "create '%s'", path);
		progress(p, img->diff_ids[i] + 7, "Preparing", 0, 0);
		r = image_save_layer_tar(p->data_root, img->diff_ids[i], fd, hex, &size, err);
		if (r < 0)
			return r;
		b.fd = fd;
		b.len = size;
		r = push_blob(p, hex, &b, err);
		(void)unlink(path);
		if (r < 0)
			return lite_err_wrap(err, "layer %zu", i + 1);
		snprintf(digest, sizeof(digest), "sha256:%s", hex);
		json_array_append_new(ids, json_string(digest));
		json_array_append_new(descs, json_pack("{s:s,s:s,s:I}", "mediaType", MT_OCI_LAYER_TAR, "digest", digest,
						       "size", (json_int_t)size));
	}
	return 0;
}

/* The config's bytes as stored (the image id), or rewritten when a layer's
 * digest changed. */
static int
config_bytes(struct pull *p, struct image *img, json_t *ids, char **ret, size_t *ret_len, struct lite_err *err)
{
	json_t *old = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	char path[PATH_MAX];
	int r;

	if (json_equal(old, ids)) {
		r = image_path(path, sizeof(path), p->data_root, "images/sha256/%s.json", img->id + 7);
		if (r == 0)
			r = fs_read_file(path, ret, ret_len);
		return r < 0 ? lite_err_sys(err, r, "read config of %s", img->id) : 0;
	}
	json_object_set(json_object_get(img->config, "rootfs"), "diff_ids", ids);
	*ret = json_dumps(img->config, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*ret)
		return lite_err_set(err, ENOMEM, "out of memory");
	*ret_len = strlen(*ret);
	return 0;
}

static int
push_manifest(struct pull *p, const char *cfg_hex, size_t cfg_len, json_t *descs, char ret_hex[65],
	      struct lite_err *err)
{
	_cleanup_free_ char *bytes = NULL;
	json_auto_t *m = NULL;
	struct resp r = { 0 };
	struct body b = { .fd = -1 };
	char url[1024], digest[80];
	long st;

	snprintf(digest, sizeof(digest), "sha256:%s", cfg_hex);
	m = json_pack("{s:i,s:s,s:{s:s,s:s,s:I},s:O}", "schemaVersion", 2, "mediaType", MT_OCI_MANIFEST, "config",
		      "mediaType", MT_OCI_CONFIG, "digest", digest, "size", (json_int_t)cfg_len, "layers", descs);
	bytes = m ? json_dumps(m, JSON_COMPACT) : NULL;
	if (!bytes)
		return lite_err_set(err, ENOMEM, "out of memory");
	b.buf = bytes;
	b.len = strlen(bytes);
	image_sha256_hex(bytes, b.len, ret_hex);
	snprintf(url, sizeof(url), "%s/manifests/%s", p->base, p->ref.tag);
	st = request(p, "PUT", url, MT_OCI_MANIFEST, &b, &r, err);
	if (st >= 0 && st != 201)
		st = http_error(p, "put the manifest", st, &r, err);
	free(r.body);
	return st < 0 ? (int)st : 0;
}

static int
push_image(struct pull *p, const char *ref, json_t **ret, struct lite_err *err)
{
	_cleanup_free_ char *id = NULL, *cfg = NULL;
	json_auto_t *ids = json_array(), *descs = json_array();
	struct image *img = NULL;
	char dir[PATH_MAX], cfg_hex[65], mhex[65];
	struct body b = { .fd = -1 };
	size_t cfg_len = 0;
	int r;

	r = image_resolve(p->data_root, ref, &id, err);
	if (r == 0)
		r = image_load(p->data_root, id, &img, err);
	if (r < 0)
		return lite_err_set(err, ENOENT, "no such image: %s (tag it with the registry's name first: lite tag)", ref);
	r = image_path(dir, sizeof(dir), p->data_root, "tmp/job-push-XXXXXX");
	if (r < 0 || !mkdtemp(dir)) {
		image_free(img);
		return lite_err_sys(err, r < 0 ? r : errno, "create staging dir");
	}
	r = push_layers(p, dir, img, ids, descs, err);
	if (r == 0)
		r = config_bytes(p, img, ids, &cfg, &cfg_len, err);
	if (r == 0) {
		image_sha256_hex(cfg, cfg_len, cfg_hex);
		b.buf = cfg;
		b.len = cfg_len;
		r = push_blob(p, cfg_hex, &b, err);
		r = r < 0 ? lite_err_wrap(err, "config") : 0;
	}
	if (r == 0)
		r = push_manifest(p, cfg_hex, cfg_len, descs, mhex, err);
	(void)fs_rm_rf(dir);
	image_free(img);
	if (r == 0)
		*ret = json_pack("{s:s,s:s+,s:s+,s:I}", "ref", p->ref.local, "digest", "sha256:", mhex, "id", "sha256:",
				 cfg_hex, "size", (json_int_t)cfg_len);
	return r;
}

/* A session with pull's policy: plain HTTP when asked or local; a non-root
 * caller's (listed != NULL) strict unless the registry is listed. */
static int
session(struct pull *p, bool insecure, const char *listed, const char *what, struct lite_err *err)
{
	bool plain = (insecure && !tls_fallback) || image_pull_ref_is_local(&p->ref);

	p->strict = listed && !image_pull_ref_listed(listed, p->ref.registry);
	if (p->strict && plain)
		return lite_err_set(err, EACCES,
				    "%s: registry '%s' is plain HTTP (insecure) and not in the daemon's insecure-registries: only root may use it",
				    what, p->ref.registry);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return lite_err_set(err, EIO, "cannot initialise libcurl");
	image_pull_set_base(p, plain, insecure && tls_fallback);
	return 0;
}

int
image_push(const char *data_root, const char *ref, bool insecure, const char *user, const char *listed,
	   FILE *progress_out, json_t **ret, struct lite_err *err)
{
	struct pull p = { .data_root = data_root, .user = user, .progress = progress_out, .actions = "pull,push" };
	int r;

	r = image_pull_ref_parse(ref, &p.ref, err);
	if (r == 0 && p.ref.digest[0])
		r = lite_err_set(err, EINVAL, "push %s: push a tag, not a digest", ref);
	if (r == 0)
		r = session(&p, insecure, listed, "push", err);
	if (r < 0)
		return r;
	r = push_image(&p, ref, ret, err);
	free(p.token);
	curl_global_cleanup();
	return r < 0 ? lite_err_wrap(err, "push %s", ref) : 0;
}

int
image_push_login(const char *registry, bool insecure, const char *user, const char *listed, struct lite_err *err)
{
	struct pull p = { .user = user };
	struct resp r = { 0 };
	char url[800];
	long st;
	int e;

	if (!*registry || strlen(registry) >= sizeof(p.ref.registry) || strpbrk(registry, "/ @"))
		return lite_err_set(err, EINVAL, "login: invalid registry '%.100s': want HOST[:PORT]", registry);
	snprintf(p.ref.registry, sizeof(p.ref.registry), "%s", registry);
	if (!strcmp(registry, "index.docker.io") || !strcmp(registry, PULL_DOCKER_HUB_API))
		snprintf(p.ref.registry, sizeof(p.ref.registry), "%s", PULL_DOCKER_HUB);
	e = session(&p, insecure, listed, "login", err);
	if (e < 0)
		return e;
	snprintf(url, sizeof(url), "%s/", p.base);
	p.basic = true; /* offer the credentials at once, as docker login does */
	st = request(&p, "GET", url, NULL, NULL, &r, err);
	if (st == 403 || (st == -EACCES && !p.refused_addr[0])) {
		lite_err_clear(err);
		st = lite_err_set(err, EACCES, "unauthorized: incorrect username or password");
	} else if (st >= 0 && st != 200) {
		st = http_error(&p, "GET /v2/", st, &r, err);
	}
	free(r.body);
	free(p.token);
	curl_global_cleanup();
	return st < 0 ? lite_err_wrap(err, "login %s", registry) : 0;
}
