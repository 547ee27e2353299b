/* User namespaces for containers (issue 11 A1): which containers get one,
 * the host range of each user (/etc/subuid+/etc/subgid, else a block of
 * the automatic pool recorded in DATA_ROOT/userns.json), and the start-up
 * probe whose result `lite info` shows. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lite-err.h"

struct daemon;

/* A container's range, kept in its state.json so it keeps it. */
struct userns_range {
	bool on;
	uint32_t uid_base, gid_base, size;
};

/* Issue 11 A2: the credentials of a non-root caller, recorded when its
 * container is created (SO_PEERCRED + SO_PEERGROUPS), with which the shim
 * opens the container's host paths. uid 0: none. */
#define USERNS_MAX_GROUPS 64
struct userns_caller {
	uid_t uid;
	gid_t gid;
	gid_t groups[USERNS_MAX_GROUPS];
	int n_groups;
};

struct peer;
/* The caller's credentials as the connection has them; none for root. */
void userns_caller_from_peer(const struct peer *p, struct userns_caller *ret);

/* The range a container of uid gets, by the run flag (NULL/"" default,
 * "auto", "host") and daemon.json's userns-remap. Non-root: always a user
 * namespace ("host" refused); root: only with "auto" or userns-remap. */
int userns_for_run(struct daemon *d, uid_t uid, const char *flag, struct userns_range *ret, struct lite_err *err);
/* Can this kernel and data root do idmapped layers? Sets d->userns_ok and
 * d->userns_reason; logs the outcome. */
void userns_probe(struct daemon *d);
/* lite-image's id map argument: "UID_BASE:GID_BASE:SIZE", or "-". */
void userns_idmap_arg(const struct userns_range *u, char *buf, size_t len);
/* Make a container's own file or directory (upper dir, /etc files, a new
 * volume's _data) its root's. */
int userns_chown(const struct userns_range *u, const char *path);
