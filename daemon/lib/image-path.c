/* Pure string helpers of the image store: image reference normalisation (to
 * the familiar store key, common/image-ref.c) and
 * tar entry path sanitising. No system calls, so both are unit-tested (and
 * fuzzed) without root. */
#include "image.h"

#include "image-ref.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

int
image_path_ref_normalize(const char *ref, char *buf, size_t len)
{
	if (!ref || strchr(ref, '@'))
		return -EINVAL; /* a tag never holds a digest */
	return image_ref_normalize(ref, buf, len);
}

/* The name rule stores were written under before Docker's grammar:
 * lowercase [a-z0-9._/:-], an alphanumeric first, no trailing '/'; a tag
 * [A-Za-z0-9_][A-Za-z0-9_.-]* up to 128. Looser ("a..b" passed), so names
 * it let in stay reachable. */
static bool
legacy_valid(const char *s)
{
	const char *colon, *p;
	size_t len;

	if (!s || !*s || strlen(s) > 255)
		return false;
	colon = strrchr(s, ':');
	if (colon && strchr(colon, '/'))
		colon = NULL; /* a registry port, not a tag */
	len = colon ? (size_t)(colon - s) : strlen(s);
	if (len == 0 || !isalnum((unsigned char)s[0]) || s[len - 1] == '/')
		return false;
	for (p = s; p < s + len; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || strchr("._-/:", *p)))
			return false;
	if (colon) {
		const char *tag = colon + 1;

		if (!*tag || strlen(tag) > 128 || !(isalnum((unsigned char)*tag) || *tag == '_'))
			return false;
		for (p = tag; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
				return false;
	}
	return true;
}

int
image_path_ref_legacy(const char *ref, char *buf, size_t len)
{
	const char *colon = ref ? strrchr(ref, ':') : NULL;
	bool tagged = colon && !strchr(colon, '/');
	size_t n;

	if (!ref || !legacy_valid(ref))
		return -EINVAL;
	n = strlen(ref);
	if (n + (tagged ? 0 : strlen(":latest")) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, ref, n + 1);
	if (!tagged)
		strcat(buf, ":latest");
	return 0;
}

/* Append one component (len bytes of comp) to buf at *pos, '/'-separated. */
static int
append_component(char *buf, size_t len, size_t *pos, const char *comp, size_t clen)
{
	size_t need = clen + (*pos ? 1 : 0);

	if (clen > NAME_MAX || *pos + need >= len)
		return -ENAMETOOLONG;
	if (*pos)
		buf[(*pos)++] = '/';
	memcpy(buf + *pos, comp, clen);
	*pos += clen;
	buf[*pos] = '\0';
	return 0;
}

/* The layer root itself ("/", ".", "./") yields "" (return 0): callers treat
 * it as the entry for the layer's top directory. Leading and trailing slashes
 * are dropped; an empty component in the middle ("a//b") or a ".." anywhere
 * is refused, as is an empty entry name. */
int
image_path_tar_clean(const char *entry, char *buf, size_t len)
{
	const char *p, *end;
	size_t pos = 0;

	if (!entry || !*entry || !buf || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	p = entry;
	while (*p == '/')
		p++;
	end = p + strlen(p);
	while (end > p && end[-1] == '/')
		end--;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t clen = slash ? (size_t)(slash - p) : (size_t)(end - p);
		int r;

		if (clen == 0)
			return -EINVAL;
		if (clen == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (!(clen == 1 && p[0] == '.')) {
			r = append_component(buf, len, &pos, p, clen);
			if (r < 0)
				return r;
		}
		p += clen + (slash ? 1 : 0);
	}
	return 0;
}
