/* What image-pull.c shares with image-push.c: one registry session (its
 * reference, base URL, credentials, token, policy) and the HTTP steps every
 * request needs. Private to daemon/image/. */
#pragma once

#include "image-pull.h"

#include <curl/curl.h>

struct pull {
	const char *data_root;
	struct pull_ref ref;
	char base[700]; /* scheme://host/v2/repo */
	const char *user;
	char *token; /* Bearer token, once obtained */
	const char *realm; /* while asking the token server: for errors */
	bool basic;  /* send user as Basic credentials */
	bool tls_noverify; /* an insecure-registries host speaking TLS: no certificate checks */
	const char *actions; /* token scope actions: "pull" (NULL) or "pull,push" */
	FILE *progress;
	/* a non-root caller's pull of a registry not in insecure-registries:
	 * HTTPS only, and no connection to an internal address */
	bool strict;
	char top_hex[65];      /* the first manifest fetched: the repo digest */
	char refused_addr[64]; /* the internal address it would have reached */
	uint64_t max_blob;     /* max-layer-size; 0: none */
};

struct resp {
	char *body;
	size_t len;
	bool too_big;
	char challenge[1024]; /* WWW-Authenticate */
	char digest[80];      /* Docker-Content-Digest */
	char location[2048];  /* Location (blob uploads) */
	char errbuf[CURL_ERROR_SIZE];
};

/* curl options every request shares: URL, protocols, the strict socket
 * check, timeouts, Accept (may be NULL) and the Authorization. */
struct curl_slist *image_pull_easy_setup(struct pull *p, CURL *h, const char *url, const char *accept, char *errbuf);
/* A curl failure as one clear error; -errno. */
int image_pull_curl_failed(struct pull *p, CURLcode c, const char *errbuf, struct lite_err *err);
/* Answer a 401's WWW-Authenticate: Basic (the user's credentials) or
 * Bearer (a token for p->actions on p->ref.repo). */
int image_pull_authenticate(struct pull *p, const char *challenge, struct lite_err *err);
int image_pull_need_credentials(struct pull *p, struct lite_err *err);
/* curl callbacks filling a struct resp: headers, and a size-capped body. */
size_t image_pull_on_header(char *line, size_t size, size_t n, void *arg);
size_t image_pull_on_body(char *data, size_t size, size_t n, void *arg);
/* Set p->base (scheme://host/v2[/repo]): plain HTTP when plain; for
 * insecure (an "insecure-registries" host) HTTPS without certificate
 * checks if the registry answers over TLS, else plain HTTP. Needs curl's
 * global init. */
void image_pull_set_base(struct pull *p, bool plain, bool insecure);
