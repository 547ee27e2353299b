/* Pure string helpers of the image store: image reference normalisation (to
 * the familiar store key, common/image-ref.c) and
 * tar entry path sanitising. No system calls, so both are unit-tested (and
 * fuzzed) without root. */
#include "image.h"

#include "image-ref.h"
#include "valid.h"

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

int
image_path_ref_legacy(const char *ref, char *buf, size_t len)
{
	const char *colon = ref ? strrchr(ref, ':') : NULL;
	bool tagged = colon && !strchr(colon, '/');
	size_t n;

	if (!ref || !valid_image_ref(ref))
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
