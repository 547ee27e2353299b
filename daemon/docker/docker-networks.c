/* lite-docker-api: networks. Each endpoint is one lite request (networks
 * are root's in lite: another caller gets lite's 403); the shapes are
 * `docker network inspect`'s (proto/docker-shape.c). What lite's bridge
 * networks cannot be (other drivers, IPv6, internal, driver options) is
 * refused with a 400 naming it, never ignored. */
#include "docker-api.h"

#include <stdio.h>
#include <string.h>

#include "docker-filter.h"
#include "filter.h"
#include "docker-shape.h"

static const char *const list_keys[] = { "name", "id", "label", "driver", "type", "dangling", "scope", NULL };

static bool
builtin(json_t *n)
{
	const char *name = json_string_value(json_object_get(n, "Name")) ?: "";

	return !strcmp(name, "bridge") || !strcmp(name, "host") || !strcmp(name, "none");
}

struct net_ctx {
	json_t *n;        /* Docker-shaped */
	json_t *users;    /* {network name: true}: networks with an endpoint */
};

static bool
net_match(const char *key, const char *value, void *arg)
{
	struct net_ctx *x = arg;
	const char *name = json_string_value(json_object_get(x->n, "Name")) ?: "";
	bool b = false;

	if (!strcmp(key, "name"))
		return strstr(name, value) != NULL;
	if (!strcmp(key, "id"))
		return !strncmp(json_string_value(json_object_get(x->n, "Id")) ?: "", value, strlen(value));
	if (!strcmp(key, "driver"))
		return !strcmp(json_string_value(json_object_get(x->n, "Driver")) ?: "", value);
	if (!strcmp(key, "label"))
		return filter_label(json_object_get(x->n, "Labels"), value);
	if (!strcmp(key, "type"))
		return !strcmp(value, builtin(x->n) ? "builtin" : "custom");
	if (!strcmp(key, "scope"))
		return !strcmp(value, "local");
	if (!strcmp(key, "dangling"))
		return docker_filter_bool(value, &b) == 0 && !builtin(x->n) && b == !json_object_get(x->users, name);
	return false;
}

/* Which networks the caller's containers have endpoints on (dangling). */
static json_t *
network_users(void)
{
	json_t *list = NULL, *c, *users = json_object(), *n;
	struct docker_err err;
	const char *name;
	size_t i;

	if (docker_lite_call("ps", json_pack("{s:b,s:b}", "all", 1, "details", 1), &list, &err) < 0)
		return users;
	json_array_foreach(list, i, c)
		json_object_foreach(json_object_get(json_object_get(c, "network_settings"), "networks"), name, n)
			json_object_set_new(users, name, json_true());
	json_decref(list);
	return users;
}

int
api_networks_list(struct api *a)
{
	json_t *filters = NULL, *res = NULL, *out, *n;
	struct net_ctx x = { 0 };
	struct docker_err err;
	size_t i;

	if (docker_filter_parse(a->c, a->r, list_keys, &filters) < 0)
		return 0;
	if (docker_lite_call("network_ls", NULL, &res, &err) < 0) {
		json_decref(filters);
		return api_fail(a, &err);
	}
	if (json_object_get(filters, "dangling"))
		x.users = network_users();
	out = json_array();
	json_array_foreach(res, i, n) {
		x.n = docker_shape_network(n);
		if (docker_filter_match(filters, net_match, &x))
			json_array_append(out, x.n);
		json_decref(x.n);
	}
	json_decref(x.users);
	json_decref(filters);
	json_decref(res);
	http_send_json(a->c, 200, out);
	return 0;
}

static json_t *
network_shape(json_t *res)
{
	return docker_shape_network(res);
}

int
api_network_inspect(struct api *a)
{
	return api_call_reply(a, "network_inspect", json_pack("{s:s}", "id", a->arg), 200, network_shape);
}

/* A field lite cannot honour: a 400 naming it. */
static int
unsupported(struct api *a, json_t *body, const char *what)
{
	json_decref(body);
	http_send_error(a->c, 400, "%s is not supported by lite's bridge networks", what);
	return 0;
}

int
api_network_create(struct api *a)
{
	json_t *body = NULL, *ipam, *cfg, *c0, *labels, *v, *opts, *p, *res = NULL;
	const char *name, *driver, *k;
	struct docker_err err;

	if (http_read_json(a->c, a->r, 1 << 16, &body) < 0)
		return 1;
	name = json_string_value(json_object_get(body, "Name"));
	driver = json_string_value(json_object_get(body, "Driver"));
	ipam = json_object_get(body, "IPAM");
	cfg = json_object_get(ipam, "Config");
	c0 = json_array_get(cfg, 0);
	opts = json_object_get(body, "Options");
	if (!name || !*name) {
		json_decref(body);
		http_send_error(a->c, 400, "network name is required (Name)");
		return 0;
	}
	if (driver && *driver && strcmp(driver, "bridge"))
		return unsupported(a, body, "the network driver (Driver) other than bridge");
	if (json_is_true(json_object_get(body, "Internal")))
		return unsupported(a, body, "an internal network (Internal)");
	if (json_is_true(json_object_get(body, "EnableIPv6")))
		return unsupported(a, body, "IPv6 (EnableIPv6)");
	if (json_array_size(cfg) > 1 || json_string_value(json_object_get(c0, "IPRange")) ||
	    json_object_size(json_object_get(c0, "AuxiliaryAddresses")))
		return unsupported(a, body, "more than one IPAM config, IPRange or AuxiliaryAddresses");
	k = json_string_value(json_object_get(ipam, "Driver"));
	if (k && *k && strcmp(k, "default"))
		return unsupported(a, body, "an IPAM driver other than default");
	if (json_object_size(opts))
		return unsupported(a, body, "driver options (Options)");
	p = json_pack("{s:s}", "name", name);
	if ((k = json_string_value(json_object_get(c0, "Subnet"))) && *k)
		json_object_set_new(p, "subnet", json_string(k));
	if ((k = json_string_value(json_object_get(c0, "Gateway"))) && *k)
		json_object_set_new(p, "gateway", json_string(k));
	labels = json_object_get(body, "Labels");
	if (json_object_size(labels)) {
		json_t *l = json_array();
		char kv[1024];

		json_object_foreach(labels, k, v) {
			snprintf(kv, sizeof(kv), "%s=%s", k, json_string_value(v) ?: "");
			json_array_append_new(l, json_string(kv));
		}
		json_object_set_new(p, "labels", l);
	}
	json_decref(body);
	if (docker_lite_call("network_create", p, &res, &err) < 0)
		return api_fail(a, &err);
	http_send_json(a->c, 201, json_pack("{s:O,s:s}", "Id", json_object_get(res, "id"), "Warning", ""));
	json_decref(res);
	return 0;
}

static int
connect_or_disconnect(struct api *a, bool connect)
{
	json_t *body = NULL, *ep, *p, *aliases;
	const char *ctr, *ip;

	if (http_read_json(a->c, a->r, 1 << 16, &body) < 0)
		return 1;
	ctr = json_string_value(json_object_get(body, "Container"));
	if (!ctr || !*ctr) {
		json_decref(body);
		http_send_error(a->c, 400, "a container is required (Container)");
		return 0;
	}
	p = json_pack("{s:s,s:s}", "network", a->arg, "container", ctr);
	ep = json_object_get(body, "EndpointConfig");
	ip = json_string_value(json_object_get(json_object_get(ep, "IPAMConfig"), "IPv4Address"));
	aliases = json_object_get(ep, "Aliases");
	if (connect && ip && *ip)
		json_object_set_new(p, "ip", json_string(ip));
	if (connect && json_array_size(aliases))
		json_object_set(p, "aliases", aliases);
	if (connect && json_array_size(json_object_get(ep, "Links"))) {
		json_decref(p);
		return unsupported(a, body, "legacy links (EndpointConfig.Links)");
	}
	json_decref(body);
	return api_call_reply(a, connect ? "network_connect" : "network_disconnect", p, 200, NULL);
}

int
api_network_connect(struct api *a)
{
	return connect_or_disconnect(a, true);
}

int
api_network_disconnect(struct api *a)
{
	return connect_or_disconnect(a, false);
}

int
api_network_delete(struct api *a)
{
	return api_call_reply(a, "network_rm", json_pack("{s:s}", "id", a->arg), 204, NULL);
}

static json_t *
prune_shape(json_t *res)
{
	return json_pack("{s:O}", "NetworksDeleted", json_object_get(res, "removed"));
}

int
api_networks_prune(struct api *a)
{
	static const char *const keys[] = { NULL };
	json_t *filters = NULL;

	/* until and label are not lite's to apply: a 400 names them */
	if (docker_filter_parse(a->c, a->r, keys, &filters) < 0)
		return 0;
	json_decref(filters);
	return api_call_reply(a, "network_prune", NULL, 200, prune_shape);
}
