#!/bin/bash
# Issue 12 ports: -P/--publish-all (the image's ExposedPorts and --expose),
# --expose with ranges, -p ranges (pairwise, one of a host range), lite
# port, ps's PORTS column, bad values (exit 125, nothing created). In a
# network namespace of the test's own (LIB_NETNS=1).
LIB_NETNS=1
source "$(dirname "$0")/lib.sh"

q() { "$@" >/dev/null; }
fetch() { in_ns "$PY" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen("http://" + sys.argv[1] + "/", timeout=3).read().decode())' "$1" 2>/dev/null; }
answers() { [ "$(fetch "$1")" = "$2" ]; }
# httpd on each port given, answering "PORT"
web() { local s='' p; for p in "$@"; do s="$s mkdir -p /w$p && echo $p >/w$p/index.html && httpd -p $p -h /w$p &&"; done; echo "$s exec sleep 1000"; }

# --- an image with ExposedPorts (commit --change EXPOSE)
ok "container to commit" q lite run --name base testimg true
ok "commit with EXPOSE 80 and 81/udp" q lite commit --change 'EXPOSE 80' --change 'EXPOSE 81/udp' base exposeimg

# --- -P: the image's and --expose's ports, each on a free host port
ok "run -P --expose 90" q lite run -d --name pa -P --expose 90 exposeimg sh -c "$(web 80 90)"
capture lite port pa
like "$OUT" '^80/tcp -> 0\.0\.0\.0:[1-9][0-9]*$' "lite port: the image's 80/tcp got a host port"
like "$OUT" '81/udp -> 0\.0\.0\.0:[1-9][0-9]*' "...and its 81/udp"
like "$OUT" '90/tcp -> 0\.0\.0\.0:[1-9][0-9]*' "...and --expose 90"
H80=$(printf '%s\n' "$OUT" | sed -n 's|^80/tcp -> 0\.0\.0\.0:||p')
H90=$(printf '%s\n' "$OUT" | sed -n 's|^90/tcp -> 0\.0\.0\.0:||p')
ok "the image's port answers on 127.0.0.1:$H80" wait_for 10 answers "127.0.0.1:$H80" 80
ok "the --expose port answers on 127.0.0.1:$H90" wait_for 10 answers "127.0.0.1:$H90" 90
like "$(lite ps --filter name=pa)" "0\.0\.0\.0:$H80->80/tcp" "ps PORTS shows the mapping"
is "$(lite ps --filter name=pa --format '{{.Ports}}' | tr ',' '\n' | wc -l)" 3 "ps {{.Ports}}: three entries"
like "$(lite ps | head -1)" 'STATUS +PORTS +NAMES' "ps has a PORTS column"
is "$(ifield pa network_settings.exposed_ports)" '["80/tcp", "81/udp", "90/tcp"]' "inspect: exposed_ports"

# --- -P with -p: -p wins for its port
ok "run -P -p 18200:80" q lite run -d --name pb -P -p 18200:80 exposeimg sleep 1000
like "$(lite port pb 80)" '^0\.0\.0\.0:18200$' "-p keeps its host port under -P"
is "$(lite port pb | wc -l)" 2 "...and -P adds only the others"

# --- exposed, not published: ps shows it bare
ok "run --expose 7000-7001 without -P" q lite run -d --name pc --expose 7000-7001 testimg sleep 1000
is "$(lite ps --filter name=pc --format '{{.Ports}}')" "7000-7001/tcp" "ps: exposed-only ports as a range"
is "$(lite port pc)" "" "lite port: nothing published"

# --- -p ranges
ok "-p 18210-18211:80-81" q lite run -d --name pr -p 18210-18211:80-81 testimg sh -c "$(web 80 81)"
ok "18210 -> 80 answers" wait_for 10 answers 127.0.0.1:18210 80
ok "18211 -> 81 answers" wait_for 10 answers 127.0.0.1:18211 81
like "$(lite ps --filter name=pr)" '0\.0\.0\.0:18210-18211->80-81/tcp' "ps shows the range as Docker does"
ok "a container holds 18220" q lite run -d --name hold -p 18220:80 testimg sleep 1000
ok "-p 18220-18222:80: a free one of the range" q lite run -d --name pone -p 18220-18222:80 testimg sh -c "$(web 80)"
like "$(lite port pone 80)" '^0\.0\.0\.0:1822[12]$' "...not the taken one"
ok "...and it answers" wait_for 10 answers "$(lite port pone 80 | sed 's/0\.0\.0\.0/127.0.0.1/')" 80
ok "restart keeps a port of the range" q lite restart -t 1 pone
like "$(lite port pone 80)" '^0\.0\.0\.0:1822[12]$' "...after restart"

# --- bad values: one line naming the flag, exit 125, nothing created
bad() { # DESC NAME PATTERN ARGS...
	local desc=$1 name=$2 pat=$3; shift 3
	capture lite run -d --name "$name" "$@" testimg true
	is "$RC" 125 "$desc: exit 125"
	like "$ERR" "$pat" "$desc: names the flag"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$desc: one line"
	ok "$desc: nothing created" is_gone "$name"
}
bad "-p unequal ranges" b1 'invalid -p "18300-18302:80-90": the host and container port ranges differ' -p 18300-18302:80-90
bad "-p reversed range" b2 'invalid -p "90-80"' -p 90-80
bad "-p too many" b3 'invalid -p "1000-1100".*too many' -p 1000-1100
bad "--expose bad" b4 'invalid --expose "80:80"' --expose 80:80
bad "--expose bad proto" b5 'invalid --expose "80/sctp"' --expose 80/sctp
capture lite create --name b6 --expose 0 testimg true
is "$RC" 125 "create --expose 0: exit 125"
ok "...nothing created" is_gone b6
capture lite run --rm -P --net none exposeimg true
is "$RC" 0 "-P with --net none is ignored (as Docker)"

done_testing
