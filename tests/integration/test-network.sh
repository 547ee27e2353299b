#!/bin/bash
# Networking: default bridge, --net none/host, user networks and names,
# isolation between networks, published TCP/UDP ports (from the test's
# namespace and 127.0.0.1), /etc files, clean-up, parallel IPAM, restart.
# Everything runs in a network namespace of the test's own (LIB_NETNS=1):
# traffic goes only to loopback and to addresses inside it.
LIB_NETNS=1
source "$(dirname "$0")/lib.sh"

command -v socat >/dev/null || bail_out "socat needed (UDP client)"
q() { "$@" >/dev/null; } # run quietly: TAP output stays clean

# --- default bridge
ok "a detached container on the default bridge" q lite run -d --name b0 testimg sleep 1000
capture lite run --name b1 testimg sh -c 'ip -4 -o addr show eth0; ip route; ip -o link show lo; cat /sys/class/net/eth0/mtu'
is_rc 0 "run on the default bridge"
like "$OUT" 'inet 10\.66\.[0-9]+\.[0-9]+/16' "eth0 has an address in 10.66.0.0/16"
like "$OUT" 'default via 10\.66\.0\.1 dev eth0' "default route via the bridge"
like "$OUT" 'lo: <LOOPBACK,UP' "lo is up"
like "$OUT" '^1500$' "eth0 has the bridge's MTU"
ok "bridge lite0 exists in the test's namespace" q in_ns ip link show lite0
is "$(ifield b0 network_settings.mode)" bridge "inspect: mode bridge"
like "$(ifield b0 network_settings.networks.bridge.ip_address)" '^10\.66\.' "inspect: an address on bridge"
is "$(ifield b1 network_settings.networks.bridge.ip_address)" "" "an exited container holds no address (its network stays for the next start)"

capture lite run --rm --hostname web1 testimg sh -c 'cat /etc/hostname; grep web1 /etc/hosts; cat /etc/resolv.conf'
like "$OUT" '^web1$' "/etc/hostname"
like "$OUT" '10\.66\.[0-9.]+	web1' "/etc/hosts names the container"
unlike "$OUT" 'nameserver 127\.' "no loopback nameserver in resolv.conf"
capture lite run --rm --dns 10.1.2.3 --add-host db:10.9.9.9 testimg sh -c 'cat /etc/resolv.conf /etc/hosts'
like "$OUT" 'nameserver 10\.1\.2\.3' "--dns"
like "$OUT" '10\.9\.9\.9	db' "--add-host"

# --- none and host
capture lite run --rm --net none testimg sh -c 'ls /sys/class/net; ip -o link show lo'
is "$(printf '%s\n' "$OUT" | head -1)" lo "--net none: only lo"
like "$OUT" 'LOOPBACK,UP' "--net none: lo is up"
capture lite run --rm --net host testimg ls /sys/class/net
like "$OUT" 'lite0' "--net host sees the namespace's bridge"
capture lite run --rm --net nosuch testimg true
is_rc 125 "unknown network fails"
like "$ERR" 'network nosuch not found' "...with a clear message"

# --- user networks, names, isolation
capture lite network create --subnet 10.70.1.0/24 n1
is_rc 0 "network create --subnet"
ok "network create (auto subnet)" q lite network create n2
capture lite network create --subnet 10.66.5.0/24 bad
is_rc 125 "an overlapping subnet is refused"
# a route of the "host" (the test's namespace): 10.80.0.0/24 on a veth of the test's own
in_ns ip link add lt-a type veth peer name lt-b && in_ns ip addr add 10.80.0.1/24 dev lt-a && in_ns ip link set lt-a up
capture lite network create --subnet 10.80.0.0/16 clash
is_rc 125 "a subnet overlapping a route of the host is refused"
like "$ERR" 'overlaps the existing route 10\.80\.0\.0/24' "...naming the route"
in_ns ip link del lt-a
capture lite network create --subnet 10.70.1.5/24 bad
like "$ERR" 'it should be 10\.70\.1\.0/24' "host bits in --subnet: clear error"
like "$(lite network ls)" 'n1 +bridge +10\.70\.1\.0/24' "network ls"
is "$(lite network inspect n1 | jget IPAM.Config.0.Subnet)" 10.70.1.0/24 "network inspect"

ok "a1 on n1" q lite run -d --name a1 --net n1 testimg sleep 1000
ok "a2 on n1 with --ip and --network-alias" q lite run -d --name a2 --net n1 --ip 10.70.1.50 --network-alias db --network-alias cache testimg sleep 1000
ok "c1 on n2" q lite run -d --name c1 --net n2 testimg sleep 1000
is "$(ifield a2 network_settings.ip_address)" 10.70.1.50 "--ip is honoured"
ping_from() { # NETWORK TARGET: ping TARGET from a throwaway container on NETWORK
	lite run --rm --net "$1" testimg ping -c 1 -W 2 "$2" >/dev/null 2>&1
}
ok "a container on n1 pings a1 by name" ping_from n1 a1
ok "...and a2 by name" ping_from n1 a2
ok "...and a2 by its alias db" ping_from n1 db
ok "...and by its alias cache" ping_from n1 cache
not_ok "an alias does not reach another network" ping_from n2 db
capture lite run --rm --net n1 --network-alias 'bad alias' testimg true
is "$RC" 125 "--network-alias 'bad alias': exit 125"
not_ok "a container on n2 cannot reach a1" ping_from n2 10.70.1.50
like "$(cat "$D"/containers/"$(ifield a1 id)"/hosts)" '10\.70\.1\.50	a2 db cache' "a1's /etc/hosts gained a2 and its aliases after a2 started"
capture lite network rm n1
is_rc 125 "network rm refused while in use"
like "$ERR" 'active endpoints' "...with a clear message"

# --- connect / disconnect
ok "network connect c1 n1" lite network connect n1 c1
ok "c1 is reachable on n1 by name" ping_from n1 c1
ok "network disconnect c1 n1" lite network disconnect n1 c1
not_ok "c1 is gone from n1" ping_from n1 c1

# --- published ports
ok "tcp and udp servers published on 18080 and 18081" q lite run -d --name web -p 18080:80 -p 18081:81/udp testimg \
	sh -c 'mkdir -p /www && echo hello-tcp >/www/index.html && httpd -p 80 -h /www && exec lite-test-helper udp-echo 81'
fetch() { in_ns "$PY" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen("http://" + sys.argv[1] + "/", timeout=3).read().decode())' "$1" 2>/dev/null; }
wait_for 10 fetch 127.0.0.1:18080
is "$(fetch 127.0.0.1:18080)" hello-tcp "TCP port reachable on 127.0.0.1"
is "$(fetch 10.66.0.1:18080)" hello-tcp "TCP port reachable on the namespace's own address"
# (busybox-static's wget crashes; nc speaks the HTTP request itself)
capture lite run --rm testimg sh -c 'printf "GET / HTTP/1.0\r\n\r\n" | nc 10.66.0.1 18080'
like "$OUT" 'hello-tcp' "hairpin: a container reaches the published port"
udp_ask() { printf '%s' "$2" | in_ns socat -T 2 - "UDP:$1" 2>/dev/null; }
is "$(udp_ask 127.0.0.1:18081 hello)" "echo:hello" "UDP port reachable on 127.0.0.1"
is "$(udp_ask 10.66.0.1:18081 hello2)" "echo:hello2" "UDP port reachable on the namespace's own address"
like "$(lite port web)" '80/tcp -> 0.0.0.0:18080' "lite port lists tcp"
like "$(lite port web)" '81/udp -> 0.0.0.0:18081' "lite port lists udp"
capture lite run -d -p 18080:80 testimg sleep 100
is_rc 125 "a taken port fails the run"
like "$ERR" 'port is already allocated' "...with a clear message"
ok "-p CTR picks a host port" q lite run -d --name rnd -p 80 testimg sleep 1000
like "$(lite port rnd)" '^80/tcp -> 0\.0\.0\.0:[1-9][0-9]*$' "lite port shows the picked port"

# --- -p IP:HOST:CTR binds one address only
ok "-p 127.0.0.1:18090:80" q lite run -d --name lo1 -p 127.0.0.1:18090:80 testimg \
	sh -c 'mkdir -p /www && echo hello-lo >/www/index.html && exec httpd -f -p 80 -h /www'
wait_for 10 fetch 127.0.0.1:18090
is "$(fetch 127.0.0.1:18090)" hello-lo "reachable on 127.0.0.1"
is "$(fetch 10.66.0.1:18090)" "" "not on the namespace's other address"
q lite rm -f lo1

# --- exhaustion: a /30 has one address besides its gateway
ok "network create tiny /30" q lite network create --subnet 10.71.0.0/30 tiny
ok "the first container gets the one address" q lite run -d --name t1 --net tiny testimg sleep 1000
capture lite run -d --net tiny testimg sleep 1000
is_rc 125 "exhaustion fails the run"
like "$ERR" 'no available IPv4 addresses' "...with a clear message"
q lite rm -f t1
ok "network rm tiny" q lite network rm tiny

# --- restart: containers keep their network; stale leases are freed
stop_daemon TERM
bridge_dir=$(dirname "$(grep -l '"default":true' "$D"/networks/*/network.json)")
echo "10.66.7.7 $(printf 'f%.0s' $(seq 64))" >>"$bridge_dir/leases"
start_daemon || bail_out "daemon restart failed"
unlike "$(cat "$bridge_dir/leases")" '10\.66\.7\.7' "a lease whose container is gone is freed on start"
is "$(fetch 127.0.0.1:18080)" hello-tcp "published port works after a daemon restart"
ok "names still resolve after a restart" ping_from n1 a2

# --- everything undone on rm
web_if=$(ifield web network_settings.networks.bridge.host_interface)
ok "rm -f web a1 a2 c1 rnd b0 b1" q lite rm -f web a1 a2 c1 rnd b0 b1
# the kernel deletes a veth with its container's namespace, asynchronously
no_veths() { [ "$(in_ns ip -o link show type veth | wc -l)" = 0 ]; }
ok "no veths left" wait_for 10 no_veths
not_ok "web's veth is gone" q in_ns ip link show "$web_if" 2>/dev/null
unlike "$(in_ns nft list table inet lite)" 'dnat ip to' "no DNAT rules left"
is "$(cat "$D"/networks/*/leases 2>/dev/null)" "" "no leases left"
has_user_bridge() { in_ns ip -o link show | grep -q 'lbr-'; }
ok "user networks have bridges" has_user_bridge
ok "network rm n1 n2" q lite network rm n1 n2
not_ok "n1's and n2's bridges are gone" has_user_bridge

# --- non-root users (group lite) cannot use --net host or manage networks.
# Any uid will do: it reaches the socket through the socket's group (a
# user of group lite in real life), and the daemon sees a non-root uid.
chmod 711 "$T"
sock_gid=$(stat -c %g "$SOCK")
as_user() { setpriv --reuid=60123 --regid="$sock_gid" --clear-groups "$LITE" "$@" </dev/null; }
capture as_user run --rm --net host testimg true
is_rc 125 "non-root: --net host refused"
like "$ERR" 'only for root' "...with a clear message"
capture as_user network create nr1
like "$RC $ERR" '^125 .*only root can create networks' "non-root: network create refused"
capture as_user network rm bridge
like "$RC $ERR" '^125 .*only root' "non-root: network rm refused"

# --- 50 in parallel
pids=
for i in $(seq 50); do lite run -d --name p$i testimg sleep 1000 >/dev/null 2>&1 & pids="$pids $!"; done
wait $pids
ips=$(for i in $(seq 50); do ifield p$i network_settings.ip_address; done | sort -u | grep -c '^10\.66\.')
is "$ips" 50 "50 containers started in parallel get 50 distinct addresses"
lite rm -f $(seq -f p%g 50) >/dev/null 2>&1
is "$(cat "$D"/networks/*/leases 2>/dev/null)" "" "their leases are released"

done_testing
