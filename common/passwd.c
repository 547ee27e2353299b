/* /etc/passwd and /etc/group parsing for USER[:GROUP] specs. */
#include "passwd.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS_MAX 8

static bool
is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Split one line of colon-separated fields in place. */
static size_t
split_fields(char *line, char **fields)
{
	size_t n = 0;

	fields[n++] = line;
	for (char *p = line; *p && n < FIELDS_MAX; p++) {
		if (*p == ':') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	}
	return n;
}

/* Call match for each line; stops at the first that returns true. */
static bool
for_each_line(const char *text, bool (*match)(char **f, size_t n, void *arg), void *arg)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024], *fields[FIELDS_MAX];

		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (line[0] != '#' && match(fields, split_fields(line, fields), arg))
				return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

struct pw_query { const char *user; uid_t uid; gid_t gid; char *home_buf; size_t home_len; };

static bool
pw_match(char **f, size_t n, void *arg)
{
	struct pw_query *q = arg;

	if (n < 4 || !is_number(f[2]) || !is_number(f[3]))
		return false;
	if (strcmp(f[0], q->user) != 0 && !(is_number(q->user) && strcmp(f[2], q->user) == 0))
		return false;
	q->uid = (uid_t)strtoul(f[2], NULL, 10);
	q->gid = (gid_t)strtoul(f[3], NULL, 10);
	if (q->home_buf) /* f[] points into the caller's line buffer: copy now */
		snprintf(q->home_buf, q->home_len, "%s", n >= 6 && *f[5] ? f[5] : "/");
	return true;
}

int
passwd_home(const char *passwd, const char *user, char *buf, size_t len)
{
	struct pw_query q = { .user = user, .home_buf = buf, .home_len = len };

	if (!user || !*user || !len)
		return -EINVAL;
	return for_each_line(passwd, pw_match, &q) ? 0 : -ENOENT;
}

int
passwd_lookup(const char *passwd, const char *user, uid_t *ret_uid, gid_t *ret_gid)
{
	struct pw_query q = { .user = user };

	if (!user || !*user)
		return -EINVAL;
	if (for_each_line(passwd, pw_match, &q)) {
		*ret_uid = q.uid;
		*ret_gid = q.gid;
		return 0;
	}
	if (!is_number(user))
		return -ENOENT;
	*ret_uid = (uid_t)strtoul(user, NULL, 10);
	*ret_gid = 0;
	return 0;
}

struct gr_query { const char *name; gid_t gid; };

static bool
gr_match(char **f, size_t n, void *arg)
{
	struct gr_query *q = arg;

	if (n < 3 || !is_number(f[2]) || strcmp(f[0], q->name) != 0)
		return false;
	q->gid = (gid_t)strtoul(f[2], NULL, 10);
	return true;
}

int
passwd_group_lookup(const char *group, const char *name, gid_t *ret_gid)
{
	struct gr_query q = { .name = name };

	if (!name || !*name)
		return -EINVAL;
	if (is_number(name)) {
		*ret_gid = (gid_t)strtoul(name, NULL, 10);
		return 0;
	}
	if (!group || !for_each_line(group, gr_match, &q))
		return -ENOENT;
	*ret_gid = q.gid;
	return 0;
}

struct members_query { const char *user; gid_t *gids; size_t max, n; };

static bool
members_match(char **f, size_t n, void *arg)
{
	struct members_query *q = arg;
	char *save = NULL;

	if (n < 4 || !is_number(f[2]))
		return false;
	for (char *m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (strcmp(m, q->user) == 0 && q->n < q->max)
			q->gids[q->n++] = (gid_t)strtoul(f[2], NULL, 10);
	return false; /* visit every line */
}

size_t
passwd_group_members(const char *group, const char *user_name, gid_t *gids, size_t max)
{
	struct members_query q = { .user = user_name, .gids = gids, .max = max };

	if (group && user_name)
		for_each_line(group, members_match, &q);
	return q.n;
}

int
passwd_user_spec_split(const char *spec, char *user, size_t ulen, char *group, size_t glen)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	if (n == 0 || n >= ulen || (colon && (!colon[1] || strlen(colon + 1) >= glen)))
		return -EINVAL;
	memcpy(user, spec, n);
	user[n] = '\0';
	group[0] = '\0';
	if (colon)
		strcpy(group, colon + 1);
	return 0;
}
