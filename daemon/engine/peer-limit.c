/* Open connections per uid: a small array in struct daemon (few distinct
 * users connect at once), checked when a connection is accepted. */
#include "peer-limit.h"

#include <stdio.h>
#include <stdlib.h>

#include "daemon.h"

struct peer_uid_count {
	uid_t uid;
	int n;
};

static struct peer_uid_count *
find(struct daemon *d, uid_t uid)
{
	for (size_t i = 0; i < d->n_peer_uids; i++)
		if (d->peer_uids[i].uid == uid)
			return &d->peer_uids[i];
	return NULL;
}

static struct peer_uid_count *
find_or_add(struct daemon *d, uid_t uid)
{
	struct peer_uid_count *e = find(d, uid), *grown;

	if (e)
		return e;
	grown = reallocarray(d->peer_uids, d->n_peer_uids + 1, sizeof(*grown));
	if (!grown)
		return NULL;
	d->peer_uids = grown;
	e = &d->peer_uids[d->n_peer_uids++];
	*e = (struct peer_uid_count){ .uid = uid };
	return e;
}

bool
peer_limit_admit(struct daemon *d, uid_t uid, char *msg, size_t len)
{
	const struct daemon_limits *l = &d->cfg.limits;
	struct peer_uid_count *e;

	if (uid != 0 && d->n_peers >= l->max_conns) {
		snprintf(msg, len, "too many connections to the daemon (max-connections %d)", l->max_conns);
		return false;
	}
	e = find_or_add(d, uid);
	if (!e) {
		snprintf(msg, len, "out of memory");
		return false;
	}
	if (uid != 0 && e->n >= l->max_conns_per_user) {
		snprintf(msg, len, "too many connections from uid %d (max-connections-per-user %d)", (int)uid,
			 l->max_conns_per_user);
		return false;
	}
	e->n++;
	return true;
}

void
peer_limit_release(struct daemon *d, uid_t uid)
{
	struct peer_uid_count *e = find(d, uid);

	if (!e)
		return;
	if (--e->n == 0) /* keep the array as small as the set of connected users */
		*e = d->peer_uids[--d->n_peer_uids];
}
