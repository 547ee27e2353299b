/* Compiled seccomp programs, one file per (profile text, capability mask):
 * EXEC_ROOT/seccomp/HEX.bpf (0600, raw struct sock_filter[]), HEX =
 * sha256 of lite's version, the mask and the text. The shim reads the
 * files; the engine compiles each key once (seccomp-profile.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lite-err.h"

struct daemon;

/* At start, before listening: empty the directory (a new daemon may
 * compile differently), take the default profile (daemon.json
 * "seccomp-profile", else the built-in copy of Docker's) and compile it
 * for the default capabilities. A broken profile is fatal there. */
int seccomp_cache_init(struct daemon *d, struct lite_err *err);
/* The default profile's text. */
const char *seccomp_cache_default_text(const struct daemon *d);
/* The file for text and caps, compiled now unless cached. */
int seccomp_cache_path(struct daemon *d, const char *text, uint64_t caps, char *buf, size_t len, struct lite_err *err);

/* Called on the event loop once the worker is done: error 0, or -errno
 * with a one-line msg. */
typedef void (*seccomp_cache_done_fn)(void *arg, int error, const char *msg);
/* Beyond this many files, seccomp_cache_gc is due (ctr-sec.c calls it);
 * at most SECCOMP_CACHE_JOBS workers compile at once. */
#define SECCOMP_CACHE_MAX 256
#define SECCOMP_CACHE_JOBS 4

/* One program: a profile's text compiled for a capability mask. */
struct seccomp_cache_item {
	const char *text;
	uint64_t caps;
};
/* Make sure the programs of items[0..n) are cached without compiling on
 * the event loop: 1 when they all are already (done is not called), 0
 * when one worker thread compiles the missing ones and done follows (done
 * may be NULL), -errno (err set) when no worker could be started. */
int seccomp_cache_prepare(struct daemon *d, const struct seccomp_cache_item *items, size_t n,
			  seccomp_cache_done_fn done, void *arg, struct lite_err *err);
/* Remove every cached program but those of keep[0..n) (the default's is
 * kept always); a program removed too early is compiled again when used. */
void seccomp_cache_gc(struct daemon *d, const struct seccomp_cache_item *keep, size_t n);
/* Files written since start (an upper bound of what the directory holds). */
unsigned seccomp_cache_files(const struct daemon *d);
