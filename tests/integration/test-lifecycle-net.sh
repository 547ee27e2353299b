#!/bin/bash
# Issue 12 bug 1: every start attaches what the container was created
# with. After restart, stop + start and create + start: the same address
# (its lease is still free), /etc/hosts naming it, a published port that
# answers on 127.0.0.1, and inspect showing the network. Runs in a network
# namespace of the test's own (LIB_NETNS=1): only loopback and its own
# containers are reached.
LIB_NETNS=1
source "$(dirname "$0")/lib.sh"

q() { "$@" >/dev/null; }
fetch() { in_ns "$PY" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen("http://" + sys.argv[1] + "/", timeout=3).read().decode())' "$1" 2>/dev/null; }
answers() { [ "$(fetch "$1")" = "$2" ]; }
WEB='mkdir -p /www && echo "hello-$HOSTNAME" >/www/index.html && exec httpd -f -p 80 -h /www'

# check NAME PORT IP WHEN: address, /etc/hosts, the port and inspect after WHEN
check() {
	local name=$1 port=$2 ip=$3 when=$4 host
	wait_for 10 answers "127.0.0.1:$port" "hello-$name"
	is "$(fetch "127.0.0.1:$port")" "hello-$name" "$when: the published port answers on 127.0.0.1"
	capture lite exec "$name" sh -c 'ip -4 -o addr show eth0; cat /etc/hosts'
	like "$OUT" "inet $ip/" "$when: eth0 has the same address"
	like "$OUT" "$ip	$name" "$when: /etc/hosts names the container"
	is "$(ifield "$name" network_settings.networks.n1.ip_address)" "$ip" "$when: inspect shows the network and address"
	like "$(lite port "$name")" "80/tcp -> 0.0.0.0:$port" "$when: lite port"
	host=$(in_ns nft list table inet lite 2>/dev/null)
	like "$host" "dport $port" "$when: the DNAT rule is back"
}

ok "network n1" q lite network create --subnet 10.72.1.0/24 n1

# --- run, then restart / stop + start
ok "run -d on n1 with -p 18100:80" q lite run -d --name r1 --hostname r1 --net n1 -p 18100:80 testimg sh -c "$WEB"
IP=$(ifield r1 network_settings.networks.n1.ip_address)
like "$IP" '^10\.72\.1\.' "an address on n1"
check r1 18100 "$IP" "run"
ok "restart" q lite restart -t 1 r1
check r1 18100 "$IP" "restart"
ok "stop" q lite stop -t 1 r1
is "$(ifield r1 network_settings.networks.n1.ip_address)" "" "stopped: no address in inspect"
ok "start" q lite start r1
check r1 18100 "$IP" "stop + start"

# --- create, then start
ok "create on n1 with -p 18101:80" q lite create --name c1 --hostname c1 --net n1 -p 18101:80 testimg sh -c "$WEB"
is "$(ifield c1 network_settings.mode)" n1 "create records the network"
capture lite run --rm --net n1 -p 18101:80 testimg true
is_rc 0 "create does not hold the port before the first start"
ok "start" q lite start c1
CIP=$(ifield c1 network_settings.networks.n1.ip_address)
like "$CIP" '^10\.72\.1\.' "create + start: an address on n1"
check c1 18101 "$CIP" "create + start"
like "$(lite exec c1 cat /etc/hosts)" "$IP	r1" "peers know each other by name after the starts"

# --- bad network flags fail create, nothing is made
capture lite create --name c2 --net nosuch testimg true
is_rc 125 "create --net nosuch fails"
like "$ERR" 'network nosuch not found' "...with a clear message"
ok "...and nothing was created" is_gone c2
capture lite create --name c3 -p 99999:80 testimg true
is_rc 125 "create -p 99999:80 fails"
ok "...and nothing was created" is_gone c3

# --- a port taken while stopped: start fails clearly, stays stopped
ok "stop c1" q lite stop -t 1 c1
ok "another container takes c1's port" q lite run -d --name thief -p 18101:80 testimg sleep 1000
capture lite start c1
isnt "$RC" 0 "start with a taken port fails"
like "$ERR" 'port is already allocated' "...with Docker's message"
ok "...and c1 is exited" is_exited c1
q lite rm -f thief
ok "start again once the port is free" q lite start c1
check c1 18101 "$CIP" "start after a failed start"

done_testing
