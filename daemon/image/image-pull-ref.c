/* The pure parts of lite pull: image references with Docker's defaults
 * (docker.io, library/, :latest). No I/O. */
#include "image-pull.h"
#include "image-internal.h"

#include "str-util.h"
#include "valid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Docker's rule: the first component names a registry if it has a '.' or a
 * ':' or is "localhost"; otherwise the image is on Docker Hub. */
static bool
is_registry(const char *comp, size_t len)
{
	return memchr(comp, '.', len) || memchr(comp, ':', len) || (len == 9 && !memcmp(comp, "localhost", 9));
}

static bool
repo_is_valid(const char *s)
{
	if (!*s || !isalnum((unsigned char)*s) || s[strlen(s) - 1] == '/' || strstr(s, "//"))
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || strchr("._-/", *s)))
			return false;
	return true;
}

static bool
tag_is_valid(const char *s)
{
	if (!*s || strlen(s) > 128 || !(isalnum((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr("._-", *s)))
			return false;
	return true;
}

/* registry[/...] and "repo[:tag]" of name (no digest). */
static int
split_name(const char *name, struct pull_ref *r, struct lite_err *err)
{
	const char *slash = strchr(name, '/'), *rest = name, *colon;
	size_t n;

	if (slash && is_registry(name, (size_t)(slash - name))) {
		n = (size_t)(slash - name);
		if (n >= sizeof(r->registry))
			return lite_err_set(err, EINVAL, "invalid reference: registry name too long");
		memcpy(r->registry, name, n);
		r->registry[n] = '\0';
		rest = slash + 1;
	} else {
		snprintf(r->registry, sizeof(r->registry), "%s", PULL_DOCKER_HUB);
	}
	if (!strcmp(r->registry, "index.docker.io") || !strcmp(r->registry, PULL_DOCKER_HUB_API))
		snprintf(r->registry, sizeof(r->registry), "%s", PULL_DOCKER_HUB);
	colon = strrchr(rest, ':');
	n = colon ? (size_t)(colon - rest) : strlen(rest);
	if (colon && !colon[1])
		return lite_err_set(err, EINVAL, "invalid reference: empty tag");
	if (colon && snprintf(r->tag, sizeof(r->tag), "%s", colon + 1) >= (int)sizeof(r->tag))
		return lite_err_set(err, EINVAL, "invalid reference: tag too long");
	if (!strcmp(r->registry, PULL_DOCKER_HUB) && !memchr(rest, '/', n))
		snprintf(r->repo, sizeof(r->repo), "library/%.*s", (int)n, rest);
	else if (n < sizeof(r->repo))
		snprintf(r->repo, sizeof(r->repo), "%.*s", (int)n, rest);
	else
		return lite_err_set(err, EINVAL, "invalid reference: repository name too long");
	return 0;
}

int
image_pull_ref_parse(const char *ref, struct pull_ref *ret, struct lite_err *err)
{
	struct pull_ref r = { 0 };
	char name[512];
	const char *at = strchr(ref ? ref : "", '@'), *shown;
	char hex[65];
	int e;

	if (!ref || !*ref || strlen(ref) >= sizeof(name))
		return lite_err_set(err, EINVAL, "invalid reference: empty or too long");
	snprintf(name, sizeof(name), "%.*s", (int)(at ? at - ref : (long)strlen(ref)), ref);
	if (at && (image_digest_parse(at + 1, hex) < 0))
		return lite_err_set(err, EINVAL, "invalid reference '%.200s': the digest must be sha256:<64 hex digits>", ref);
	if (at)
		snprintf(r.digest, sizeof(r.digest), "sha256:%s", hex);
	e = split_name(name, &r, err);
	if (e < 0)
		return e;
	if (!repo_is_valid(r.repo) || (r.tag[0] && !tag_is_valid(r.tag)))
		return lite_err_set(err, EINVAL, "invalid reference '%.200s': use [REGISTRY/]REPO[:TAG][@sha256:DIGEST] "
				    "(lowercase)", ref);
	if (!r.tag[0] && !r.digest[0])
		snprintf(r.tag, sizeof(r.tag), "latest");
	if (r.tag[0]) {
		shown = r.repo;
		if (!strcmp(r.registry, PULL_DOCKER_HUB) && str_has_prefix(shown, "library/"))
			shown += strlen("library/");
		if (strcmp(r.registry, PULL_DOCKER_HUB))
			snprintf(r.local, sizeof(r.local), "%s/%s:%s", r.registry, r.repo, r.tag);
		else
			snprintf(r.local, sizeof(r.local), "%s:%s", shown, r.tag);
		if (!valid_image_ref(r.local))
			return lite_err_set(err, EINVAL, "invalid reference '%.200s'", ref);
	}
	*ret = r;
	return 0;
}

const char *
image_pull_ref_api_host(const struct pull_ref *ref)
{
	return strcmp(ref->registry, PULL_DOCKER_HUB) ? ref->registry : PULL_DOCKER_HUB_API;
}

bool
image_pull_ref_is_local(const struct pull_ref *ref)
{
	static const char *const local[] = { "localhost", "127.0.0.1", "[::1]" };
	size_t n;

	for (size_t i = 0; i < 3; i++) {
		n = strlen(local[i]);
		if (!strncmp(ref->registry, local[i], n) && (ref->registry[n] == '\0' || ref->registry[n] == ':'))
			return true;
	}
	return false;
}

bool
image_pull_ref_listed(const char *list, const char *registry)
{
	size_t n = strlen(registry);

	for (const char *e = list; e && *e; e = strchr(e, ',') ? strchr(e, ',') + 1 : NULL)
		if (!strncmp(e, registry, n) && (e[n] == ',' || e[n] == '\0'))
			return true;
	return false;
}

static bool
v4_internal(const unsigned char *a)
{
	return a[0] == 127 || a[0] == 0 || (a[0] == 169 && a[1] == 254) || a[0] >= 224;
}

bool
image_pull_ref_addr_internal(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_internal((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_V4COMPAT(a))
			return v4_internal(a->s6_addr + 12);
		return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
		       IN6_IS_ADDR_MULTICAST(a);
	}
	return true; /* not IP: never */
}
