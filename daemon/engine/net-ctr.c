/* A container's network: its mode (bridge, a user network, none, host),
 * its endpoints (a veth and a leased address per network), its published
 * ports and its /etc/hosts, /etc/hostname and /etc/resolv.conf. Kept in
 * memory and in DATA_ROOT/containers/ID/net.json.
 *
 * Safety invariants: host state (veths, leases, rules, reserved ports) is
 * created only after every input was validated, and every step that fails
 * undoes the earlier ones; detach is idempotent, so exit, rm and a daemon
 * restart may each run it. Host veths are named "lv" + container id + network
 * id, never a name a user chose. */
#include "events.h"
#include "net-ctr.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "crash-point.h"
#include "ctr.h"
#include "daemon.h"
#include "fd-util.h"
#include "fs-util.h"
#include "image.h"
#include "log.h"
#include "net-opts.h"
#include "net-ports.h"
#include "shim-config.h"
#include "strv.h"

struct net_ep {
	char network_id[65];
	char ifname[16];   /* inside: eth0, eth1, ... */
	char host_if[16];  /* on the bridge */
	uint32_t ip;       /* leased, or (not leased) the one to ask for again */
	bool fixed;        /* --ip: this address or none */
};

struct net_ctr {
	char id[65];
	char mode[64];     /* "none", "host", or a network's name */
	struct net_ep *ep; /* n_ep of them, grown one at a time (most containers have one or none) */
	size_t n_ep;
	struct net_ports ports;
	char **dns;
	char **add_host;
	char **aliases;    /* --network-alias: more names peers know it by */
	bool attached;
	bool leased;       /* addresses leased and host ports bound: from a start to the exit */
	char **exposed;    /* "PORT/PROTO": the image's ExposedPorts and --expose */
	bool publish_all;  /* -P was given (Docker's HostConfig.PublishAllPorts) */
	TAILQ_ENTRY(net_ctr) entry;
	bool nosync;       /* a --rm container's: net.json without fsync (see ctr-shim.c) */
};

static void
nc_free(struct net_ctr *nc)
{
	if (!nc)
		return;
	net_ports_free(&nc->ports);
	free(nc->ep);
	strv_free(nc->dns);
	strv_free(nc->add_host);
	strv_free(nc->aliases);
	strv_free(nc->exposed);
	free(nc);
}

/* Room for one more endpoint at nc->ep[nc->n_ep] (zeroed); NULL at the
 * limit or out of memory. */
static struct net_ep *
ep_slot(struct net_ctr *nc)
{
	struct net_ep *a;

	if (nc->n_ep == NET_MAX_ENDPOINTS || !(a = realloc(nc->ep, (nc->n_ep + 1) * sizeof(*a))))
		return NULL;
	nc->ep = a;
	memset(&a[nc->n_ep], 0, sizeof(*a));
	return &a[nc->n_ep];
}

static void
nc_path(struct daemon *d, const char *id, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s/containers/%s/%s", d->cfg.data_root, id, file);
}

static int
nc_save(struct daemon *d, struct net_ctr *nc)
{
	char path[PATH_MAX], ip[16];
	_cleanup_free_ char *text = NULL;
	json_t *eps = json_array(), *o;

	for (size_t i = 0; i < nc->n_ep; i++) {
		net_cidr_ip_format(nc->ep[i].ip, ip);
		json_array_append_new(eps, json_pack("{s:s, s:s, s:s, s:s, s:b}", "network", nc->ep[i].network_id,
						     "ifname", nc->ep[i].ifname, "host_if", nc->ep[i].host_if, "ip", ip,
						     "fixed", nc->ep[i].fixed));
	}
	o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "mode", nc->mode, "endpoints", eps,
		      "ports", net_ports_state_json(&nc->ports), "dns", strv_to_json(nc->dns),
		      "add_host", strv_to_json(nc->add_host), "aliases", strv_to_json(nc->aliases),
		      "attached", nc->attached, "leased", nc->leased);
	if (o && nc->exposed)
		json_object_set_new(o, "exposed", strv_to_json(nc->exposed));
	if (o && nc->publish_all)
		json_object_set_new(o, "publish_all", json_true());
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return -ENOMEM;
	nc_path(d, nc->id, "net.json", path, sizeof(path));
	if (nc->nosync)
		return fs_write_file_replace(path, text, strlen(text), 0600);
	return fs_write_file_atomic(path, text, strlen(text), 0600);
}

static struct net_ctr *
nc_load(struct daemon *d, const char *id)
{
	char path[PATH_MAX];
	json_t *o, *e;
	struct net_ctr *nc;
	size_t i;

	nc_path(d, id, "net.json", path, sizeof(path));
	o = json_load_file(path, 0, NULL);
	if (!o || !(nc = calloc(1, sizeof(*nc)))) {
		json_decref(o);
		return NULL;
	}
	snprintf(nc->id, sizeof(nc->id), "%s", id);
	snprintf(nc->mode, sizeof(nc->mode), "%s", json_string_value(json_object_get(o, "mode")) ?: "none");
	json_array_foreach(json_object_get(o, "endpoints"), i, e) {
		struct net_ep *ep = ep_slot(nc);
		const char *net = json_string_value(json_object_get(e, "network"));
		const char *ifn = json_string_value(json_object_get(e, "ifname"));
		const char *hif = json_string_value(json_object_get(e, "host_if"));

		if (!ep || !net || !ifn || !hif ||
		    net_cidr_ip_parse(json_string_value(json_object_get(e, "ip")), &ep->ip) < 0)
			continue;
		snprintf(ep->network_id, sizeof(ep->network_id), "%s", net);
		snprintf(ep->ifname, sizeof(ep->ifname), "%s", ifn);
		snprintf(ep->host_if, sizeof(ep->host_if), "%s", hif);
		ep->fixed = json_is_true(json_object_get(e, "fixed"));
		nc->n_ep++;
	}
	net_ports_from_json(&nc->ports, json_object_get(o, "ports"));
	nc->dns = strv_from_json(json_object_get(o, "dns"));
	nc->add_host = strv_from_json(json_object_get(o, "add_host"));
	nc->aliases = strv_from_json(json_object_get(o, "aliases"));
	nc->exposed = strv_from_json(json_object_get(o, "exposed"));
	nc->attached = json_is_true(json_object_get(o, "attached"));
	nc->publish_all = json_is_true(json_object_get(o, "publish_all"));
	/* before "leased" was recorded, an exit dropped the endpoints */
	nc->leased = json_object_get(o, "leased") ? json_is_true(json_object_get(o, "leased")) : nc->n_ep > 0;
	json_decref(o);
	TAILQ_INSERT_TAIL(&d->net.ctrs, nc, entry);
	return nc;
}

/* The container's network state, loading net.json on first use; kept in
 * c->net after that, so a ps of N containers is not N list walks. */
static struct net_ctr *
nc_get(struct daemon *d, struct ctr *c)
{
	struct net_ctr *nc;

	if (c->net)
		return c->net;
	TAILQ_FOREACH(nc, &d->net.ctrs, entry)
		if (strcmp(nc->id, c->spec.id) == 0)
			return c->net = nc;
	return c->net = nc_load(d, c->spec.id);
}

static struct net_network *
ep_network(struct daemon *d, const struct net_ep *ep)
{
	return net_network_find(d, ep->network_id);
}

static bool
is_running_id(struct daemon *d, const char *id, struct ctr **ret)
{
	struct ctr *c = ctr_by_id(d, id); /* hashed: callers loop over every container */

	if (c && ret)
		*ret = c;
	return c && (ctr_is_running(c) || c->rt.status == CTR_CREATED);
}

/* An attached container (from net_ctr_attach to the exit, whatever its
 * status says meanwhile: a start marks it running only after attach). */
static bool
attached_ctr(struct daemon *d, const struct net_ctr *nc, struct ctr **ret)
{
	struct ctr *c;

	if (!nc->attached || !(c = ctr_by_id(d, nc->id)))
		return false;
	if (ret)
		*ret = c;
	return true;
}

/* ------------------------------------------------------------ /etc files */

static int
write_in_place(const char *path, const char *text)
{
	/* in place, not renamed: the container sees its bind mount change */
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0)
		return -errno;
	return fd_write_all(fd, text, strlen(text)) < 0 ? -errno : 0;
}

/* "NAME ALIAS..." of a peer, into buf. */
static const char *
peer_names(const char *name, char **aliases, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "%s", name);

	for (char **a = aliases; a && *a && off < len; a++)
		off += (size_t)snprintf(buf + off, len - off, " %s", *a);
	return buf;
}

/* Peers on the user networks of nc: "IP NAME ALIAS..." of every other live one. */
static size_t
collect_peers(struct daemon *d, struct net_ctr *nc, struct net_host_entry *out, char (*ips)[16],
	      char (*names)[512], size_t max)
{
	struct net_ctr *o;
	struct ctr *c;
	size_t n = 0;

	for (size_t i = 0; i < nc->n_ep; i++) {
		struct net_network *net = ep_network(d, &nc->ep[i]);

		if (!net || net->is_default)
			continue; /* like Docker: no names on the default bridge */
		TAILQ_FOREACH(o, &d->net.ctrs, entry) {
			if (o == nc || !attached_ctr(d, o, &c))
				continue;
			for (size_t j = 0; j < o->n_ep && n < max; j++) {
				if (strcmp(o->ep[j].network_id, net->id) != 0)
					continue;
				net_cidr_ip_format(o->ep[j].ip, ips[n]);
				out[n].ip = ips[n];
				out[n].names = peer_names(c->spec.name, o->aliases, names[n], sizeof(names[n]));
				n++;
			}
		}
	}
	return n;
}

static int
write_hosts(struct daemon *d, struct ctr *c, struct net_ctr *nc)
{
	static char pnames[256][512]; /* the loop is single-threaded */
	struct net_host_entry extra[64], peers[256];
	char eips[64][16], pips[256][16], names[64][256], self[16], path[PATH_MAX];
	_cleanup_free_ char *text = NULL, *host = NULL;
	size_t ne = 0, np, len;
	uint32_t ip;

	nc_path(d, nc->id, "hosts", path, sizeof(path));
	if (strcmp(nc->mode, "host") == 0) {
		if (fs_read_file("/etc/hosts", &host, &len) < 0)
			host = strdup("127.0.0.1\tlocalhost\n");
		return host ? write_in_place(path, host) : -ENOMEM;
	}
	for (char **p = nc->add_host; p && *p && ne < 64; p++) {
		if (net_opts_add_host_parse(*p, names[ne], sizeof(names[ne]), &ip) < 0)
			continue;
		net_cidr_ip_format(ip, eips[ne]);
		extra[ne] = (struct net_host_entry){ eips[ne], names[ne] };
		ne++;
	}
	if (nc->n_ep)
		net_cidr_ip_format(nc->ep[0].ip, self);
	np = collect_peers(d, nc, peers, pips, pnames, 256);
	text = net_etc_hosts(nc->n_ep ? self : NULL, c->spec.hostname, extra, ne, peers, np);
	return text ? write_in_place(path, text) : -ENOMEM;
}

static int
write_etc(struct daemon *d, struct ctr *c, struct net_ctr *nc)
{
	char path[PATH_MAX], hn[80];
	_cleanup_free_ char *host = NULL, *resolv = NULL;
	size_t len;
	int r;

	if (fs_read_file("/etc/resolv.conf", &host, &len) < 0)
		host = NULL;
	if (strcmp(nc->mode, "host") == 0)
		resolv = strdup(host ? host : "");
	else
		resolv = net_etc_resolv(host, nc->dns);
	nc_path(d, nc->id, "resolv.conf", path, sizeof(path));
	r = resolv ? write_in_place(path, resolv) : -ENOMEM;
	snprintf(hn, sizeof(hn), "%s\n", c->spec.hostname);
	nc_path(d, nc->id, "hostname", path, sizeof(path));
	if (r == 0)
		r = write_in_place(path, hn);
	return r < 0 ? r : write_hosts(d, c, nc);
}

/* Rewrite /etc/hosts of every live container on the user networks of nc. */
static void
refresh_peers(struct daemon *d, struct net_ctr *nc)
{
	struct net_ctr *o;
	struct ctr *c;

	TAILQ_FOREACH(o, &d->net.ctrs, entry) {
		bool shares = false;

		for (size_t i = 0; i < o->n_ep; i++)
			for (size_t j = 0; j < nc->n_ep; j++)
				shares = shares || strcmp(o->ep[i].network_id, nc->ep[j].network_id) == 0;
		if (o != nc && shares && attached_ctr(d, o, &c))
			write_hosts(d, c, o);
	}
}

static bool
on_user_network(struct daemon *d, struct net_ctr *nc)
{
	for (size_t i = 0; i < nc->n_ep; i++) {
		struct net_network *n = ep_network(d, &nc->ep[i]);
		if (n && !n->is_default)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------ endpoints */

/* delete_link: false when the container's namespace is going away, which
 * takes the veth pair with it; deleting a netdev costs ~15 ms of RCU
 * grace periods, which would dominate a start-to-exit cycle. */
static void
ep_release(struct daemon *d, struct net_ctr *nc, struct net_ep *ep, bool delete_link)
{
	struct net_network *n = ep_network(d, ep);
	char dir[PATH_MAX];

	if (delete_link)
		net_link_delete(ep->host_if);
	if (n && net_network_dir(d, n, dir, sizeof(dir)) == 0)
		ipam_release(dir, nc->id);
}

/* Name the endpoint on n and its interfaces; no lease yet. want: the
 * address to ask for (0: any); fixed: that one or none (--ip). */
static int
ep_define(struct net_ctr *nc, struct net_network *n, uint32_t want, bool fixed, struct lite_err *err)
{
	struct net_ep *ep;
	char ifn[16];
	int k;

	if (nc->n_ep == NET_MAX_ENDPOINTS)
		return lite_err_set(err, E2BIG, "too many networks (at most %d)", NET_MAX_ENDPOINTS);
	for (size_t i = 0; i < nc->n_ep; i++)
		if (strcmp(nc->ep[i].network_id, n->id) == 0)
			return lite_err_set(err, EEXIST, "endpoint with name %s already exists in network %s", nc->id, n->name);
	for (k = 0; k < NET_MAX_ENDPOINTS; k++) {
		bool used = false;
		snprintf(ifn, sizeof(ifn), "eth%d", k);
		for (size_t i = 0; i < nc->n_ep; i++)
			used = used || strcmp(nc->ep[i].ifname, ifn) == 0;
		if (!used)
			break;
	}
	if (!(ep = ep_slot(nc)))
		return lite_err_set(err, ENOMEM, "out of memory");
	snprintf(ep->network_id, sizeof(ep->network_id), "%s", n->id);
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", ifn);
	memcpy(ep->host_if, "lv", 2);
	memcpy(ep->host_if + 2, nc->id, 9);
	memcpy(ep->host_if + 11, n->id, 4);
	ep->host_if[15] = '\0';
	ep->ip = want;
	ep->fixed = fixed;
	nc->n_ep++;
	return 0;
}

/* Make the endpoint's bridge and lease its address: the one it had while
 * that is free (a restart keeps its IP), else any unless fixed. */
static int
ep_lease(struct daemon *d, struct net_ctr *nc, struct net_ep *ep, struct lite_err *err)
{
	struct net_network *n = ep_network(d, ep);
	char dir[PATH_MAX];
	uint32_t ip;
	int r;

	if (!n)
		return lite_err_set(err, ENOENT, "network %.12s not found (removed since the container was created)",
				    ep->network_id);
	r = net_network_ensure(d, n, err);
	if (r > 0)
		CRASH_POINT("network.ensure.after-bridge"); /* a network's bridge is made at its first use */
	if (r > 0)
		r = net_ctr_rules_sync(d, err);
	if (r < 0)
		return r;
	net_network_dir(d, n, dir, sizeof(dir));
	r = ipam_alloc(dir, &n->subnet, n->gateway, nc->id, ep->ip, &ip, err);
	if (r < 0 && ep->ip && !ep->fixed) {
		lite_err_clear(err);
		r = ipam_alloc(dir, &n->subnet, n->gateway, nc->id, 0, &ip, err);
	}
	if (r < 0)
		return lite_err_wrap(err, "network %s", n->name);
	ep->ip = ip;
	return 0;
}

/* Define and lease an endpoint on n. */
static int
ep_add(struct daemon *d, struct net_ctr *nc, struct net_network *n, uint32_t want, struct lite_err *err)
{
	int r = ep_define(nc, n, want, want != 0, err);

	if (r == 0 && (r = ep_lease(d, nc, &nc->ep[nc->n_ep - 1], err)) < 0)
		nc->n_ep--;
	return r;
}

static int
ep_plug(struct daemon *d, struct ctr *c, struct net_ep *ep, bool default_route, struct lite_err *err)
{
	struct net_network *n = ep_network(d, ep);

	if (!n)
		return lite_err_set(err, ENOENT, "network %.12s is gone", ep->network_id);
	return net_link_veth_attach(ep->host_if, n->bridge, c->rt.init_pid, ep->ifname, ep->ip,
				    n->subnet.prefix, n->gateway, default_route, err);
}

/* ------------------------------------------------------------ prepare */

/* dns, add_host and aliases, already checked; NULL stays NULL. */
static int
copy_lists(const struct net_opts *o, struct net_ctr *nc, struct lite_err *err)
{
	nc->dns = o->dns ? strv_copy(o->dns) : NULL;
	nc->add_host = o->add_host ? strv_copy(o->add_host) : NULL;
	nc->aliases = o->aliases ? strv_copy(o->aliases) : NULL;
	if ((o->dns && !nc->dns) || (o->add_host && !nc->add_host) || (o->aliases && !nc->aliases))
		return lite_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static int
check_mode(struct daemon *d, struct net_ctr *nc, const struct net_opts *o, uid_t uid, struct net_network **ret,
	   struct lite_err *err)
{
	bool ports = o->n_ports > 0;

	*ret = NULL;
	if (strcmp(nc->mode, "host") == 0 && uid != 0)
		return lite_err_set(err, EPERM, "--net host is allowed only for root");
	if ((strcmp(nc->mode, "host") == 0 || strcmp(nc->mode, "none") == 0) && (ports || o->ip_set))
		return lite_err_set(err, EINVAL, "conflicting options: %s and the network mode %s",
				    ports ? "port publishing" : "--ip", nc->mode);
	if (strcmp(nc->mode, "host") == 0 || strcmp(nc->mode, "none") == 0)
		return 0;
	*ret = net_network_find(d, nc->mode);
	if (*ret && !net_network_visible_to(*ret, uid))
		*ret = NULL; /* another user's network: "not found" */
	if (!*ret)
		return lite_err_set(err, ENOENT, "network %s not found", nc->mode);
	if (!net_network_usable(d, *ret))
		return lite_err_set(err, EINVAL, "the default bridge is disabled (\"bridge\": \"none\" in the daemon's config file)");
	if (o->ip_set && (*ret)->is_default)
		return lite_err_set(err, EINVAL, "user specified IP address is supported on user defined networks only");
	memmove(nc->mode, (*ret)->name, strlen((*ret)->name) + 1);
	return 0;
}

/* The exposed ports (image and --expose) into nc; with -P, a spec for
 * each one -p left unpublished joins ports[*n]. */
static int
exposed_ports(struct daemon *d, struct ctr *c, struct net_ctr *nc, const struct net_opts *o, struct net_port *ports,
	      size_t *n, struct lite_err *err)
{
	struct image *img = NULL;
	int r = image_load(d->cfg.data_root, c->spec.image_id, &img, err);

	if (r < 0)
		return r;
	r = net_opts_exposed(o, json_object_get(json_object_get(img->config, "config"), "ExposedPorts"), &nc->exposed, err);
	image_free(img);
	if (r == 0 && o->publish_all && strcmp(nc->mode, "host") != 0 && strcmp(nc->mode, "none") != 0)
		r = net_opts_publish_exposed(nc->exposed, ports, n, NET_OPTS_MAX_PORTS, err);
	return r;
}

/* lease: reserve the ports and lease the address now (run); else only
 * record them for the first start (create). */
static int
prepare(struct daemon *d, struct ctr *c, const struct net_opts *o, uid_t uid, bool lease, struct lite_err *err)
{
	struct net_port ports[NET_OPTS_MAX_PORTS];
	size_t n_ports = o->n_ports;
	const char *mode = o->mode && strcmp(o->mode, "default") ? o->mode : net_network_default_mode(d);
	struct net_ctr *nc = calloc(1, sizeof(*nc));
	struct net_network *n = NULL;
	int r;

	if (!nc)
		return lite_err_set(err, ENOMEM, "out of memory");
	net_ports_init(&nc->ports);
	snprintf(nc->id, sizeof(nc->id), "%s", c->spec.id);
	snprintf(nc->mode, sizeof(nc->mode), "%s", mode);
	nc->nosync = c->spec.auto_remove;
	nc->publish_all = o->publish_all;
	memcpy(ports, o->ports, sizeof(ports));
	r = check_mode(d, nc, o, uid, &n, err);
	if (r == 0 && n_ports) /* before -P adds picked ports, which are always fine */
		r = net_port_check_caller(ports, n_ports, uid == 0, net_ports_unprivileged_start(), err);
	if (r == 0)
		r = copy_lists(o, nc, err);
	if (r == 0)
		r = exposed_ports(d, c, nc, o, ports, &n_ports, err);
	if (r == 0 && lease)
		r = net_ports_reserve(&nc->ports, ports, n_ports, err);
	else if (r == 0)
		r = net_ports_set(&nc->ports, ports, n_ports, err);
	if (r == 0 && n && lease)
		r = ep_add(d, nc, n, o->ip_set ? o->ip : 0, err);
	else if (r == 0 && n)
		r = ep_define(nc, n, o->ip_set ? o->ip : 0, o->ip_set, err);
	if (r == 0 && !lease)
		r = nc_save(d, nc) < 0 ? lite_err_set(err, EIO, "save the container's network state") : 0;
	if (r < 0) {
		if (lease)
			for (size_t i = 0; i < nc->n_ep; i++)
				ep_release(d, nc, &nc->ep[i], false);
		nc_free(nc);
		return r;
	}
	nc->leased = lease;
	TAILQ_INSERT_TAIL(&d->net.ctrs, nc, entry);
	c->net = nc;
	return 0;
}

int
net_ctr_prepare(struct daemon *d, struct ctr *c, const struct net_opts *o, uid_t uid, struct lite_err *err)
{
	return prepare(d, c, o, uid, true, err);
}

int
net_ctr_define(struct daemon *d, struct ctr *c, const struct net_opts *o, uid_t uid, struct lite_err *err)
{
	return prepare(d, c, o, uid, false, err);
}

/* A start after create or an exit: lease the addresses and bind the host
 * ports again (undone by net_ctr_detach). */
static int
lease_again(struct daemon *d, struct net_ctr *nc, struct lite_err *err)
{
	int r = 0;

	if (strcmp(nc->mode, "host") == 0 || strcmp(nc->mode, "none") == 0) {
		nc->leased = true;
		return 0;
	}
	for (size_t i = 0; i < nc->n_ep && r == 0; i++)
		r = ep_lease(d, nc, &nc->ep[i], err);
	if (r == 0)
		r = net_ports_rebind(&nc->ports, err);
	if (r < 0) {
		for (size_t i = 0; i < nc->n_ep; i++)
			ep_release(d, nc, &nc->ep[i], false);
		net_ports_close(&nc->ports);
		return r;
	}
	nc->leased = true;
	return 0;
}

int
net_ctr_shim_config(struct daemon *d, struct ctr *c, struct shim_config *cfg, struct lite_err *err)
{
	struct net_ctr *nc = nc_get(d, c);
	char hosts[PATH_MAX], hn[PATH_MAX], resolv[PATH_MAX];
	int r;

	if (!nc)
		return 0; /* made before networking existed: its own empty netns */
	r = nc->leased ? 0 : lease_again(d, nc, err);
	if (r < 0)
		return r;
	r = write_etc(d, c, nc);
	if (r == 0)
		r = nc_save(d, nc);
	if (r < 0)
		return lite_err_sys(err, -r, "write the container's /etc files");
	nc_path(d, nc->id, "hosts", hosts, sizeof(hosts));
	nc_path(d, nc->id, "hostname", hn, sizeof(hn));
	nc_path(d, nc->id, "resolv.conf", resolv, sizeof(resolv));
	cfg->etc_files = strv_new("/etc/hosts", hosts, "/etc/hostname", hn, "/etc/resolv.conf", resolv, (char *)NULL);
	if (!cfg->etc_files)
		return lite_err_set(err, ENOMEM, "out of memory");
	cfg->net_host = strcmp(nc->mode, "host") == 0;
	return 0;
}

/* Network events of a container's endpoints: its owner's (issue 13). */
static void
net_ctr_emit(struct daemon *d, struct ctr *c, const struct net_ep *ep, size_t n, const char *action)
{
	for (size_t i = 0; i < n; i++) {
		struct net_network *net = ep_network(d, &ep[i]);
		if (net)
			events_emit(d, "network", action, net->id, (int64_t)c->spec.owner_uid,
				    events_attrs("container", c->spec.id, "name", net->name, "type", "bridge", NULL));
	}
}

/* Add (a start, a connect) or delete (an exit, a disconnect) the
 * anti-spoofing elements of n endpoints; a full sync when the tables are
 * not there yet or a delete fails (elements a sync already dropped). */
static int
antispoof_update(struct daemon *d, const struct net_ep *ep, size_t n, bool add, struct lite_err *err)
{
	struct net_nft_ep e[NET_MAX_ENDPOINTS];
	_cleanup_free_ char *batch = NULL;

	if (!d->net.table_made)
		return add ? net_ctr_rules_sync(d, err) : 0;
	for (size_t i = 0; i < n && i < NET_MAX_ENDPOINTS; i++)
		e[i] = (struct net_nft_ep){ ep[i].host_if, ep[i].ip };
	batch = net_nft_antispoof_elements(e, n < NET_MAX_ENDPOINTS ? n : NET_MAX_ENDPOINTS, add);
	if (!batch)
		return lite_err_set(err, ENOMEM, "out of memory");
	if (!*batch || net_nft_apply(batch, err) == 0)
		return 0;
	lite_err_clear(err);
	return net_ctr_rules_sync(d, err);
}

int
net_ctr_attach(struct daemon *d, struct ctr *c, struct lite_err *err)
{
	struct net_ctr *nc = nc_get(d, c);
	int r = 0;

	if (!nc || strcmp(nc->mode, "host") == 0)
		return 0;
	if (strcmp(nc->mode, "none") == 0)
		return net_link_lo_up(c->rt.init_pid, err);
	for (size_t i = 0; i < nc->n_ep && r == 0; i++)
		r = ep_plug(d, c, &nc->ep[i], i == 0, err);
	nc->attached = true; /* not saved: a running container is attached (net_ctr_restore) */
	if (r == 0 && nc->ports.n)
		r = net_ctr_rules_sync(d, err);
	else if (r == 0) /* init is still blocked before execve: no frame left yet */
		r = antispoof_update(d, nc->ep, nc->n_ep, true, err);
	if (r < 0) {
		net_ctr_detach(d, c);
		return r;
	}
	if (on_user_network(d, nc)) {
		write_hosts(d, c, nc);
		refresh_peers(d, nc);
	}
	net_ctr_emit(d, c, nc->ep, nc->n_ep, "connect");
	return 0;
}

void
net_ctr_detach(struct daemon *d, struct ctr *c)
{
	struct net_ctr *nc = nc_get(d, c);
	struct lite_err err = { 0 };
	bool ports = nc && nc->ports.n, user, was_attached;

	if (!nc)
		return;
	user = on_user_network(d, nc);
	was_attached = nc->attached;
	if (nc->attached)
		net_ctr_emit(d, c, nc->ep, nc->n_ep, "disconnect");
	nc->attached = false; /* first: a full sync (a failed delete) leaves it out */
	if (was_attached && !ports && antispoof_update(d, nc->ep, nc->n_ep, false, &err) < 0)
		log_warnx("container %.12s: %s", c->spec.id, err.msg);
	lite_err_clear(&err);
	for (size_t i = 0; i < nc->n_ep; i++)
		ep_release(d, nc, &nc->ep[i], false);
	net_ports_close(&nc->ports);
	nc->leased = false; /* the endpoints and ports stay: the next start gets them again */
	if (ports && net_ctr_rules_sync(d, &err) < 0)
		log_warnx("container %.12s: %s", c->spec.id, err.msg);
	lite_err_clear(&err);
	if (user)
		refresh_peers(d, nc);
	if (!c->removing && !c->spec.auto_remove)
		nc_save(d, nc); /* else the state goes with the container's dir */
}

void
net_ctr_remove(struct daemon *d, struct ctr *c)
{
	struct net_ctr *nc = nc_get(d, c);

	if (!nc)
		return;
	if (nc->attached || nc->leased)
		net_ctr_detach(d, c);
	TAILQ_REMOVE(&d->net.ctrs, nc, entry);
	c->net = NULL;
	nc_free(nc);
}

json_t *
net_ctr_inspect(struct daemon *d, struct ctr *c)
{
	struct net_ctr *nc = nc_get(d, c);
	json_t *nets = json_object(), *o;
	char ip[16], gw[16];

	if (!nc)
		return json_pack("{s:s, s:o, s:[]}", "mode", "none", "networks", nets, "ports");
	for (size_t i = 0; i < nc->n_ep; i++) {
		struct net_network *n = ep_network(d, &nc->ep[i]);

		if (!n)
			continue;
		/* not running: no address (as Docker's "IPAddress": "") */
		if (nc->leased)
			net_cidr_ip_format(nc->ep[i].ip, ip);
		else
			ip[0] = '\0';
		net_cidr_ip_format(n->gateway, gw);
		json_object_set_new(nets, n->name, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "network_id", n->id,
							     "ip_address", ip, "prefix_len", n->subnet.prefix,
							     "gateway", gw, "interface", nc->ep[i].ifname,
							     "host_interface", nc->ep[i].host_if));
	}
	o = json_pack("{s:s, s:o, s:o, s:o}", "mode", nc->mode, "networks", nets, "ports", net_ports_to_json(&nc->ports),
		      "exposed_ports", strv_to_json(nc->exposed));
	json_object_set_new(o, "aliases", strv_to_json(nc->aliases));
	json_object_set_new(o, "publish_all", json_boolean(nc->publish_all));
	if (nc->n_ep && nc->leased) {
		net_cidr_ip_format(nc->ep[0].ip, ip);
		json_object_set_new(o, "ip_address", json_string(ip));
		json_object_set(o, "gateway", json_object_get(json_object_iter_value(json_object_iter(nets)), "gateway"));
	}
	return o;
}

json_t *
net_ctr_ps_ports(struct daemon *d, struct ctr *c)
{
	struct net_ctr *nc = nc_get(d, c);
	json_t *a = nc && nc->leased ? net_ports_to_json(&nc->ports) : json_array();

	for (char **s = nc ? nc->exposed : NULL; s && *s; s++) {
		unsigned port = 0;
		char proto[8] = "";
		bool published = false;

		if (sscanf(*s, "%u/%7s", &port, proto) != 2)
			continue;
		for (size_t i = 0; nc->leased && i < nc->ports.n; i++)
			published = published || (nc->ports.p[i].ctr_port == port &&
						   strcmp(net_port_proto_name(nc->ports.p[i].proto), proto) == 0);
		if (!published)
			json_array_append_new(a, json_pack("{s:i, s:s}", "container_port", (int)port, "protocol", proto));
	}
	return a;
}

bool
net_ctr_ps_has_ports(struct daemon *d, struct ctr *c)
{
	struct net_ctr *nc = nc_get(d, c);

	return nc && ((nc->leased && nc->ports.n) || (nc->exposed && *nc->exposed));
}

int
net_ctr_connect(struct daemon *d, struct ctr *c, struct net_network *n, uint32_t want, struct lite_err *err)
{
	struct net_ctr *nc = nc_get(d, c);
	int r;

	if (!nc || strcmp(nc->mode, "host") == 0 || strcmp(nc->mode, "none") == 0)
		return lite_err_set(err, EINVAL, "container %s cannot be connected to networks: its network mode is %s",
				    c->spec.name, nc ? nc->mode : "none");
	if (!ctr_is_running(c)) {
		/* created or exited (docker-compose connects before the start):
		 * the endpoint is leased and plugged by the next start */
		r = nc->leased ? lite_err_set(err, EINVAL, "container %s is not running", c->spec.name)
			       : ep_define(nc, n, want, want != 0, err);
		if (r == 0) {
			nc_save(d, nc);
			net_ctr_emit(d, c, &nc->ep[nc->n_ep - 1], 1, "connect");
		}
		return r;
	}
	r = ep_add(d, nc, n, want, err);
	if (r < 0)
		return r;
	r = ep_plug(d, c, &nc->ep[nc->n_ep - 1], false, err);
	if (r == 0)
		r = antispoof_update(d, &nc->ep[nc->n_ep - 1], 1, true, err);
	if (r < 0) {
		ep_release(d, nc, &nc->ep[--nc->n_ep], true);
		return r;
	}
	CRASH_POINT("network.connect.after-veth"); /* leased and plugged, not yet saved */
	nc_save(d, nc);
	write_hosts(d, c, nc);
	refresh_peers(d, nc);
	net_ctr_emit(d, c, &nc->ep[nc->n_ep - 1], 1, "connect");
	return 0;
}

int
net_ctr_disconnect(struct daemon *d, struct ctr *c, struct net_network *n, struct lite_err *err)
{
	struct net_ctr *nc = nc_get(d, c);
	struct net_ep ep;
	size_t i;

	for (i = 0; nc && i < nc->n_ep; i++)
		if (strcmp(nc->ep[i].network_id, n->id) == 0)
			break;
	if (!nc || i == nc->n_ep)
		return lite_err_set(err, ENOENT, "container %s is not connected to network %s", c->spec.name, n->name);
	ep = nc->ep[i];
	net_ctr_emit(d, c, &ep, 1, "disconnect");
	refresh_peers(d, nc);
	ep_release(d, nc, &ep, true);
	CRASH_POINT("network.disconnect.after-release"); /* link and lease gone, not yet saved */
	memmove(&nc->ep[i], &nc->ep[i + 1], (nc->n_ep - i - 1) * sizeof(ep));
	nc->n_ep--;
	/* after the record: a full sync (a failed delete) must not add it back */
	if (nc->attached && antispoof_update(d, &ep, 1, false, err) < 0) {
		log_warnx("container %.12s: %s", c->spec.id, err->msg);
		lite_err_clear(err);
	}
	/* peers forget it; it forgets them */
	for (struct net_ctr *o = TAILQ_FIRST(&d->net.ctrs); o; o = TAILQ_NEXT(o, entry)) {
		struct ctr *oc;
		for (size_t j = 0; j < o->n_ep; j++)
			if (o != nc && strcmp(o->ep[j].network_id, n->id) == 0 && is_running_id(d, o->id, &oc))
				write_hosts(d, oc, o);
	}
	write_hosts(d, c, nc);
	nc_save(d, nc);
	return 0;
}

int
net_ctr_network_users(struct daemon *d, const struct net_network *n)
{
	struct net_ctr *nc;
	int users = 0;

	TAILQ_FOREACH(nc, &d->net.ctrs, entry)
		for (size_t i = 0; i < nc->n_ep; i++)
			users += strcmp(nc->ep[i].network_id, n->id) == 0 && is_running_id(d, nc->id, NULL);
	return users;
}

int
net_ctr_rules_sync(struct daemon *d, struct lite_err *err)
{
	struct net_nft_bridge br[64];
	struct net_nft_map maps[1024];
	struct net_network *n;
	struct net_ctr *nc;
	size_t nb = 0, nm = 0, ne = 0;
	_cleanup_free_ char *batch = NULL, *spoof = NULL, *both = NULL;
	_cleanup_free_ struct net_nft_ep *eps = NULL;
	bool any_ready = false;

	for (n = net_network_first(d); n && nb < 64; n = net_network_next(n)) {
		br[nb++] = (struct net_nft_bridge){ n->bridge, n->subnet };
		any_ready = any_ready || n->ready;
	}
	if (!any_ready) {
		/* no bridge in use: nftables is left alone (a daemon with
		 * "bridge": "none" never touches it) */
		if (d->net.table_made)
			net_nft_delete();
		d->net.table_made = false;
		return 0;
	}
	TAILQ_FOREACH(nc, &d->net.ctrs, entry) {
		if (!nc->n_ep || !nc->leased || !attached_ctr(d, nc, NULL))
			continue;
		for (size_t i = 0; i < nc->ports.n && nm < 1024; i++)
			maps[nm++] = (struct net_nft_map){ nc->ports.p[i], nc->ep[0].ip };
		ne += nc->n_ep;
	}
	eps = calloc(ne + 1, sizeof(*eps));
	if (!eps)
		return lite_err_set(err, ENOMEM, "out of memory");
	ne = 0;
	TAILQ_FOREACH(nc, &d->net.ctrs, entry)
		for (size_t i = 0; nc->leased && attached_ctr(d, nc, NULL) && i < nc->n_ep; i++)
			eps[ne++] = (struct net_nft_ep){ nc->ep[i].host_if, nc->ep[i].ip };
	batch = net_nft_ruleset(br, nb, maps, nm);
	spoof = net_nft_antispoof(eps, ne);
	if (!batch || !spoof || asprintf(&both, "%s%s", batch, spoof) < 0) {
		both = NULL;
		return lite_err_set(err, ENOMEM, "out of memory");
	}
	if (net_nft_apply(both, err) < 0)
		return -err->code;
	d->net.table_made = true;
	return 0;
}

struct lease_ctx {
	struct daemon *d;
	const char *network_id;
};

/* A lease is kept while its owner runs with an endpoint on that network
 * (not one a crashed connect leased and never recorded). */
static bool
lease_owner_alive(const char *owner, void *arg)
{
	struct lease_ctx *k = arg;
	struct net_ctr *nc;

	if (!is_running_id(k->d, owner, NULL))
		return false;
	TAILQ_FOREACH(nc, &k->d->net.ctrs, entry) {
		if (strcmp(nc->id, owner) != 0)
			continue;
		for (size_t i = 0; nc->leased && i < nc->n_ep; i++)
			if (strcmp(nc->ep[i].network_id, k->network_id) == 0)
				return true;
		return false;
	}
	return false;
}

static bool
link_listed(struct if_nameindex *links, const char *name)
{
	for (struct if_nameindex *l = links; l && l->if_index; l++)
		if (strcmp(l->if_name, name) == 0)
			return true;
	return false;
}

/* A running container's endpoints against the host's links, after a crash
 * of a network connect or disconnect between changing the host and saving
 * net.json: a veth the container has but its record lacks is removed (the
 * pair goes, and its lease with the next step), an endpoint whose veth is
 * gone is dropped from the record. */
static void
sync_endpoints(struct daemon *d, struct net_ctr *nc, struct if_nameindex *links)
{
	char prefix[16];
	bool changed = false;

	snprintf(prefix, sizeof(prefix), "lv%.9s", nc->id);
	for (struct if_nameindex *l = links; l && l->if_index; l++) {
		bool known = false;

		if (strncmp(l->if_name, prefix, strlen(prefix)) != 0)
			continue;
		for (size_t i = 0; i < nc->n_ep; i++)
			known = known || strcmp(nc->ep[i].host_if, l->if_name) == 0;
		if (!known && net_link_delete(l->if_name) == 0)
			log_warnx("container %.12s: removed the link %s of an unrecorded connect", nc->id, l->if_name);
	}
	for (size_t i = 0; i < nc->n_ep;) {
		if (link_listed(links, nc->ep[i].host_if)) {
			i++;
			continue;
		}
		log_warnx("container %.12s: dropped its endpoint on network %.12s (its link %s is gone)", nc->id,
			  nc->ep[i].network_id, nc->ep[i].host_if);
		memmove(&nc->ep[i], &nc->ep[i + 1], (nc->n_ep - i - 1) * sizeof(nc->ep[0]));
		nc->n_ep--;
		changed = true;
	}
	if (changed)
		nc_save(d, nc);
}

void
net_ctr_restore(struct daemon *d)
{
	struct lite_err err = { 0 };
	struct if_nameindex *links = if_nameindex();
	struct net_network *n;
	struct ctr *c;
	char dir[PATH_MAX];

	TAILQ_FOREACH(c, &d->ctrs, entry) {
		struct net_ctr *nc = nc_get(d, c);

		if (!nc)
			continue;
		if (!ctr_is_running(c) && (nc->attached || nc->leased)) {
			net_ctr_detach(d, c); /* exited while we were away */
			continue;
		}
		if (ctr_is_running(c) && nc->leased && links)
			sync_endpoints(d, nc, links);
		nc->attached = ctr_is_running(c);
		if (ctr_is_running(c) && net_ports_rebind(&nc->ports, &err) < 0) {
			log_warnx("container %.12s: %s", c->spec.id, err.msg);
			lite_err_clear(&err);
		}
	}
	if (links)
		if_freenameindex(links);
	for (n = net_network_first(d); n; n = net_network_next(n)) {
		struct lease_ctx k = { d, n->id };
		int freed;

		net_network_dir(d, n, dir, sizeof(dir));
		if ((freed = ipam_reconcile(dir, lease_owner_alive, &k)) > 0)
			log_info("network %s: freed %d stale lease(s)", n->name, freed);
		if (net_ctr_network_users(d, n) > 0 && net_network_ensure(d, n, &err) < 0) {
			log_warnx("%s", err.msg);
			lite_err_clear(&err);
		}
	}
	if (net_ctr_rules_sync(d, &err) < 0)
		log_warnx("%s", err.msg);
	lite_err_clear(&err);
}

int
net_ctr_network_refs(struct daemon *d, const struct net_network *n)
{
	struct net_ctr *nc;
	int refs = 0;

	TAILQ_FOREACH(nc, &d->net.ctrs, entry)
		for (size_t i = 0; i < nc->n_ep; i++)
			refs += strcmp(nc->ep[i].network_id, n->id) == 0;
	return refs;
}

/* Issue 13: every running container's address stays leased to it (a lease
 * file an earlier daemon got wrong is repaired), so IPAM never hands out
 * an address a live container still uses. */
void
net_ctr_restore_leases(struct daemon *d)
{
	struct lite_err err = { 0 };
	struct net_ctr *nc;
	char dir[PATH_MAX];

	TAILQ_FOREACH(nc, &d->net.ctrs, entry) {
		if (!is_running_id(d, nc->id, NULL) || !nc->attached)
			continue;
		for (size_t i = 0; i < nc->n_ep; i++) {
			struct net_network *n = ep_network(d, &nc->ep[i]);
			uint32_t ip;

			if (!n || net_network_dir(d, n, dir, sizeof(dir)) < 0)
				continue;
			if (ipam_alloc(dir, &n->subnet, n->gateway, nc->id, nc->ep[i].ip, &ip, &err) < 0)
				log_warnx("container %.12s: keep its address: %s", nc->id, err.msg);
			lite_err_clear(&err);
		}
	}
}

int
net_ctr_add_aliases(struct daemon *d, struct ctr *c, json_t *aliases)
{
	struct net_ctr *nc = nc_get(d, c);
	size_t n = nc ? strv_length(nc->aliases) : 0, i;
	json_t *a;
	char **v;

	if (!nc)
		return -ENOENT;
	v = realloc(nc->aliases, (n + json_array_size(aliases) + 1) * sizeof(char *));
	if (!v)
		return -ENOMEM;
	nc->aliases = v;
	json_array_foreach(aliases, i, a) {
		const char *s = json_string_value(a);
		bool have = !s || !*s || !strcmp(s, c->spec.name);

		for (size_t j = 0; !have && j < n; j++)
			have = !strcmp(v[j], s);
		if (!have && (v[n] = strdup(s)))
			n++;
	}
	v[n] = NULL;
	nc_save(d, nc);
	write_hosts(d, c, nc);
	refresh_peers(d, nc);
	return 0;
}
