/* Networks: the default bridge and user-defined ones, each a bridge device
 * plus a subnet, kept in DATA_ROOT/networks/ID/network.json with its
 * leases beside it.
 *
 * Safety invariants: a bridge is created only for a subnet that overlaps
 * no route of the host (other than its own bridge's) and no other network;
 * only bridges the engine named are ever deleted ("lite0", "lbr-" + id). */
#include "net-ctr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "crash-point.h"
#include "ctr.h"
#include "daemon.h"
#include "fd-util.h"
#include "fs-util.h"
#include "log.h"
#include "valid.h"

const char *
net_network_default_mode(struct daemon *d)
{
	return d->net.bridge_disabled ? "none" : NET_DEFAULT_NAME;
}

bool
net_network_visible_to(const struct net_network *n, uid_t uid)
{
	return uid == 0 || n->owner == 0 || n->owner == uid;
}

bool
net_network_usable(struct daemon *d, const struct net_network *n)
{
	return !(n->is_default && d->net.bridge_disabled);
}

struct net_network *
net_network_first(struct daemon *d)
{
	return TAILQ_FIRST(&d->net.networks);
}

struct net_network *
net_network_next(struct net_network *n)
{
	return TAILQ_NEXT(n, entry);
}

struct net_network *
net_network_find(struct daemon *d, const char *ref)
{
	struct net_network *n, *hit = NULL;
	size_t len = strlen(ref);

	TAILQ_FOREACH(n, &d->net.networks, entry)
		if (strcmp(n->name, ref) == 0 || strcmp(n->id, ref) == 0)
			return n;
	if (len < 3)
		return NULL;
	TAILQ_FOREACH(n, &d->net.networks, entry) {
		if (strncmp(n->id, ref, len) == 0) {
			if (hit)
				return NULL;
			hit = n;
		}
	}
	return hit;
}

int
net_network_dir(struct daemon *d, const struct net_network *n, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/networks/%s", d->cfg.data_root, n->id) >= (int)len ? -ENAMETOOLONG : 0;
}

static void
random_id(char id[65])
{
	unsigned char b[32];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fd_read_all(fd, b, sizeof(b)) != sizeof(b))
		fatal("read /dev/urandom");
	close(fd);
	for (int i = 0; i < 32; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

static int
save(struct daemon *d, const struct net_network *n)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], sub[32], gw[16];
	_cleanup_free_ char *text = NULL;
	json_t *o;

	net_network_dir(d, n, dir, sizeof(dir));
	if (fs_mkdir_p(dir, 0700) < 0)
		return -errno;
	net_cidr_format(&n->subnet, sub, sizeof(sub));
	net_cidr_ip_format(n->gateway, gw);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:b}", "name", n->name, "id", n->id,
		      "bridge", n->bridge, "subnet", sub, "gateway", gw, "owner_uid", (int)n->owner,
		      "created", (json_int_t)n->created, "default", n->is_default);
	if (o && n->labels)
		json_object_set(o, "labels", n->labels);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/network.json", dir);
	return fs_write_file_atomic(path, text, strlen(text), 0600);
}

static struct net_network *
load(const char *path)
{
	json_t *o = json_load_file(path, 0, NULL);
	struct net_network *n = calloc(1, sizeof(*n));
	const char *name, *id, *br, *sub, *gw;

	if (!o || !n || json_unpack(o, "{s:s, s:s, s:s, s:s, s:s}", "name", &name, "id", &id, "bridge", &br,
				    "subnet", &sub, "gateway", &gw) < 0 ||
	    strlen(name) >= sizeof(n->name) || strlen(id) != 64 || strlen(br) >= sizeof(n->bridge) ||
	    net_cidr_parse(sub, false, &n->subnet, NULL) < 0 || net_cidr_ip_parse(gw, &n->gateway) < 0) {
		log_warnx("skip network %s: unreadable", path);
		json_decref(o);
		free(n);
		return NULL;
	}
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(n->id, sizeof(n->id), "%s", id);
	snprintf(n->bridge, sizeof(n->bridge), "%s", br);
	n->owner = (uid_t)json_integer_value(json_object_get(o, "owner_uid"));
	n->created = json_integer_value(json_object_get(o, "created"));
	n->is_default = json_is_true(json_object_get(o, "default"));
	if (json_is_object(json_object_get(o, "labels")))
		n->labels = json_incref(json_object_get(o, "labels"));
	json_decref(o);
	return n;
}

static void
load_all(struct daemon *d)
{
	char dir[PATH_MAX], path[PATH_MAX + 96];
	struct dirent *de;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/networks", d->cfg.data_root);
	if (fs_mkdir_p(dir, 0700) < 0)
		fatal("create %s", dir);
	dp = opendir(dir);
	while (dp && (de = readdir(dp))) {
		struct net_network *n;

		if (!valid_full_id(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/network.json", dir, de->d_name);
		if ((n = load(path)))
			TAILQ_INSERT_TAIL(&d->net.networks, n, entry);
	}
	if (dp)
		closedir(dp);
}

/* "bip" from the config file: the default bridge's gateway/prefix. */
static void
read_bip(struct daemon *d, struct net_cidr *sub, uint32_t *gw)
{
	json_t *o = json_load_file(d->cfg.config_file, 0, NULL);
	const char *bip = json_string_value(json_object_get(o, "bip"));
	const char *bridge = json_string_value(json_object_get(o, "bridge"));

	d->net.bridge_disabled = bridge && strcmp(bridge, "none") == 0;

	if (net_cidr_parse(bip ? bip : NET_DEFAULT_BIP, true, sub, gw) < 0 || sub->prefix > 30 ||
	    !net_cidr_is_host(sub, *gw))
		fatalx("config file %s: invalid \"bip\" '%s': expected GATEWAY/PREFIX like %s",
		       d->cfg.config_file, bip, NET_DEFAULT_BIP);
	json_decref(o);
}

void
net_network_init(struct daemon *d)
{
	struct net_network *n, *def = NULL;
	struct net_cidr sub;
	uint32_t gw;

	load_all(d);
	read_bip(d, &sub, &gw);
	TAILQ_FOREACH(n, &d->net.networks, entry)
		if (n->is_default)
			def = n;
	if (!def) {
		if (!(def = calloc(1, sizeof(*def))))
			fatal("out of memory");
		snprintf(def->name, sizeof(def->name), NET_DEFAULT_NAME);
		snprintf(def->bridge, sizeof(def->bridge), NET_DEFAULT_BRIDGE);
		random_id(def->id);
		def->is_default = true;
		def->created = time(NULL);
		TAILQ_INSERT_HEAD(&d->net.networks, def, entry);
	}
	def->subnet = sub;
	def->gateway = gw;
	if (save(d, def) < 0)
		fatal("save the default network");
}

static bool
overlaps_network(struct daemon *d, const struct net_cidr *c, const struct net_network *self)
{
	struct net_network *n;

	TAILQ_FOREACH(n, &d->net.networks, entry)
		if (n != self && net_cidr_overlaps(&n->subnet, c))
			return true;
	return false;
}

int
net_network_ensure(struct daemon *d, struct net_network *n, struct lite_err *err)
{
	int r;

	if (n->ready && net_link_exists(n->bridge))
		return 0;
	if (!net_link_exists(n->bridge)) {
		r = net_link_route_overlap(&n->subnet, n->bridge, err);
		if (r < 0)
			return lite_err_wrap(err, "network %s", n->name);
	}
	r = net_link_bridge_ensure(n->bridge, n->gateway, n->subnet.prefix, err);
	if (r < 0)
		return r;
	if (!n->ready) {
		n->ready = true;
		r = 1; /* the bridge is new to the nftables table */
	}
	return r;
}

/* A free /24 in the user pool: no network and no route overlaps it. */
static int
pick_subnet(struct daemon *d, struct net_cidr *ret, struct lite_err *err)
{
	struct net_cidr pool;
	struct lite_err tmp = { 0 };

	net_cidr_parse(NET_USER_POOL, false, &pool, NULL);
	for (uint32_t i = 0; i < 256; i++) {
		struct net_cidr c = { pool.addr + (i << 8), 24 };
		bool busy = overlaps_network(d, &c, NULL) || net_link_route_overlap(&c, NULL, &tmp) < 0;

		lite_err_clear(&tmp);
		if (!busy) {
			*ret = c;
			return 0;
		}
	}
	return lite_err_set(err, ENOSPC, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
}

static int
parse_addresses(struct daemon *d, struct net_network *n, const char *subnet, const char *gateway, struct lite_err *err)
{
	char want[32];
	int r;

	if (subnet && net_cidr_parse(subnet, false, &n->subnet, NULL) < 0) {
		struct net_cidr c;
		if (net_cidr_parse(subnet, true, &c, NULL) == 0) {
			net_cidr_format(&c, want, sizeof(want));
			return lite_err_set(err, EINVAL, "invalid subnet %s: it should be %s", subnet, want);
		}
		return lite_err_set(err, EINVAL, "invalid --subnet \"%s\": expected a CIDR like 10.70.0.0/24", subnet);
	}
	if (subnet && (n->subnet.prefix > 30 || n->subnet.prefix < 8))
		return lite_err_set(err, EINVAL, "invalid --subnet %s: prefix must be /8 to /30", subnet);
	if (!subnet && (r = pick_subnet(d, &n->subnet, err)) < 0)
		return r;
	if (gateway && net_cidr_ip_parse(gateway, &n->gateway) < 0)
		return lite_err_set(err, EINVAL, "invalid --gateway \"%s\": expected an IPv4 address", gateway);
	if (gateway && !net_cidr_is_host(&n->subnet, n->gateway))
		return lite_err_set(err, EINVAL, "invalid --gateway %s: not a host address of the subnet", gateway);
	if (!gateway)
		n->gateway = n->subnet.addr + 1;
	if (overlaps_network(d, &n->subnet, n))
		return lite_err_set(err, EEXIST, "invalid pool request: Pool overlaps with other one on this address space");
	r = net_link_route_overlap(&n->subnet, NULL, err);
	return r;
}

int
net_network_create(struct daemon *d, const char *name, const char *subnet, const char *gateway,
		   uid_t owner, struct net_network **ret, struct lite_err *err)
{
	char dir[PATH_MAX];
	struct net_network *n;
	int r;

	if (!valid_name(name) || strlen(name) >= sizeof(n->name))
		return lite_err_set(err, EINVAL, "invalid network name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
	if (strcmp(name, "none") == 0 || strcmp(name, "host") == 0 || net_network_find(d, name))
		return lite_err_set(err, EEXIST, "network with name %s already exists", name);
	if (!(n = calloc(1, sizeof(*n))))
		return lite_err_set(err, ENOMEM, "out of memory");
	snprintf(n->name, sizeof(n->name), "%s", name);
	random_id(n->id);
	snprintf(n->bridge, sizeof(n->bridge), "lbr-%.11s", n->id);
	n->owner = owner;
	n->created = time(NULL);
	r = parse_addresses(d, n, subnet, gateway, err);
	if (r == 0 && net_network_dir(d, n, dir, sizeof(dir)) == 0 && fs_mkdir_p(dir, 0700) == 0)
		CRASH_POINT("network.create.after-dir");
	if (r == 0 && (r = save(d, n)) < 0)
		r = lite_err_sys(err, -r, "save network %s", name);
	if (r < 0) {
		free(n);
		return r;
	}
	CRASH_POINT("network.create.after-state");
	TAILQ_INSERT_TAIL(&d->net.networks, n, entry);
	*ret = n;
	return 0;
}

int
net_network_remove(struct daemon *d, struct net_network *n, struct lite_err *err)
{
	char dir[PATH_MAX];
	int r;

	if (n->is_default)
		return lite_err_set(err, EPERM, "%s is a pre-defined network and cannot be removed", n->name);
	r = net_link_delete(n->bridge);
	if (r < 0)
		return lite_err_sys(err, -r, "delete bridge %s", n->bridge);
	CRASH_POINT("network.rm.after-bridge");
	net_network_dir(d, n, dir, sizeof(dir));
	fs_rm_rf(dir);
	TAILQ_REMOVE(&d->net.networks, n, entry);
	json_decref(n->labels);
	free(n);
	return 0;
}

int
net_network_set_labels(struct daemon *d, struct net_network *n, json_t *labels)
{
	json_decref(n->labels);
	n->labels = json_incref(labels);
	return save(d, n);
}

/* verbose adds "containers": those viewer may see (ctr_visible_to); another
 * user's containers on a shared network are not listed. */
json_t *
net_network_json(struct daemon *d, const struct net_network *n, bool verbose, uid_t viewer)
{
	char sub[32], gw[16], dir[PATH_MAX];
	struct ipam_lease *l = NULL;
	size_t nl = 0;
	json_t *o, *ctrs;

	net_cidr_format(&n->subnet, sub, sizeof(sub));
	net_cidr_ip_format(n->gateway, gw);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i}", "name", n->name, "id", n->id,
		      "driver", "bridge", "bridge", n->bridge, "subnet", sub, "gateway", gw,
		      "created", (json_int_t)n->created, "owner_uid", (int)n->owner);
	if (o && n->labels)
		json_object_set(o, "labels", n->labels);
	if (!verbose || !o)
		return o;
	ctrs = json_object();
	net_network_dir(d, n, dir, sizeof(dir));
	if (ipam_list(dir, &l, &nl) == 0) {
		for (size_t i = 0; i < nl; i++) {
			struct ctr *c;
			char ip[16];

			net_cidr_ip_format(l[i].ip, ip);
			TAILQ_FOREACH(c, &d->ctrs, entry)
				if (strcmp(c->spec.id, l[i].owner) == 0 && ctr_visible_to(c, viewer))
					json_object_set_new(ctrs, c->spec.id, json_pack("{s:s, s:s}", "name", c->spec.name, "ipv4_address", ip));
		}
	}
	free(l);
	json_object_set_new(o, "containers", ctrs);
	return o;
}
