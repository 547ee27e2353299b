#!/bin/bash
# stats and top (issue 13).
source "$(dirname "$0")/lib.sh"

# mem_mib NAME: the container's memory in use (MiB), from stats --format json
mem_mib() {
	lite stats --no-stream --format json "$1" | "$PY" -c '
import json, sys
u = json.loads(sys.stdin.readline())["MemUsage"].split(" / ")[0]
for s, f in (("GiB", 1024), ("MiB", 1), ("KiB", 1 / 1024), ("B", 1 / 1048576)):
    if u.endswith(s):
        print(int(float(u[: -len(s)]) * f)); break'
}

capture lite run -d --name st1 testimg sh -c \
	'while [ ! -e /tmp/go ]; do usleep 50000; done; head -c 50m /dev/zero > /dev/shm/x; touch /tmp/done; sleep 1000 & wait'
is_rc 0 "run st1"
wait_for 10 is_running st1
before=$(mem_mib st1)
ok "memory before the allocation is small (${before} MiB)" test "${before:-999}" -lt 30
lite exec st1 touch /tmp/go
ok "the allocation is done" wait_for 20 lite exec st1 test -e /tmp/done
after=$(mem_mib st1)
ok "memory after 50 MB in /dev/shm moved (${before} -> ${after} MiB)" test "${after:-0}" -ge $(( ${before:-0} + 45 ))

# --no-stream shape: Docker's header and one row per running container
capture lite stats --no-stream
is_rc 0 "stats --no-stream exits 0"
is "$(echo "$OUT" | head -n 1 | sed 's/  */ /g; s/ $//')" \
	"CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS" "the header is Docker's"
like "$(echo "$OUT" | grep st1)" '^[0-9a-f]{12} +st1 +[0-9.]+% +[0-9.]+[KMG]?i?B / [0-9.]+[KMG]iB +[0-9.]+% +[0-9.]+k?M?G?B / [0-9.]+k?M?G?B +[0-9.]+k?M?G?B / [0-9.]+k?M?G?B +[0-9]+ *$' \
	"a row: id, name, CPU %, usage / limit, MEM %, NET I/O, BLOCK I/O, PIDS"

# --format
is "$(lite stats --no-stream --format '{{.Name}}:{{.PIDs}}' st1)" "st1:2" "--format {{.Name}}:{{.PIDs}} (sh and sleep)"
like "$(lite stats --no-stream --format 'table {{.Name}}\t{{.MemPerc}}' st1 | head -n 1)" '^NAME +MEM %' "--format table gets a header"
is "$(lite stats --no-stream --no-trunc --format '{{.ID}}' st1)" "$(ifield st1 id)" "--no-trunc: the full id"

# without --no-stream: a new sample each second until interrupted
n=$(timeout 4 "$LITE" stats --format '{{.Name}}' st1 </dev/null | grep -c '^st1$')
ok "streaming: a row each second ($n in 4 s)" test "$n" -ge 2

# CPU % from two samples moves with a busy loop
capture lite run -d --name busy testimg sh -c 'while :; do :; done'
wait_for 10 is_running busy
cpu=$(lite stats --no-stream --format '{{.CPUPerc}}' busy | tr -d %)
ok "a busy loop shows CPU % ($cpu)" awk -v c="$cpu" 'BEGIN { exit !(c > 20) }'
lite rm -f busy >/dev/null

# --all: stopped ones too; a stopped one alone is shown with zeros
lite run --name stopped testimg true >/dev/null
unlike "$(lite stats --no-stream --format '{{.Name}}')" stopped "without --all: running ones only"
like "$(lite stats --no-stream -a --format '{{.Name}} {{.CPUPerc}} {{.PIDs}}')" 'stopped 0.00% 0' "--all: the stopped one, with zeros"
capture lite stats --no-stream nosuch
is_rc 1 "stats of an unknown container fails"

# NET I/O: traffic of the container's netns (lo excluded, so none here)
like "$(lite stats --no-stream --format '{{.NetIO}}' st1)" '^0B / 0B$' "no network traffic: 0B / 0B"

# top: host PIDs, ps -ef columns by default, ps options passed on
pid=$(ifield st1 state.pid)
capture lite top st1
is_rc 0 "top exits 0"
like "$(echo "$OUT" | head -n 1)" '^UID +PID +PPID +C +STIME +TTY +TIME +CMD' "top: ps -ef's header"
like "$OUT" "[[:space:]]$pid[[:space:]]" "top lists the init's host PID ($pid)"
like "$OUT" 'sleep 1000' "top lists the sleep"
is "$(echo "$OUT" | wc -l)" 3 "only the container's processes (header, sh, sleep)"
capture lite top st1 -o pid,comm
like "$(echo "$OUT" | head -n 1)" '^ *PID +COMMAND' "top st1 -o pid,comm: the options reach ps"
capture lite top stopped
is_rc 1 "top of a stopped container fails"

# non-root callers see only their own containers (the socket is reached
# through its group, as in test-security-limits.sh)
chmod 711 "$T"
sock_gid=$(stat -c %g "$SOCK")
UA=60321
ulite() { local u=$1; shift; timeout -k 5 "${LITE_TIMEOUT:-30}" setpriv --reuid="$u" --regid="$sock_gid" \
	--clear-groups "$LITE" "$@" </dev/null; }
capture ulite "$UA" run -d --name ua1 testimg sleep 300
if [ "$RC" = 0 ]; then
	is "$(ulite "$UA" stats --no-stream --format '{{.Name}}' | sort | tr '\n' ' ')" "ua1 " "a user's stats: their own containers only"
	like "$(lite stats --no-stream --format '{{.Name}}' | sort | tr '\n' ' ')" 'st1 .*ua1|ua1 .*st1' "root's stats: everyone's"
	capture ulite "$UA" stats --no-stream st1
	is_rc 1 "a user's stats of root's container: no such container"
	capture ulite "$UA" top st1
	is_rc 1 "a user's top of root's container: refused"
	like "$(ulite "$UA" top ua1)" 'sleep 300' "a user's top of their own"
	lite rm -f ua1 >/dev/null 2>&1
else
	skip "non-root stats" "a non-root run failed here: $ERR"
fi

lite rm -f st1 stopped >/dev/null 2>&1
done_testing
