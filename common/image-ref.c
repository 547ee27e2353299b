/* Docker's image reference grammar and normalisation (see image-ref.h):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [domain "/"] component ("/" component)*   (<= 255 chars)
 *   domain     := host-part ("." host-part)* [":" port]  | "[" IPv6 "]" [":" port]
 *   component  := [a-z0-9]+ (("." | "_" | "__" | "-"+) [a-z0-9]+)*
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex   (sha256: exactly 64 lowercase hex)
 *
 * The first component is a domain when it holds a '.' or a ':' or is
 * "localhost" (ParseNormalizedNamed); otherwise the image is on docker.io,
 * under library/ when the path has one component. */
#include "image-ref.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_LEN 255

static bool
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component, len bytes. */
static bool
component_ok(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	while (i < len) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_')) {
			i++;
		} else if (s[i] == '_' && i + 1 < len && s[i + 1] == '_') {
			i += 2;
		} else if (s[i] == '-') {
			while (i < len && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i >= len || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool
has_upper(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (isupper((unsigned char)s[i]))
			return true;
	return false;
}

/* host[:port], each host label [A-Za-z0-9] with inner '-'; or [v6]:port. */
static bool
domain_ok(const char *s, size_t len)
{
	const char *colon, *end = s + len, *p = s;

	if (len == 0)
		return false;
	if (*s == '[') {
		const char *close = memchr(s, ']', len);

		if (!close || close == s + 1)
			return false;
		for (p = s + 1; p < close; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return false;
		p = close + 1;
		colon = p < end ? p : NULL;
		if (colon && *colon != ':')
			return false;
	} else {
		colon = memchr(s, ':', len);
		end = colon ? colon : s + len;
		while (p < end) {
			const char *dot = memchr(p, '.', (size_t)(end - p));
			const char *lend = dot ? dot : end;

			if (lend == p || !isalnum((unsigned char)*p) || !isalnum((unsigned char)lend[-1]))
				return false;
			for (const char *q = p; q < lend; q++)
				if (!isalnum((unsigned char)*q) && *q != '-')
					return false;
			p = dot ? dot + 1 : end;
			if (dot && p == end)
				return false;
		}
	}
	if (colon) {
		const char *q = colon + 1;

		if (q >= s + len)
			return false;
		for (; q < s + len; q++)
			if (!isdigit((unsigned char)*q))
				return false;
	}
	return true;
}

static bool
tag_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* algorithm ":" hex; sha256 and sha512 need their exact lengths, lowercase. */
static bool
digest_ok(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t alen, hlen;

	if (!colon || colon == s || !is_lower_alnum(s[0]))
		return false;
	alen = (size_t)(colon - s);
	for (size_t i = 0; i < alen; i++)
		if (!is_lower_alnum(s[i]) && !strchr("+._-", s[i]))
			return false;
	hlen = strlen(colon + 1);
	if (hlen < 32)
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	if (alen == 6 && !memcmp(s, "sha256", 6))
		return hlen == 64;
	if (alen == 6 && !memcmp(s, "sha512", 6))
		return hlen == 128;
	return true;
}

static int
fail(const char **ret_why, const char *why)
{
	if (ret_why)
		*ret_why = why;
	return -EINVAL;
}

/* Split name into domain and path (Docker's splitDockerDomain). */
static int
split_domain(const char *name, struct image_ref *r, const char **ret_why)
{
	const char *slash = strchr(name, '/'), *rest = name;
	size_t n;

	if (slash && (memchr(name, '.', (size_t)(slash - name)) || memchr(name, ':', (size_t)(slash - name)) ||
		      ((size_t)(slash - name) == 9 && !memcmp(name, "localhost", 9)))) {
		n = (size_t)(slash - name);
		if (!domain_ok(name, n))
			return fail(ret_why, "invalid registry host");
		memcpy(r->domain, name, n);
		r->domain[n] = '\0';
		rest = slash + 1;
		if (!strcmp(r->domain, "index.docker.io") || !strcmp(r->domain, "registry-1.docker.io"))
			snprintf(r->domain, sizeof(r->domain), "%s", IMAGE_REF_DOCKER_HUB);
	} else {
		snprintf(r->domain, sizeof(r->domain), "%s", IMAGE_REF_DOCKER_HUB);
	}
	if (has_upper(rest, strlen(rest)))
		return fail(ret_why, "repository name must be lowercase");
	if (!strcmp(r->domain, IMAGE_REF_DOCKER_HUB) && !strchr(rest, '/')) {
		if (snprintf(r->path, sizeof(r->path), "library/%s", rest) >= (int)sizeof(r->path))
			return fail(ret_why, "repository name must not be more than 255 characters");
	} else if (snprintf(r->path, sizeof(r->path), "%s", rest) >= (int)sizeof(r->path)) {
		return fail(ret_why, "repository name must not be more than 255 characters");
	}
	for (const char *p = r->path; *p;) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);

		if (!component_ok(p, len))
			return fail(ret_why, "invalid repository name");
		p = s ? s + 1 : p + len;
		if (s && !*p)
			return fail(ret_why, "invalid repository name");
	}
	return 0;
}

int
image_ref_parse(const char *s, struct image_ref *ret, const char **ret_why)
{
	struct image_ref r = { 0 };
	char name[NAME_MAX_LEN + 2];
	const char *at, *colon, *slash;
	size_t n;
	int e;

	if (!s || !*s)
		return fail(ret_why, "empty reference");
	if (strlen(s) > NAME_MAX_LEN + 1 + 128 + 1 + 136)
		return fail(ret_why, "reference too long");
	at = strchr(s, '@');
	if (at) {
		if (!digest_ok(at + 1) || strlen(at + 1) >= sizeof(r.digest))
			return fail(ret_why, "invalid digest: want ALGORITHM:HEX, e.g. sha256:<64 hex digits>");
		snprintf(r.digest, sizeof(r.digest), "%s", at + 1);
	}
	n = at ? (size_t)(at - s) : strlen(s);
	slash = memrchr(s, '/', n);
	colon = memrchr(slash ? slash : s, ':', n - (size_t)((slash ? slash : s) - s));
	if (colon) {
		size_t tlen = n - (size_t)(colon + 1 - s);

		if (tlen >= sizeof(r.tag))
			return fail(ret_why, "invalid tag: at most 128 characters");
		memcpy(r.tag, colon + 1, tlen);
		r.tag[tlen] = '\0';
		if (!tag_ok(r.tag))
			return fail(ret_why, "invalid tag: want [A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters");
		n = (size_t)(colon - s);
	}
	if (n == 0)
		return fail(ret_why, "empty repository name");
	if (n > NAME_MAX_LEN)
		return fail(ret_why, "repository name must not be more than 255 characters");
	memcpy(name, s, n);
	name[n] = '\0';
	e = split_domain(name, &r, ret_why);
	if (e < 0)
		return e;
	/* Docker counts the normalised name (docker.io/library/x): a name
	 * that is short only without its domain would not parse back */
	if (strlen(r.domain) + 1 + strlen(r.path) > NAME_MAX_LEN)
		return fail(ret_why, "repository name must not be more than 255 characters");
	*ret = r;
	return 0;
}

int
image_ref_familiar_name(const struct image_ref *r, char *buf, size_t len)
{
	const char *path = r->path;
	int n;

	if (!strcmp(r->domain, IMAGE_REF_DOCKER_HUB)) {
		const char *slash = strchr(path, '/');
		size_t first = slash ? (size_t)(slash - path) : 0;

		if (!strncmp(path, "library/", 8) && !strchr(path + 8, '/'))
			path += 8;
		/* a first component that reads as a host keeps docker.io/, so
		 * the familiar name parses back to the same reference */
		if (slash && path == r->path && (memchr(path, '.', first) || memchr(path, ':', first) ||
						 (first == 9 && !memcmp(path, "localhost", 9))))
			n = snprintf(buf, len, "%s/%s", r->domain, path);
		else
			n = snprintf(buf, len, "%s", path);
	} else {
		n = snprintf(buf, len, "%s/%s", r->domain, path);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int
with_suffix(const struct image_ref *r, char *buf, size_t len)
{
	size_t n = strlen(buf);
	int k;

	if (r->digest[0])
		k = snprintf(buf + n, len - n, "@%s", r->digest);
	else
		k = snprintf(buf + n, len - n, ":%s", r->tag[0] ? r->tag : "latest");
	return k < 0 || (size_t)k >= len - n ? -ENAMETOOLONG : 0;
}

int
image_ref_key(const struct image_ref *r, char *buf, size_t len)
{
	int e = image_ref_familiar_name(r, buf, len);

	return e < 0 ? e : with_suffix(r, buf, len);
}

int
image_ref_full(const struct image_ref *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", r->domain, r->path);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return with_suffix(r, buf, len);
}

int
image_ref_normalize(const char *s, char *buf, size_t len)
{
	struct image_ref r;
	int e = image_ref_parse(s, &r, NULL);

	return e < 0 ? e : image_ref_key(&r, buf, len);
}
