/* The network params of a run request, decoded into struct net_opts. */
#include "net-opts.h"

#include <errno.h>
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
	size_t i;
	int r;

	if (json_array_size(a) > NET_OPTS_MAX_PORTS)
		return lite_err_set(err, E2BIG, "too many published ports (at most %d)", NET_OPTS_MAX_PORTS);
	json_array_foreach(a, i, e) {
		r = net_port_parse(json_string_value(e), &o->ports[o->n_ports], err);
		if (r < 0)
			return r;
		o->n_ports++;
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
	o->mode = NULL;
	o->dns = o->add_host = o->aliases = NULL;
}
