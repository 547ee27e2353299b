/* network_create, network_ls, network_inspect, network_rm,
 * network_connect, network_disconnect. */
#include "req.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctr.h"
#include "daemon.h"
#include "log.h"
#include "events.h"
#include "net-ctr.h"
#include "net-opts.h"

/* Docker lists its host and none modes as networks too. */
static json_t *
pseudo_network(const char *name)
{
	return json_pack("{s:s, s:s, s:s}", "name", name, "id", name, "driver", strcmp(name, "none") == 0 ? "null" : "host");
}

static struct net_network *
find_or_reply(struct peer *p, const char *ref)
{
	struct net_network *n = net_network_find(p->d, ref);

	if (n && !net_network_visible_to(n, p->cred.uid))
		n = NULL;
	if (!n)
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_NOT_FOUND, "network %s not found", ref);
	return n;
}

/* ["k=v", "k"] as {"k":"v","k":""}; NULL for an empty key (the message in err). */
static json_t *
labels_object(json_t *list, char *err, size_t len)
{
	json_t *o = json_object(), *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *kv = json_string_value(e) ?: "", *eq = strchr(kv, '=');
		size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);

		if (!klen || klen >= 256) {
			json_decref(o);
			snprintf(err, len, "invalid --label \"%s\": expected KEY=VALUE", kv);
			return NULL;
		}
		json_object_set_new(o, strndupa(kv, klen), json_string(eq ? eq + 1 : ""));
	}
	return o;
}

void
req_network_create(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	struct net_network *n;
	json_t *labels = NULL;
	char msg[320];
	int r;

	if (p->cred.uid != 0) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_PERMISSION, "only root can create networks");
		return;
	}
	if (json_array_size(json_object_get(params, "labels")) &&
	    !(labels = labels_object(json_object_get(params, "labels"), msg, sizeof(msg)))) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "%s", msg);
		return;
	}
	r = net_network_create(p->d, proto_get_str(params, "name", ""), proto_get_str(params, "subnet", NULL),
			       proto_get_str(params, "gateway", NULL), p->cred.uid, &n, &err);
	if (r == 0 && labels && (r = net_network_set_labels(p->d, n, labels)) < 0)
		lite_err_sys(&err, -r, "record the labels of network %s", n->name);
	json_decref(labels);
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		lite_err_clear(&err);
		return;
	}
	log_info("created network %s (%s)", n->name, n->bridge);
	events_emit(p->d, "network", "create", n->id, EVENTS_EVERYONE, events_attrs("name", n->name, "type", "bridge", NULL));
	peer_reply(p, json_pack("{s:s, s:s}", "id", n->id, "name", n->name));
}

void
req_network_ls(struct peer *p, json_t *params)
{
	json_t *a = json_array();

	for (struct net_network *n = net_network_first(p->d); n; n = net_network_next(n))
		if (net_network_visible_to(n, p->cred.uid))
			json_array_append_new(a, net_network_json(p->d, n, false, p->cred.uid));
	json_array_append_new(a, pseudo_network("host"));
	json_array_append_new(a, pseudo_network("none"));
	peer_reply(p, a);
}

void
req_network_inspect(struct peer *p, json_t *params)
{
	const char *ref = proto_get_str(params, "id", "");
	struct net_network *n;

	if (strcmp(ref, "host") == 0 || strcmp(ref, "none") == 0) {
		peer_reply(p, pseudo_network(ref));
		return;
	}
	if ((n = find_or_reply(p, ref)))
		peer_reply(p, net_network_json(p->d, n, true, p->cred.uid));
}

void
req_network_rm(struct peer *p, json_t *params)
{
	const char *ref = proto_get_str(params, "id", "");
	struct lite_err err = { 0 };
	struct net_network *n;
	char name[64], nid[65];
	int r;

	if (p->cred.uid != 0) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_PERMISSION, "only root can remove networks");
		return;
	}
	if (strcmp(ref, "host") == 0 || strcmp(ref, "none") == 0) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_PERMISSION, "%s is a pre-defined network and cannot be removed", ref);
		return;
	}
	if (!(n = find_or_reply(p, ref)))
		return;
	if (net_ctr_network_users(p->d, n) > 0) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "error while removing network: network %s has active endpoints", n->name);
		return;
	}
	snprintf(name, sizeof(name), "%s", n->name);
	snprintf(nid, sizeof(nid), "%s", n->id);
	r = net_network_remove(p->d, n, &err);
	if (r == 0)
		r = net_ctr_rules_sync(p->d, &err);
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		lite_err_clear(&err);
		return;
	}
	log_info("removed network %s", name);
	events_emit(p->d, "network", "destroy", nid, EVENTS_EVERYONE, events_attrs("name", name, "type", "bridge", NULL));
	peer_reply(p, json_object());
}

/* connect and disconnect: the network and the caller's container. */
static int
lookup_pair(struct peer *p, json_t *params, struct net_network **ret_n, struct ctr **ret_c)
{
	struct lite_err err = { 0 };
	int r;

	if (!(*ret_n = find_or_reply(p, proto_get_str(params, "network", ""))))
		return -ENOENT;
	r = ctr_lookup(p->d, proto_get_str(params, "container", ""), p->cred.uid, ret_c, &err);
	if (r < 0)
		peer_reply_err(p, r, err.msg);
	lite_err_clear(&err);
	return r;
}

static void
connect_or_disconnect(struct peer *p, json_t *params, bool connect)
{
	const char *ip = proto_get_str(params, "ip", NULL);
	struct lite_err err = { 0 };
	struct net_network *n;
	struct ctr *c;
	uint32_t want = 0;
	int r;

	if (connect && ip && (r = net_opts_parse_ip(ip, &want, &err)) < 0) {
		peer_reply_err(p, r, err.msg);
		lite_err_clear(&err);
		return;
	}
	if (lookup_pair(p, params, &n, &c) < 0)
		return;
	r = connect ? net_ctr_connect(p->d, c, n, want, &err) : net_ctr_disconnect(p->d, c, n, &err);
	if (r == 0 && connect && json_array_size(json_object_get(params, "aliases")) &&
	    (r = net_ctr_add_aliases(p->d, c, json_object_get(params, "aliases"))) < 0)
		lite_err_sys(&err, -r, "record the aliases of %s", c->spec.name);
	peer_reply_status(p, r, &err);
	lite_err_clear(&err);
}

void
req_network_connect(struct peer *p, json_t *params)
{
	connect_or_disconnect(p, params, true);
}

void
req_network_disconnect(struct peer *p, json_t *params)
{
	connect_or_disconnect(p, params, false);
}

/* network prune: every user-defined network no container (running or not)
 * has an endpoint on. Networks are root's (only root creates them), so
 * another caller prunes nothing. */
void
req_network_prune(struct peer *p, json_t *params)
{
	json_t *removed = json_array();
	struct lite_err err = { 0 };
	struct net_network *n, *next;

	for (n = p->cred.uid == 0 ? net_network_first(p->d) : NULL; n; n = next) {
		char name[64];

		next = net_network_next(n);
		if (n->is_default || net_ctr_network_refs(p->d, n) > 0)
			continue;
		snprintf(name, sizeof(name), "%s", n->name);
		if (net_network_remove(p->d, n, &err) < 0) {
			log_warn("network prune: %s: %s", name, err.msg);
			lite_err_clear(&err);
			continue;
		}
		log_info("removed network %s", name);
		json_array_append_new(removed, json_string(name));
	}
	if (json_array_size(removed) && net_ctr_rules_sync(p->d, &err) < 0) {
		log_warn("network prune: %s", err.msg);
		lite_err_clear(&err);
	}
	peer_reply(p, json_pack("{s:o}", "removed", removed));
}
