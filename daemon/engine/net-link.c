/* rtnetlink with libmnl: bridges, veth pairs, addresses, routes, and the
 * host's routing table for overlap checks. No `ip` commands.
 *
 * Safety invariants: in the daemon's own network namespace it creates and
 * deletes only links whose names the engine made (the bridges of its
 * networks, "lv" + ids for veths) and writes only the sysctls it is asked
 * for (ip_forward, the bridge's route_localnet). Everything inside a
 * container is done after setns(2) into that container's network namespace
 * on the calling thread, and the thread always returns to its own namespace
 * before the function returns (a failure to return is fatal: the daemon
 * must never act in a container's namespace by accident). */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"

#define NL_BUF 8192

static unsigned nl_seq;

static struct mnl_socket *
nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

/* Send one request with NLM_F_ACK and wait for its ack: 0 or -errno. */
static int
nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[NL_BUF];
	ssize_t n;
	int r;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl_seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, mnl_socket_get_portid(nl), NULL, NULL);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

/* One request on a fresh socket in the current namespace. */
static int
nl_once(struct nlmsghdr *nlh)
{
	struct mnl_socket *nl = nl_open();
	int r;

	if (!nl)
		return -errno;
	r = nl_talk(nl, nlh);
	mnl_socket_close(nl);
	return r;
}

static struct nlmsghdr *
link_msg(char *buf, uint16_t type, uint16_t flags, int index, const char *name, unsigned up)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	ifm->ifi_flags = up;
	ifm->ifi_change = up;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static int
link_up(struct mnl_socket *nl, const char *name)
{
	char buf[NL_BUF];

	return nl_talk(nl, link_msg(buf, RTM_NEWLINK, 0, 0, name, IFF_UP));
}

static int
addr_add(struct mnl_socket *nl, int index, uint32_t ip, uint8_t prefix)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct net_cidr c = { ip & net_cidr_mask(prefix), prefix };

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)index;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(ip));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(ip));
	if (prefix < 31)
		mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(net_cidr_broadcast(&c)));
	return nl_talk(nl, nlh);
}

static int
route_default(struct mnl_socket *nl, int index, uint32_t gateway)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gateway));
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return nl_talk(nl, nlh);
}

int
net_link_sysctl_set(const char *path, const char *value)
{
	char full[256], cur[32] = "";
	int fd;
	ssize_t n;

	snprintf(full, sizeof(full), "/proc/sys/%s", path);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, cur, sizeof(cur) - 1);
		close(fd);
		if (n > 0 && strncmp(cur, value, strlen(value)) == 0 && cur[strlen(value)] == '\n')
			return 0; /* already set: no write */
	}
	return fs_write_string(full, value);
}

bool
net_link_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

int
net_link_delete(const char *name)
{
	char buf[NL_BUF];
	int r = nl_once(link_msg(buf, RTM_DELLINK, 0, 0, name, 0));

	return r == -ENODEV ? 0 : r;
}

int
net_link_bridge_ensure(const char *name, uint32_t gateway, uint8_t prefix, struct lite_err *err)
{
	char buf[NL_BUF], path[128];
	struct mnl_socket *nl = nl_open();
	struct nlmsghdr *nlh;
	struct nlattr *info;
	int r;

	if (!nl)
		return lite_err_sys(err, errno, "open rtnetlink");
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, name, 0);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	r = nl_talk(nl, nlh);
	if (r < 0 && r != -EEXIST) {
		mnl_socket_close(nl);
		return lite_err_sys(err, -r, "create bridge %s", name);
	}
	r = addr_add(nl, (int)if_nametoindex(name), gateway, prefix);
	if (r == 0)
		r = link_up(nl, name);
	mnl_socket_close(nl);
	if (r < 0)
		return lite_err_sys(err, -r, "configure bridge %s", name);
	/* published ports on 127.0.0.1 are routed out of this bridge */
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/route_localnet", name);
	if ((r = net_link_sysctl_set(path, "1")) < 0 || (r = net_link_sysctl_set("net/ipv4/ip_forward", "1")) < 0)
		return lite_err_sys(err, -r, "set sysctls for %s", name);
	return 0;
}

struct ns_call {
	int (*fn)(struct ns_call *call);
	const char *ctr_if;
	uint32_t ip, gateway;
	uint8_t prefix;
	bool default_route;
	int nl_err;
	const char *what;
};

/* Run call->fn with the thread in pid's network namespace. */
static int
in_netns(pid_t pid, struct ns_call *call)
{
	char path[64];
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int target = -1;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0)
		return -errno;
	if (setns(target, CLONE_NEWNET) < 0)
		return -errno;
	r = call->fn(call);
	if (setns(self, CLONE_NEWNET) < 0)
		fatal("cannot return to the daemon's network namespace");
	return r;
}

static int
ns_lo_up(struct ns_call *call)
{
	char buf[NL_BUF];

	call->what = "bring lo up";
	return nl_once(link_msg(buf, RTM_NEWLINK, 0, 0, "lo", IFF_UP));
}

static int
ns_config(struct ns_call *call)
{
	struct mnl_socket *nl = nl_open();
	int index, r;

	if (!nl)
		return -errno;
	call->what = "bring lo up";
	r = link_up(nl, "lo");
	index = (int)if_nametoindex(call->ctr_if);
	if (r == 0 && !index)
		r = -errno;
	call->what = "set the container's address";
	if (r == 0)
		r = addr_add(nl, index, call->ip, call->prefix);
	call->what = "bring the container's interface up";
	if (r == 0)
		r = link_up(nl, call->ctr_if);
	call->what = "add the container's default route";
	if (r == 0 && call->default_route)
		r = route_default(nl, index, call->gateway);
	mnl_socket_close(nl);
	return r;
}

static int
ns_delete(struct ns_call *call)
{
	char buf[NL_BUF];
	int r = nl_once(link_msg(buf, RTM_DELLINK, 0, 0, call->ctr_if, 0));

	return r == -ENODEV ? 0 : r;
}

int
net_link_lo_up(pid_t pid, struct lite_err *err)
{
	struct ns_call call = { .fn = ns_lo_up };
	int r = in_netns(pid, &call);

	return r < 0 ? lite_err_sys(err, -r, "bring lo up in the container") : 0;
}

int
net_link_delete_in(pid_t pid, const char *ctr_if)
{
	struct ns_call call = { .fn = ns_delete, .ctr_if = ctr_if };

	return in_netns(pid, &call);
}

static int
veth_create(const char *host_if, const char *bridge, pid_t pid, const char *ctr_if, uint32_t ip)
{
	/* Docker's MAC, 02:42 and the address: the same IP after a restart
	 * keeps its MAC, so neighbours' ARP caches stay right */
	uint8_t mac[6] = { 0x02, 0x42, (uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8), (uint8_t)ip };
	char buf[NL_BUF], path[64];
	_cleanup_close_ int nsfd = -1;
	struct nlmsghdr *nlh;
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifm;
	unsigned br = if_nametoindex(bridge);
	int mtu = 1500;
	struct ifreq ifr = { 0 };
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (!br)
		return -ENODEV;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
	if (s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return -errno;
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, host_if, IFF_UP);
	mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)mtu);
	mnl_attr_put_u32(nlh, IFLA_MASTER, br);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, sizeof(*pifm));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ctr_if);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)mtu);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_once(nlh);
}

int
net_link_veth_attach(const char *host_if, const char *bridge, pid_t pid, const char *ctr_if,
		     uint32_t ip, uint8_t prefix, uint32_t gateway, bool default_route, struct lite_err *err)
{
	struct ns_call call = { .fn = ns_config, .ctr_if = ctr_if, .ip = ip, .prefix = prefix,
				.gateway = gateway, .default_route = default_route };
	int r = veth_create(host_if, bridge, pid, ctr_if, ip);

	if (r < 0)
		return lite_err_sys(err, -r, "create veth pair %s on %s", host_if, bridge);
	r = in_netns(pid, &call);
	if (r < 0) {
		net_link_delete(host_if);
		return lite_err_sys(err, -r, "%s", call.what ? call.what : "enter the container's network namespace");
	}
	return 0;
}

struct overlap_ctx {
	const struct net_cidr *subnet;
	int except;
	struct net_cidr hit;
	bool found;
};

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct overlap_ctx *o = data;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;
	uint32_t dst = 0, table = rtm->rtm_table;
	int oif = 0;

	if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len == 0 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_DST)
			dst = ntohl(mnl_attr_get_u32(a));
		else if (mnl_attr_get_type(a) == RTA_OIF)
			oif = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == RTA_TABLE)
			table = mnl_attr_get_u32(a);
	}
	if (table != RT_TABLE_MAIN || (o->except && oif == o->except))
		return MNL_CB_OK;
	struct net_cidr c = { dst & net_cidr_mask(rtm->rtm_dst_len), rtm->rtm_dst_len };
	if (!o->found && net_cidr_overlaps(&c, o->subnet)) {
		o->hit = c;
		o->found = true;
	}
	return MNL_CB_OK;
}

int
net_link_route_overlap(const struct net_cidr *subnet, const char *except_dev, struct lite_err *err)
{
	char buf[NL_BUF], a[32], b[32];
	struct overlap_ctx o = { .subnet = subnet, .except = except_dev ? (int)if_nametoindex(except_dev) : 0 };
	struct mnl_socket *nl = nl_open();
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	ssize_t n;
	int r = 0;

	if (!nl)
		return lite_err_sys(err, errno, "open rtnetlink");
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++nl_seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		r = -errno;
	while (r == 0 && (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		r = mnl_cb_run(buf, (size_t)n, nl_seq, mnl_socket_get_portid(nl), route_cb, &o);
		if (r <= MNL_CB_STOP)
			break;
		r = 0;
	}
	mnl_socket_close(nl);
	if (r < 0)
		return lite_err_sys(err, errno, "list routes");
	if (!o.found)
		return 0;
	net_cidr_format(subnet, a, sizeof(a));
	net_cidr_format(&o.hit, b, sizeof(b));
	return lite_err_set(err, EEXIST, "subnet %s overlaps the existing route %s on this host", a, b);
}
