/* The network params of a run request, decoded into struct net_opts. */
#include "net-opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "strv.h"
#include "valid.h"

int
net_opts_add_host_parse(const char *spec, char *name, size_t name_len, uint32_t *ret_ip)
{
	const char *sep = strchr(spec, ':');
	size_t n;

	if (!sep)
		sep = strchr(spec, '=');
	if (!sep || sep == spec)
		return -EINVAL;
	n = (size_t)(sep - spec);
	if (n >= name_len || strcspn(spec, " \t\n") < n)
		return -EINVAL;
	if (net_cidr_ip_parse(sep + 1, ret_ip) < 0)
		return -EINVAL;
	memcpy(name, spec, n);
	name[n] = '\0';
	return 0;
}

int
net_opts_parse_ip(const char *s, uint32_t *ret, struct lite_err *err)
{
	if (net_cidr_ip_parse(s, ret) < 0)
		return lite_err_set(err, EINVAL, "invalid --ip \"%s\": expected an IPv4 address", s);
	return 0;
}

/* params[field] as a new strv, each entry checked by valid() (else
 * "invalid --FLAG "VALUE"HINT"); NULL when absent or empty. */
static int
decode_list(json_t *params, const char *field, bool (*valid)(const char *), const char *flag, const char *hint,
	    char ***ret, struct lite_err *err)
{
	json_t *a = json_object_get(params, field), *e;
	size_t i;

	*ret = NULL;
	json_array_foreach(a, i, e)
		if (!valid(json_string_value(e)))
			return lite_err_set(err, EINVAL, "invalid --%s \"%s\"%s", flag, json_string_value(e), hint);
	if (json_array_size(a) && !(*ret = strv_from_json(a)))
		return lite_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static bool
dns_valid(const char *s)
{
	uint32_t ip;

	return net_cidr_ip_parse(s, &ip) == 0;
}

static bool
add_host_valid(const char *s)
{
	char name[256];
	uint32_t ip;

	return net_opts_add_host_parse(s, name, sizeof(name), &ip) == 0;
}

static int
decode_ports(json_t *params, struct net_opts *o, struct lite_err *err)
{
	json_t *a = json_object_get(params, "publish"), *e;
	size_t i, n;
	int r;

	if (json_array_size(a) > NET_OPTS_MAX_PORTS)
		return lite_err_set(err, E2BIG, "too many published ports (at most %d)", NET_OPTS_MAX_PORTS);
	json_array_foreach(a, i, e) {
		r = net_port_parse_range(json_string_value(e), &o->ports[o->n_ports], NET_OPTS_MAX_PORTS - o->n_ports,
					 &n, err);
		if (r < 0)
			return r;
		o->n_ports += n;
	}
	return 0;
}

/* "PORT/PROTO" of p, appended to v unless there already. */
static int
add_exposed(json_t *v, const struct net_port *p)
{
	char s[16];
	json_t *e;
	size_t i;

	snprintf(s, sizeof(s), "%u/%s", p->ctr_port, net_port_proto_name(p->proto));
	json_array_foreach(v, i, e)
		if (strcmp(json_string_value(e), s) == 0)
			return 0;
	return json_array_append_new(v, json_string(s));
}

static int
decode_expose(json_t *params, struct net_opts *o, struct lite_err *err)
{
	struct net_port tmp[NET_OPTS_MAX_EXPOSE];
	json_t *a = json_object_get(params, "expose"), *e, *v;
	size_t i, n;
	int r = 0;

	o->publish_all = proto_get_bool(params, "publish_all", false);
	if (!json_array_size(a))
		return 0;
	v = json_array();
	json_array_foreach(a, i, e) {
		r = net_port_parse_expose(json_string_value(e), tmp, NET_OPTS_MAX_EXPOSE - json_array_size(v), &n, err);
		for (size_t k = 0; r == 0 && k < n; k++)
			add_exposed(v, &tmp[k]);
		if (r < 0)
			break;
	}
	if (r == 0 && !(o->expose = strv_from_json(v)))
		r = lite_err_set(err, ENOMEM, "out of memory");
	json_decref(v);
	return r;
}

int
net_opts_exposed(const struct net_opts *o, json_t *image_exposed, char ***ret, struct lite_err *err)
{
	json_t *v = json_array();
	const char *key;
	json_t *val;
	int r = 0;

	*ret = NULL;
	json_object_foreach(image_exposed, key, val) {
		struct net_port p;
		size_t n;

		if (json_array_size(v) < NET_OPTS_MAX_EXPOSE && net_port_parse_expose(key, &p, 1, &n, NULL) == 0)
			add_exposed(v, &p);
	}
	for (char **s = o->expose; s && *s && json_array_size(v) < NET_OPTS_MAX_EXPOSE; s++) {
		struct net_port p;
		size_t n;

		if (net_port_parse_expose(*s, &p, 1, &n, NULL) == 0)
			add_exposed(v, &p);
	}
	if (json_array_size(v) && !(*ret = strv_from_json(v)))
		r = lite_err_set(err, ENOMEM, "out of memory");
	json_decref(v);
	return r;
}

int
net_opts_publish_exposed(char **exposed, struct net_port *ports, size_t *n, size_t max, struct lite_err *err)
{
	for (char **s = exposed; s && *s; s++) {
		struct net_port p;
		size_t k, one;
		bool published = false;

		if (net_port_parse_expose(*s, &p, 1, &one, NULL) < 0)
			continue;
		for (k = 0; k < *n; k++)
			published = published || (ports[k].ctr_port == p.ctr_port && ports[k].proto == p.proto);
		if (published)
			continue;
		if (*n == max)
			return lite_err_set(err, E2BIG, "-P: too many ports to publish (at most %zu in all)", max);
		ports[(*n)++] = p;
	}
	return 0;
}

int
net_opts_decode(json_t *params, struct net_opts *o, struct lite_err *err)
{
	const char *mode = proto_get_str(params, "network", NULL), *ip = proto_get_str(params, "ip", NULL);
	int r = 0;

	memset(o, 0, sizeof(*o));
	o->ip_set = ip != NULL;
	if (ip)
		r = net_opts_parse_ip(ip, &o->ip, err);
	if (r == 0)
		r = decode_ports(params, o, err);
	if (r == 0)
		r = decode_expose(params, o, err);
	if (r == 0)
		r = decode_list(params, "dns", dns_valid, "dns", ": expected an IPv4 address", &o->dns, err);
	if (r == 0)
		r = decode_list(params, "add_host", add_host_valid, "add-host", ": expected HOST:IP", &o->add_host, err);
	if (r == 0)
		r = decode_list(params, "network_aliases", valid_name, "network-alias", "", &o->aliases, err);
	if (r == 0 && mode && !(o->mode = strdup(mode)))
		r = lite_err_set(err, ENOMEM, "out of memory");
	if (r < 0)
		net_opts_free(o);
	return r;
}

void
net_opts_free(struct net_opts *o)
{
	free(o->mode);
	strv_free(o->dns);
	strv_free(o->add_host);
	strv_free(o->aliases);
	strv_free(o->expose);
	o->mode = NULL;
	o->dns = o->add_host = o->aliases = o->expose = NULL;
}
