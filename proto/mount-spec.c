/* The syntax of -v, --mount and --tmpfs, checked before anything exists. */
#include "mount-spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static const char *kind_names[MOUNT_KIND_MAX] = { "bind", "volume", "tmpfs" };

const char *
mount_spec_kind_name(enum mount_kind k)
{
	return k < MOUNT_KIND_MAX ? kind_names[k] : "?";
}

bool
mount_spec_volume_name_is_valid(const char *name)
{
	size_t n = strlen(name);

	if (n < 2 || n > 128 || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static int
fail(char *errbuf, size_t errlen, const char *flag, const char *s, const char *why)
{
	snprintf(errbuf, errlen, "invalid %s \"%s\": %s", flag, s, why);
	return -EINVAL;
}

/* An absolute, clean container path: no "..", not "/" itself. */
static bool
target_is_valid(const char *t)
{
	if (t[0] != '/' || strcmp(t, "/") == 0 || strlen(t) >= 4096)
		return false;
	for (const char *p = t; (p = strstr(p, "..")); p += 2)
		if ((p == t || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return false;
	return true;
}

/* "size=64m,mode=1777,noexec": known keys, valid values. */
static bool
tmpfs_options_valid(const char *opts)
{
	char buf[256], *save = NULL;

	if (strlen(opts) >= sizeof(buf))
		return false;
	strcpy(buf, opts);
	for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		uint64_t size;
		char *end;

		if (strncmp(o, "size=", 5) == 0) {
			if (parse_size(o + 5, &size) < 0)
				return false;
		} else if (strncmp(o, "mode=", 5) == 0) {
			if (strtoul(o + 5, &end, 8) > 07777 || *end || end == o + 5)
				return false;
		} else if (strcmp(o, "noexec") && strcmp(o, "exec") && strcmp(o, "nosuid") && strcmp(o, "suid") &&
			   strcmp(o, "nodev") && strcmp(o, "dev") && strcmp(o, "ro") && strcmp(o, "rw")) {
			return false;
		}
	}
	return true;
}

int
mount_spec_parse_volume(const char *s, struct mount_spec *m, char *errbuf, size_t errlen)
{
	char buf[8192], *parts[3] = { 0 };
	int n = 0;

	memset(m, 0, sizeof(*m));
	if (!*s || strlen(s) >= sizeof(buf))
		return fail(errbuf, errlen, "--volume", s, "expected SOURCE:TARGET[:ro]");
	strcpy(buf, s);
	for (char *p = buf, *tok; n < 3 && (tok = strsep(&p, ":")); )
		parts[n++] = tok;
	if (n == 3 && strcmp(parts[2], "ro") && strcmp(parts[2], "rw"))
		return fail(errbuf, errlen, "--volume", s, "the only options are ro and rw");
	if (strchr(s, ':') && strchr(strchr(s, ':') + 1, ':') && n < 3)
		return fail(errbuf, errlen, "--volume", s, "expected SOURCE:TARGET[:ro]");
	m->readonly = n == 3 && strcmp(parts[2], "ro") == 0;
	if (n == 1) { /* anonymous volume */
		m->kind = MOUNT_VOLUME;
		snprintf(m->target, sizeof(m->target), "%s", parts[0]);
	} else {
		m->kind = parts[0][0] == '/' ? MOUNT_BIND : MOUNT_VOLUME;
		snprintf(m->source, sizeof(m->source), "%s", parts[0]);
		snprintf(m->target, sizeof(m->target), "%s", parts[1]);
	}
	if (!target_is_valid(m->target))
		return fail(errbuf, errlen, "--volume", s, "the target must be an absolute path other than /");
	if (m->kind == MOUNT_VOLUME && m->source[0] && !mount_spec_volume_name_is_valid(m->source))
		return fail(errbuf, errlen, "--volume", s, "a volume name is [a-zA-Z0-9][a-zA-Z0-9_.-]+; a host path starts with /");
	return 0;
}

/* One key=value of --mount into m; returns -1 for an unknown key. */
static int
mount_kv(struct mount_spec *m, const char *k, const char *v, bool *have_type)
{
	if (!strcmp(k, "type")) {
		for (int i = 0; i < MOUNT_KIND_MAX; i++)
			if (!strcmp(v, kind_names[i]))
				m->kind = (enum mount_kind)i, *have_type = true;
		return *have_type ? 0 : -1;
	}
	if (!strcmp(k, "source") || !strcmp(k, "src"))
		return snprintf(m->source, sizeof(m->source), "%s", v) < (int)sizeof(m->source) ? 0 : -1;
	if (!strcmp(k, "target") || !strcmp(k, "destination") || !strcmp(k, "dst"))
		return snprintf(m->target, sizeof(m->target), "%s", v) < (int)sizeof(m->target) ? 0 : -1;
	if (!strcmp(k, "readonly") || !strcmp(k, "ro")) {
		m->readonly = !*v || !strcmp(v, "true") || !strcmp(v, "1");
		return 0;
	}
	if (!strcmp(k, "tmpfs-size") || !strcmp(k, "tmpfs-mode")) {
		size_t n = strlen(m->options);
		snprintf(m->options + n, sizeof(m->options) - n, "%s%s=%s", n ? "," : "", k + 6, v);
		return 0;
	}
	return -1;
}

int
mount_spec_parse_mount(const char *s, struct mount_spec *m, char *errbuf, size_t errlen)
{
	char buf[8192], *save = NULL;
	bool have_type = false;

	memset(m, 0, sizeof(*m));
	if (strlen(s) >= sizeof(buf))
		return fail(errbuf, errlen, "--mount", s, "too long");
	strcpy(buf, s);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		if (mount_kv(m, kv, eq ? eq + 1 : "", &have_type) < 0)
			return fail(errbuf, errlen, "--mount", s, "unknown or bad field (type, source, target, readonly, tmpfs-size, tmpfs-mode)");
	}
	if (!have_type)
		return fail(errbuf, errlen, "--mount", s, "type=bind|volume|tmpfs is required");
	if (!target_is_valid(m->target))
		return fail(errbuf, errlen, "--mount", s, "target must be an absolute path other than /");
	if (m->kind == MOUNT_BIND && m->source[0] != '/')
		return fail(errbuf, errlen, "--mount", s, "a bind source must be an absolute host path");
	if (m->kind == MOUNT_VOLUME && m->source[0] && !mount_spec_volume_name_is_valid(m->source))
		return fail(errbuf, errlen, "--mount", s, "bad volume name");
	if (m->kind == MOUNT_TMPFS && (m->source[0] || !tmpfs_options_valid(m->options)))
		return fail(errbuf, errlen, "--mount", s, "tmpfs takes no source; sizes like 64m");
	return 0;
}

int
mount_spec_parse_tmpfs(const char *s, struct mount_spec *m, char *errbuf, size_t errlen)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	memset(m, 0, sizeof(*m));
	m->kind = MOUNT_TMPFS;
	if (n >= sizeof(m->target))
		return fail(errbuf, errlen, "--tmpfs", s, "too long");
	memcpy(m->target, s, n);
	if (colon)
		snprintf(m->options, sizeof(m->options), "%s", colon + 1);
	if (!target_is_valid(m->target))
		return fail(errbuf, errlen, "--tmpfs", s, "expected an absolute path other than /");
	if (!tmpfs_options_valid(m->options))
		return fail(errbuf, errlen, "--tmpfs", s, "options are size=64m, mode=1777, noexec, nosuid, nodev, ro");
	return 0;
}
