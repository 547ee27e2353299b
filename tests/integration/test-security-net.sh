#!/bin/bash
# Security review (w5): what a non-root caller's containers may do on the
# host's network and to the OOM killer, with real users. (1) Host ports
# below net.ipv4.ip_unprivileged_port_start are root's (lite's socket and
# the docker client); (2) one user's container cannot ARP-spoof another's
# on the shared bridge (tests/helpers/garp.c, built static here, claims
# A's address from B's container): the host's neighbour entry keeps A's
# MAC, while ordinary traffic and ping still work; the anti-spoofing
# elements follow starts, exits, connect/disconnect and a daemon restart;
# (3) --oom-score-adj below 0 is root's. Runs in a network namespace of its
# own (LIB_NETNS=1): traffic only to the test's containers.
LIB_NETNS=1
LIB_NO_IMAGE=1 # testimg is built below, with garp in it
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-docker.sh"
source "$(dirname "$0")/lib-users.sh"

dsock_share() { chgrp "$SOCK_GROUP" "$DSOCK" && chmod 660 "$DSOCK"; }
sock_share || bail_out "cannot share the socket"
dsock_share || bail_out "cannot share the Docker socket"
gcc -static -O1 -o "$T/garp" "$SRCDIR/tests/helpers/garp.c" || bail_out "cannot build tests/helpers/garp.c"
bash "$MKROOTFS" "$T/img.tar" "$LITE_TEST_HELPER:/usr/bin/lite-test-helper" "$T/garp:/usr/bin/garp" >"$T/mkrootfs.log" 2>&1 ||
	bail_out "mkrootfs-busybox.sh failed"
capture lite import "$T/img.tar" testimg
[ "$RC" = 0 ] || bail_out "lite import failed: $ERR"
docker_cli_present

UA=lt$$a; user_add "$UA"
UB=lt$$b; user_add "$UB"
udk() { local u=$1; shift; DOCKER_HOST=unix://$DSOCK timeout -k 5 60 setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- env DOCKER_CONFIG="$T/dc-$u" "$DOCKER" "$@" </dev/null; }
q() { "$@" >/dev/null 2>&1; }
# reach IP : from the test's namespace, a TCP connect to IP:9 is answered
# (refused counts: the address resolved and the container replied)
reach() {
	in_ns "$PY" -c '
import socket, sys
s = socket.socket(); s.settimeout(3)
try:
    s.connect((sys.argv[1], 9))
except ConnectionRefusedError:
    pass
' "$1"
}

# --- (1) privileged host ports
capture ulite "$UA" run --rm -p 80:80 testimg true
is_rc 125 "user: -p 80:80 is refused"
like "$ERR" 'host port 80 is privileged.*net\.ipv4\.ip_unprivileged_port_start' "... naming the port and the sysctl"
is "$(echo "$ERR" | wc -l)" 1 "... in one line"
capture ulite "$UA" create --name "p1$$" -p 53:53/udp testimg true
is_rc 125 "user: create -p 53:53/udp is refused too"
capture ulite "$UA" run --rm -p 1000-1100:80 testimg true
is_rc 125 "user: a host range starting below 1024 is refused"
capture lite ps -a --format '{{.Names}}'
unlike "$OUT" "p1$$" "... and nothing was created"
capture udk "$UA" create -p 127.0.0.1:25:25 testimg true
isnt "$RC" 0 "user, docker client: -p 127.0.0.1:25:25 is refused"
like "$ERR" 'host port 25 is privileged' "... with the engine's message"
capture ulite "$UA" run --rm -p 18081:80 testimg true
is_rc 0 "user: -p 18081:80 works"
capture ulite "$UA" run --rm -P --expose 80 testimg true
is_rc 0 "user: -P (picked ports) works"
capture lite run --rm -p 80:80 testimg true
is_rc 0 "root: -p 80:80 works"
in_ns sysctl -qw net.ipv4.ip_unprivileged_port_start=80
capture ulite "$UA" run --rm -p 80:80 testimg true
is_rc 0 "user: -p 80:80 works once the host lowers ip_unprivileged_port_start to 80"
in_ns sysctl -qw net.ipv4.ip_unprivileged_port_start=1024

# --- (3) --oom-score-adj
capture ulite "$UA" run --rm --oom-score-adj -1000 testimg true
is_rc 125 "user: --oom-score-adj -1000 is refused"
like "$ERR" 'oom-score-adj -1000 is for root only' "... with a clear message"
capture udk "$UA" create --oom-score-adj -1 testimg true
isnt "$RC" 0 "user, docker client: --oom-score-adj -1 is refused"
capture ulite "$UA" run --rm --oom-score-adj 500 testimg cat /proc/self/oom_score_adj
is "$OUT" 500 "user: --oom-score-adj 500 works"
capture lite run --rm --oom-score-adj -500 testimg cat /proc/self/oom_score_adj
unlike "$ERR" 'for root only' "root: --oom-score-adj -500 passes the policy"
# a host root without CAP_SYS_RESOURCE (this sandbox's) cannot lower it
if [ "$RC" = 0 ]; then is "$OUT" -500 "... and the container has it"; else diag "root's -500 failed at the shim: $ERR"; fi

# --- (3b) scheduling-priority limits are root's: refused when asked, and
# never inherited from the engine (a LimitRTPRIO= on the service)
capture ulite "$UA" run --rm --ulimit rtprio=10 testimg true
is_rc 125 "user: --ulimit rtprio=10 is refused"
like "$ERR" 'rtprio=10" is for root only' "... with a clear message"
capture ulite "$UA" run --rm --ulimit nice=20 testimg true
is_rc 125 "user: --ulimit nice=20 is refused"
capture ulite "$UA" run --rm testimg sh -c "grep -E 'Max (realtime priority|nice priority)' /proc/self/limits"
like "$OUT" 'Max nice priority +0 +0' "user: the container's nice limit is 0"
like "$OUT" 'Max realtime priority +0 +0' "... and its real-time priority limit 0"

# --- (2) ARP spoofing on the shared bridge
capture ulite "$UA" run -d --name "a$$" testimg sleep 300
is_rc 0 "user A: a container on the default bridge"
capture ulite "$UB" run -d --name "b$$" testimg sleep 300
is_rc 0 "user B: a container on the same bridge"
AIP=$(ifield "a$$" network_settings.networks.bridge.ip_address)
BIP=$(ifield "b$$" network_settings.networks.bridge.ip_address)
AIF=$(ifield "a$$" network_settings.networks.bridge.host_interface)
ok "the host reaches A" reach "$AIP"
amac() { in_ns ip neigh show "$AIP" dev lite0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'; }
AMAC=$(amac)
like "$AMAC" '^02:42:' "the host's neighbour entry for A holds A's MAC ($AMAC)"
# garp sends 20 replies, 0.2 s apart; the entry is watched meanwhile (a
# flipped entry would be restored by the host's next probe of A)
ulite "$UB" exec "b$$" garp eth0 "$AIP" >"$T/garp.out" 2>&1 &
GP=$!
FLIPPED=
while kill -0 "$GP" 2>/dev/null; do
	M=$(amac)
	[ -n "$M" ] && [ "$M" != "$AMAC" ] && FLIPPED=$M
	sleep 0.2
done
wait "$GP"
is "$?" 0 "user B's container sent gratuitous ARP claiming A's address" || diag "$(cat "$T/garp.out")"
M=$(amac)
[ -n "$M" ] && [ "$M" != "$AMAC" ] && FLIPPED=$M
is "$FLIPPED" "" "the host's neighbour entry for A kept A's MAC all along"
ok "the host still reaches A" reach "$AIP"
capture ulite "$UB" exec "b$$" ping -c1 -W2 "$AIP"
is_rc 0 "B pings A (ordinary ARP and IP between containers)"
capture ulite "$UB" exec "b$$" ping -c1 -W2 10.66.0.1
is_rc 0 "B pings the host's bridge address"
capture ulite "$UA" exec "a$$" ping -c1 -W2 "$BIP"
is_rc 0 "A pings B"
like "$(in_ns nft list set bridge lite ip4)" "\"$AIF\" \\. $AIP" "A's endpoint is in the anti-spoofing set"

# elements follow connect/disconnect, exit, restart and crash leftovers
q lite network create --subnet 10.71.0.0/24 "sn$$"
capture ulite "$UA" network connect "sn$$" "a$$"
is_rc 0 "user A connects to root's network"
like "$(in_ns nft list set bridge lite ip4)" '10\.71\.0\.' "... its endpoint there is in the set"
ok "... and reachable from the host" reach "$(ifield "a$$" "network_settings.networks.sn$$.ip_address")"
capture ulite "$UA" network disconnect "sn$$" "a$$"
is_rc 0 "user A disconnects"
unlike "$(in_ns nft list set bridge lite ip4)" '10\.71\.0\.' "... its element there is gone"
stop_daemon TERM
in_ns nft add element bridge lite ip4 '{ "lvstale0000" . 10.66.9.9 }'
start_daemon || bail_out "daemon restart failed"
sock_share || bail_out "cannot share the socket"
S=$(in_ns nft list set bridge lite ip4)
like "$S" "\"$AIF\" \\. $AIP" "after a daemon restart A's element is there"
unlike "$S" 'lvstale0000' "... and a stale element is gone"
ok "A still reachable after the restart" reach "$AIP"
capture ulite "$UA" rm -f "a$$"
is_rc 0 "user A removes its container"
unlike "$(in_ns nft list set bridge lite ip4)" "$AIP" "... its element is gone"
q ulite "$UB" rm -f "b$$"
q lite network rm "sn$$"

done_testing
