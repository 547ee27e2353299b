/* The container table: new and free, ids and names, lookup and
 * visibility, the container's directories, persistence of state.json, and
 * the waiters a container's exit answers. The bottom of the container
 * layers (see ctr.h): it calls nothing above it, so removal
 * (ctr-remove.c), restore at start-up (ctr-restore.c) and inspect
 * (ctr-inspect.c) live above it. */
#include "ctr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon.h"
#include "fs-util.h"
#include "idle-trim.h"
#include "log.h"
#include "peer.h"

struct ctr *
ctr_new(void)
{
	struct ctr *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->shim_pidfd = -1;
	c->start_sync_fd = -1;
	TAILQ_INIT(&c->waiters);
	return c;
}

void
ctr_free(struct ctr *c)
{
	if (!c)
		return;
	if (c->shim_ev)
		event_free(c->shim_ev);
	if (c->start_ev)
		event_free(c->start_ev);
	if (c->stop_timer)
		event_free(c->stop_timer);
	if (c->restart_timer)
		event_free(c->restart_timer);
	if (c->shim_pidfd >= 0)
		close(c->shim_pidfd);
	if (c->start_sync_fd >= 0)
		close(c->start_sync_fd);
	ctr_state_spec_clear(&c->spec);
	free(c->rt.error);
	free(c);
}

bool
ctr_visible_to(const struct ctr *c, uid_t uid)
{
	return uid == 0 || c->spec.owner_uid == uid;
}

bool
ctr_is_running(const struct ctr *c)
{
	return c->rt.status == CTR_RUNNING;
}

/* FNV-1a */
static size_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

#define CHAIN(c, by) (by == 0 ? &(c)->next_by_name : &(c)->next_by_id)
#define KEY(c, by) (by == 0 ? (c)->spec.name : (c)->spec.id)

static void
link_into(struct ctr **buckets, size_t size, struct ctr *c, int by)
{
	struct ctr **b = &buckets[hash(KEY(c, by)) & (size - 1)];

	*CHAIN(c, by) = *b;
	*b = c;
}

static void
unlink_from(struct ctr **buckets, size_t size, struct ctr *c, int by)
{
	for (struct ctr **pp = &buckets[hash(KEY(c, by)) & (size - 1)]; *pp; pp = CHAIN(*pp, by))
		if (*pp == c) {
			*pp = *CHAIN(c, by);
			*CHAIN(c, by) = NULL;
			return;
		}
}

/* Twice the buckets once there are more containers than buckets, every
 * container linked anew; false when allocation failed (the old, smaller
 * table keeps working). */
static bool
grow(struct ctr_index *x, struct ctr_list *all)
{
	size_t size = x->size ? x->size * 2 : 64;
	struct ctr **by_name = calloc(size, sizeof(*by_name)), **by_id = calloc(size, sizeof(*by_id));
	struct ctr *c;

	if (!by_name || !by_id) {
		free(by_name);
		free(by_id);
		return false;
	}
	TAILQ_FOREACH(c, all, entry) {
		link_into(by_name, size, c, 0);
		link_into(by_id, size, c, 1);
	}
	free(x->by_name);
	free(x->by_id);
	x->by_name = by_name;
	x->by_id = by_id;
	x->size = size;
	return true;
}

void
ctr_table_add(struct daemon *d, struct ctr *c)
{
	struct ctr_index *x = &d->ctr_index;

	TAILQ_INSERT_TAIL(&d->ctrs, c, entry);
	x->count++;
	if (x->count > x->size && grow(x, &d->ctrs))
		return; /* c linked with all the others */
	if (x->size) {
		link_into(x->by_name, x->size, c, 0);
		link_into(x->by_id, x->size, c, 1);
	}
}

void
ctr_table_remove(struct daemon *d, struct ctr *c)
{
	struct ctr_index *x = &d->ctr_index;

	if (x->size) {
		unlink_from(x->by_name, x->size, c, 0);
		unlink_from(x->by_id, x->size, c, 1);
	}
	TAILQ_REMOVE(&d->ctrs, c, entry);
	/* the last one gone: its memory goes back with the idle trim, 5 s
	 * from now (the exits of an `rm -f` of many come after its last
	 * request). Not at once: a `run --rm` loop on an empty daemon gave
	 * the heap back and faulted it in again on every run (a third of a
	 * bridge start's cost). */
	if (--x->count == 0)
		idle_trim_touch();
}

void
ctr_table_rename(struct daemon *d, struct ctr *c, const char *name)
{
	struct ctr_index *x = &d->ctr_index;

	if (x->size)
		unlink_from(x->by_name, x->size, c, 0);
	snprintf(c->spec.name, sizeof(c->spec.name), "%s", name);
	if (x->size)
		link_into(x->by_name, x->size, c, 0);
}

static struct ctr *
find(struct daemon *d, const char *key, int by)
{
	struct ctr_index *x = &d->ctr_index;
	struct ctr *c;

	if (!x->size) { /* no index (allocation failed): walk */
		TAILQ_FOREACH(c, &d->ctrs, entry)
			if (strcmp(KEY(c, by), key) == 0)
				return c;
		return NULL;
	}
	for (c = (by == 0 ? x->by_name : x->by_id)[hash(key) & (x->size - 1)]; c; c = *CHAIN(c, by))
		if (strcmp(KEY(c, by), key) == 0)
			return c;
	return NULL;
}

struct ctr *
ctr_by_name(struct daemon *d, const char *name)
{
	return find(d, name, 0);
}

struct ctr *
ctr_by_id(struct daemon *d, const char *id)
{
	return find(d, id, 1);
}

int
ctr_lookup(struct daemon *d, const char *ref, uid_t uid, struct ctr **ret, struct lite_err *err)
{
	struct ctr *c, *found = NULL;
	size_t len = strlen(ref);
	int matches = 0;

	c = ctr_by_name(d, ref);
	if (c && ctr_visible_to(c, uid) && !c->removing) {
		*ret = c;
		return 0;
	}
	if (len == 64) { /* a full id: the index */
		c = find(d, ref, 1);
		if (c && ctr_visible_to(c, uid) && !c->removing) {
			*ret = c;
			return 0;
		}
	} else if (len > 0 && len < 64) {
		TAILQ_FOREACH(c, &d->ctrs, entry) {
			if (!ctr_visible_to(c, uid) || c->removing || strncmp(c->spec.id, ref, len) != 0)
				continue;
			found = c;
			matches++;
		}
	}
	if (matches == 1) {
		*ret = found;
		return 0;
	}
	if (matches > 1)
		return lite_err_set(err, EEXIST, "container id prefix '%s' is ambiguous", ref);
	return lite_err_set(err, ENOENT, "no such container: '%s'", ref);
}

void
ctr_generate_id(char id[65])
{
	unsigned char raw[32];

	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw)) {
		/* getrandom cannot fail for 32 bytes once the pool is up; be safe */
		for (size_t i = 0; i < sizeof(raw); i++)
			raw[i] = (unsigned char)(rand() ^ (int)time(NULL));
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
}

void
ctr_generate_name(struct daemon *d, char *buf, size_t len)
{
	static const char *adjectives[] = {
		"brave", "calm", "eager", "fond", "gentle", "happy", "keen", "lucid",
		"merry", "nimble", "proud", "quiet", "sharp", "tidy", "vivid", "witty",
	};
	static const char *nouns[] = {
		"lovelace", "hopper", "turing", "noether", "curie", "dijkstra", "knuth",
		"ritchie", "thompson", "hamilton", "liskov", "kay", "lamport", "perlman",
		"allen", "babbage",
	};
	unsigned int r;

	for (int attempt = 0; attempt < 64; attempt++) {
		(void)!getrandom(&r, sizeof(r), 0);
		snprintf(buf, len, "%s_%s", adjectives[r % ARRAY_SIZE(adjectives)],
			 nouns[(r / 16) % ARRAY_SIZE(nouns)]);
		if (attempt >= 32)
			snprintf(buf + strlen(buf), len - strlen(buf), "%u", r % 1000);
		if (!ctr_by_name(d, buf))
			return;
	}
}

int
ctr_dir(struct daemon *d, const struct ctr *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/containers/%s", d->cfg.data_root, c->spec.id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
ctr_exec_dir(struct daemon *d, const struct ctr *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", d->cfg.exec_root, c->spec.id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int
save(struct daemon *d, struct ctr *c, bool sync)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	json_t *o = ctr_state_to_json(&c->spec, &c->rt);
	_cleanup_free_ char *dump = NULL;
	int r;

	if (!o)
		return -ENOMEM;
	dump = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!dump)
		return -ENOMEM;
	ctr_dir(d, c, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/state.json", dir);
	r = sync ? fs_write_file_atomic(path, dump, strlen(dump), 0600) : fs_write_file_replace(path, dump, strlen(dump), 0600);
	if (r < 0)
		log_warnx("save state of %.12s: %s", c->spec.id, strerror(-r));
	return r;
}

int
ctr_save(struct daemon *d, struct ctr *c)
{
	return save(d, c, true);
}

int
ctr_save_nosync(struct daemon *d, struct ctr *c)
{
	return save(d, c, false);
}

void
ctr_add_waiter(struct ctr *c, enum waiter_kind kind, struct peer *p)
{
	struct waiter *w = calloc(1, sizeof(*w));

	if (!w) {
		peer_reply_error(p, PROTO_E_INTERNAL, PROTO_KIND_INTERNAL, "out of memory");
		return;
	}
	w->kind = kind;
	w->peer = p;
	peer_ref(p);
	TAILQ_INSERT_TAIL(&c->waiters, w, entry);
}
