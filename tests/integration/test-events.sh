#!/bin/bash
# Events (issue 13): lite events streams Docker-shaped events; the
# sequence of run/stop/rm and of an OOM kill; --since across a daemon
# restart (the journal); filters; --format; a non-root user sees only
# their own containers' events (a real test user, as
# test-security-userns.sh does).
source "$(dirname "$0")/lib.sh"

SOCK_GROUP=le$$s
UA=le$$a
_ev_cleanup() {
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		LITE_TIMEOUT=20 lite ps -aq 2>/dev/null | xargs -r timeout 30 "$LITE" rm -f >/dev/null 2>&1
	fi
	for pid in $(ps -o pid= -u "$UA" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
	userdel "$UA" 2>/dev/null
	groupdel "$SOCK_GROUP" 2>/dev/null
}
trap '_ev_rc=$?; _ev_cleanup; (exit $_ev_rc); _cleanup' EXIT

# actions NAME FILE : the Actions of NAME's container events in FILE, one line
actions() {
	"$PY" -c '
import json, sys
out = []
for l in open(sys.argv[2]):
    e = json.loads(l)
    if e["Type"] == "container" and e["Actor"]["Attributes"].get("name") == sys.argv[1]:
        out.append(e["Action"])
print(" ".join(out))' "$1" "$2"
}
now() { date +%s.%N; }

# --- run / stop / rm
t0=$(now)
lite run -d --init --name ev1 -l team=blue testimg sleep 300 >/dev/null
ok "ev1 runs" wait_for 10 is_running ev1
lite stop -t 5 ev1 >/dev/null
lite rm ev1 >/dev/null
t1=$(now)
capture lite events --since "$t0" --until "$t1" --format '{{json .}}'
is_rc 0 "events --since --until ends by itself, exit 0"
printf '%s\n' "$OUT" >"$T/ev1.json"
is "$(actions ev1 "$T/ev1.json")" "create start kill die stop destroy" \
	"run/stop/rm: create start kill die stop destroy"
ev=$(grep '"Action":"die"' "$T/ev1.json" | head -n 1)
is "$(jget Actor.Attributes.exitCode <<<"$ev")" 143 "die carries exitCode (143 after TERM)"
is "$(jget Actor.Attributes.image <<<"$ev")/$(jget Actor.Attributes.team <<<"$ev")" testimg/blue \
	"attributes: image and labels"
is "$(jget scope <<<"$ev")/$(jget Type <<<"$ev")/$(jget status <<<"$ev")" local/container/die "Docker's shape: scope, Type, status"
like "$(jget timeNano <<<"$ev")" '^[0-9]{19}$' "timeNano in ns"
is "$(jget Actor.Attributes.signal <<<"$(grep '"Action":"kill"' "$T/ev1.json" | head -n 1)")" 15 "kill carries the signal"

# default text output, like docker's
capture lite events --since "$t0" --until "$t1" --filter event=start
like "$OUT" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z container start [0-9a-f]{64} \(image=testimg, name=ev1, team=blue\)$' \
	"text: TIME container start ID (attrs sorted)"

# --- OOM: oom before die, exitCode 137
t2=$(now)
lite run --name ev-oom -m 6m testimg lite-test-helper memhog 64 >/dev/null 2>&1
capture lite events --since "$t2" --until "$(now)" --filter container=ev-oom --format '{{json .}}'
printf '%s\n' "$OUT" >"$T/oom.json"
is "$(actions ev-oom "$T/oom.json")" 'create attach start oom die' "attached run with an OOM kill: create attach start oom die"
is "$(jget Actor.Attributes.exitCode <<<"$(grep '"Action":"die"' "$T/oom.json")")" 137 "die exitCode 137"

# --- live stream with filters
lite events --filter type=container --filter event=start --filter event=die --format '{{.Action}} {{.Actor.Attributes.name}}' \
	>"$T/live.txt" 2>&1 &
EVPID=$!
sleep 0.5
lite run --name ev2 testimg true >/dev/null
lite volume create ev-vol >/dev/null
ok "live: the start arrives" wait_for 10 grep -q '^start ev2$' "$T/live.txt"
ok "live: the die arrives" wait_for 10 grep -q '^die ev2$' "$T/live.txt"
kill "$EVPID"; wait "$EVPID" 2>/dev/null
unlike "$(cat "$T/live.txt")" 'create|volume' "filters: only start and die of containers"

capture lite events --since "$t0" --until "$(now)" --filter type=volume --format '{{.Type}} {{.Action}} {{.Actor.ID}}'
is "$OUT" "volume create ev-vol" "type=volume: volume create"
capture lite events --since "$t0" --until "$(now)" --filter label=team=blue --filter event=destroy --format '{{.Actor.Attributes.name}}'
is "$OUT" "ev1" "label=team=blue and event=destroy"
capture lite events --filter bogus=1
is "$RC" 125 "an unknown filter key fails with 125"
like "$ERR" 'invalid --filter "bogus=1"' "naming --filter"
capture lite events --since yesterday
is "$RC" 125 "a bad --since fails with 125"
like "$ERR" 'invalid --since "yesterday"' "naming --since"

# --- image, container control and exec events
t6=$(now)
lite tag testimg ev-tag:1 >/dev/null
lite run -d --name ev3 testimg sleep 300 >/dev/null
lite pause ev3 >/dev/null; lite unpause ev3 >/dev/null
lite rename ev3 ev3b >/dev/null
lite exec ev3b true >/dev/null
# a proxied exec stream (no pass_fd, as socat or the Docker API): exec_die
"$PY" -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(json.dumps({"id": 1, "method": "exec", "params": {"id": "ev3b", "cmd": ["sh", "-c", "exit 4"]}}).encode() + b"\n")
while s.recv(65536):
    pass' "$SOCK"
lite commit ev3b ev-commit:1 >/dev/null
lite save -o "$T/save.tar" ev-tag:1 >/dev/null
lite rmi ev-tag:1 ev-commit:1 >/dev/null
lite rm -f ev3b >/dev/null
capture lite events --since "$t6" --until "$(now)" --filter type=image --format '{{.Action}} {{.Actor.Attributes.name}}'
like "$(printf '%s\n' "$OUT" | tr '\n' ',')" '^tag ev-tag:1,commit ev-commit:1,save ev-tag:1,untag ev-tag:1,untag ev-commit:1,(delete [^,]*,)*$' \
	"image events: tag, commit, save, untag (and delete)"
capture lite events --since "$t6" --until "$(now)" --filter container=ev3b --format '{{.Action}}'
like "$(printf '%s\n' "$OUT" | tr '\n' ',')" '^rename,exec_create: true,exec_start: true,exec_die,exec_create: sh -c exit 4,exec_start: sh -c exit 4,exec_die,commit,kill,die,destroy,$' \
	"after the rename, by the new name: rename, exec_create/exec_start/exec_die (passed and proxied streams), commit, kill die destroy"
capture lite events --since "$t6" --until "$(now)" --filter event=exec_die --format '{{.Actor.Attributes.exitCode}}'
is "$(printf '%s\n' "$OUT" | tr '\n' ',')" 0,4, "exec_die carries the exec's exitCode"
capture lite events --since "$t6" --until "$(now)" --filter event=pause --filter event=unpause --filter event=rename --format '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.oldName}}'
is "$(printf '%s\n' "$OUT" | tr '\n' ',')" 'pause ev3 <no value>,unpause ev3 <no value>,rename ev3b ev3,' "pause, unpause, rename with oldName"

# --- --since across a daemon restart (the journal on disk)
stop_daemon KILL
start_daemon || bail_out "daemon restart failed"
capture lite events --since "$t0" --until "$(now)" --format '{{json .}}'
printf '%s\n' "$OUT" >"$T/after.json"
is "$(actions ev1 "$T/after.json")" "create start kill die stop destroy" "after kill -9 and restart: the same events"
ok "journal file exists under the data root" test -s "$D/events/events.log"

# --- health: status and failing streak survive kill -9 of the daemon
t5=$(now)
lite run -d --name ev-h --health-cmd 'exit 1' --health-interval 1s --health-retries 2 testimg sleep 300 >/dev/null
hs() { ifield ev-h state.health.status; }
hs_is() { [ "$(hs)" = "$1" ]; }
ok "a failing check makes it unhealthy" wait_for 15 hs_is unhealthy
stop_daemon KILL
id=$(ls "$D/containers" | while read -r i; do grep -q '"name": *"ev-h"' "$D/containers/$i/state.json" && echo "$i"; done)
saved=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ops"]["health_streak"])' "$D/containers/$id/state.json")
start_daemon || bail_out "daemon restart failed"
is "$(hs)" unhealthy "after kill -9 and restart: still unhealthy (not starting)"
ok "the failing streak went on from $saved" test "$(ifield ev-h state.health.failing_streak)" -ge "$saved"
ok "the streak was at least the retries" test "$saved" -ge 2
capture lite events --since "$t5" --until "$(now)" --filter container=ev-h --filter event=health_status --format '{{.Action}}'
is "$OUT" "health_status: unhealthy" "one health_status event: unhealthy (no new one after the restart)"
lite rm -f ev-h >/dev/null

# --- visibility: a user sees only their own containers' events
groupadd "$SOCK_GROUP" || bail_out "groupadd"
useradd -M -N -s /bin/sh -G "$SOCK_GROUP" "$UA" || bail_out "useradd"
chmod 711 "$T"
chgrp "$SOCK_GROUP" "$SOCK" && chmod 660 "$SOCK"
ulite() { timeout -k 5 30 setpriv --reuid="$UA" --regid="$(id -g "$UA")" --init-groups -- "$LITE" "$@" </dev/null; }
t3=$(now)
lite run --name ev-root testimg true >/dev/null
ulite run --name ev-user testimg true >/dev/null 2>&1
t4=$(now)
OUT=$(ulite events --since "$t3" --until "$t4" --format '{{.Actor.Attributes.name}}' | sort -u)
is "$OUT" "ev-user" "the user sees their own container's events only"
OUT=$(lite events --since "$t3" --until "$t4" --format '{{.Actor.Attributes.name}}' | sort -u | tr '\n' ' ')
is "$OUT" "ev-root ev-user " "root sees both"

done_testing
