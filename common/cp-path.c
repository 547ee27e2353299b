/* lite cp's path rules, as Docker's `cp`: a directory copied into an
 * existing directory is nested in it, "SRC/." copies the contents, a
 * trailing "/" on DEST requires a directory. Pure, see cp-path.h. */
#include "cp-path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool
cp_path_contents_only(const char *src)
{
	size_t n = strlen(src);

	return (n >= 2 && !strcmp(src + n - 2, "/.")) || !strcmp(src, ".");
}

int
cp_path_base(const char *src, char *buf, size_t len)
{
	size_t n = strlen(src), start;

	for (;;) {
		while (n > 1 && src[n - 1] == '/')
			n--;
		if (n > 2 && src[n - 1] == '.' && src[n - 2] == '/')
			n -= 2;
		else
			break;
	}
	if (n == 1 && src[0] == '/')
		return snprintf(buf, len, ".") < (int)len ? 0 : -ENAMETOOLONG;
	start = n;
	while (start > 0 && src[start - 1] != '/')
		start--;
	if (n - start + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, src + start, n - start);
	buf[n - start] = '\0';
	return 0;
}

static int
join(char *buf, size_t len, const char *a, const char *b)
{
	size_t n = strlen(a);
	bool slash = n > 0 && a[n - 1] == '/';

	return snprintf(buf, len, "%s%s%s", a, slash ? "" : "/", b) < (int)len ? 0 : -ENAMETOOLONG;
}

int
cp_path_target(bool src_is_dir, bool contents_only, const char *base, const char *dest, enum cp_dest_kind kind,
	       char *buf, size_t len, const char **ret_msg)
{
	size_t n = strlen(dest);
	bool slash = n > 0 && dest[n - 1] == '/';

	*ret_msg = NULL;
	if (kind == CP_DEST_OTHER && src_is_dir) {
		*ret_msg = "cannot copy a directory to a file";
		return -ENOTDIR;
	}
	if (kind == CP_DEST_OTHER && slash) {
		*ret_msg = "destination is not a directory";
		return -ENOTDIR;
	}
	if (kind == CP_DEST_MISSING && slash && !src_is_dir) {
		*ret_msg = "destination directory does not exist";
		return -ENOENT;
	}
	if (kind == CP_DEST_DIR && !(src_is_dir && contents_only) && strcmp(base, "."))
		return join(buf, len, dest, base);
	return snprintf(buf, len, "%s", dest) < (int)len ? 0 : -ENAMETOOLONG;
}

/* A name is safe when it is relative and has no ".." component. */
static bool
name_safe(const char *name)
{
	const char *p = name;

	if (*name == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		while (*p == '/')
			p++;
	}
	return true;
}

int
cp_path_rewrite(const char *name, const char *base, const char *target, char *buf, size_t len)
{
	size_t bl = strlen(base), n;
	const char *rest;
	char tmp[4096];

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	n = strlen(name);
	while (n > 1 && name[n - 1] == '/')
		n--;
	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	name = tmp;
	if (!name_safe(name))
		return -EINVAL;
	if (!*base || !strcmp(base, "."))
		rest = name;
	else if (!strncmp(name, base, bl) && (name[bl] == '\0' || name[bl] == '/'))
		rest = name + bl;
	else
		return -EINVAL;
	while (*rest == '/')
		rest++;
	if (!*rest || !strcmp(rest, "."))
		return snprintf(buf, len, "%s", target) < (int)len ? 0 : -ENAMETOOLONG;
	return join(buf, len, target, rest);
}

bool
cp_path_split(const char *arg, char *buf, size_t len, const char **ret_path)
{
	const char *colon = strchr(arg, ':');
	size_t n;

	if (arg[0] == '/' || arg[0] == '.' || !colon || memchr(arg, '/', (size_t)(colon - arg)))
		return false;
	n = (size_t)(colon - arg);
	if (n == 0 || n >= len)
		return false;
	memcpy(buf, arg, n);
	buf[n] = '\0';
	*ret_path = colon + 1;
	return true;
}
