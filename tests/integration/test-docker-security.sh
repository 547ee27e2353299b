#!/bin/bash
# Issue 16: the Docker socket authorizes exactly as lite's own, with real
# users: a user outside the socket's group cannot connect; a user in it
# sees and touches only their own containers (another's is 404 "No such
# container", as on lite's socket); the same refusals for --privileged,
# --net host, --pid host, devices, capabilities and host binds the user
# cannot open, through raw JSON to /containers/create and through the
# docker client; lite-docker-api runs with the caller's uid, gid and groups
# (never more), counts against the caller's connection limit, and dies
# with the daemon.
LIB_NO_DAEMON=1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-docker.sh"
mkdir -p "$T"
echo '{"bridge":"none","max-connections-per-user":6}' >"$T/daemon.json"
start_daemon || bail_out "daemon did not start"
source "$(dirname "$0")/lib-users.sh"

dsock_share() { chgrp "$SOCK_GROUP" "$DSOCK" && chmod 660 "$DSOCK"; }
sock_share || bail_out "cannot share the socket"
dsock_share || bail_out "cannot share the Docker socket"
build_test_image
docker_cli_present

UA=lt$$a; user_add "$UA"
UB=lt$$b; user_add "$UB"
UO=lt$$o; useradd -M -N -s /bin/sh "$UO" || bail_out "useradd $UO"; TUSERS+=("$UO")
asu() { local u=$1; shift; setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"; }
# udk USER ARGS : the docker client as USER
udk() { local u=$1; shift; DOCKER_HOST=unix://$DSOCK timeout -k 5 60 setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- env DOCKER_CONFIG="$T/dc-$u" "$DOCKER" "$@" </dev/null; }
# ucurl USER ARGS : curl on the Docker socket as USER
ucurl() { local u=$1; shift; timeout -k 5 60 setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- curl -s --unix-socket "$DSOCK" "$@"; }
# create_as USER JSON : POST /containers/create; prints "STATUS BODY"
create_as() { ucurl "$1" -w ' %{http_code}' -H 'Content-Type: application/json' -d "$2" "http://d/v1.41/containers/create${3:-}"; }

# --- who may connect
capture asu "$UO" curl -s --unix-socket "$DSOCK" http://d/_ping
isnt "$RC" 0 "a user outside the socket's group cannot connect"
capture udk "$UO" version
isnt "$RC" 0 "... nor with the docker client"
like "$ERR" 'permission denied' "... permission denied"
is "$(ucurl "$UA" http://d/_ping)" OK "a user in the group can"

# --- the helper runs as the caller
wait_for 10 no_helpers
asu "$UA" "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"GET /_ping HTTP/1.1\r\n")   # half a request: the helper waits for the rest
time.sleep(20)' "$DSOCK" 2>"$T/hold.err" &
HOLD=$!
wait_for 10 has_helpers || diag "no helper: $(cat "$T/hold.err")" "$(ps -ef | grep -E 'lite-docker-api|python')" "$(api_helpers)"
HP=$(api_helpers | head -n1)
is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$HP/status")" "$(id -u "$UA") $(id -u "$UA") $(id -u "$UA") $(id -u "$UA")" \
	"lite-docker-api runs with the caller's uid (real, effective, saved, fs)"
is "$(awk '/^Gid:/ { print $2, $3 }' "/proc/$HP/status")" "$(id -g "$UA") $(id -g "$UA")" "... and gid"
G=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$HP/status")
like " $G " " $(getent group "$SOCK_GROUP" | cut -d: -f3) " "... and the caller's groups"
unlike " $G " ' 0 ' "... never group root"
is "$(awk '/^CapEff:/ { print $2 }' "/proc/$HP/status")" 0000000000000000 "... with no capabilities"
is "$(readlink "/proc/$HP/fd/0") $(readlink "/proc/$HP/fd/1") $(readlink "/proc/$HP/fd/2")" \
	"/dev/null /dev/null /dev/null" "... its stdio is /dev/null, never the daemon's log"
capture asu "$UA" ls "/proc/$HP/fd/"
isnt "$RC" 0 "... and the caller cannot reach its fds (undumpable: no ptrace, no pidfd_getfd)"
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null

# --- own containers only
capture udk "$UA" create --name "ua$$" testimg sleep 300
is_rc 0 "user A: docker create"
AID=$OUT
capture udk "$UA" start "ua$$"
is_rc 0 "user A: docker start"
capture udk "$UB" ps -a --format '{{.Names}}'
unlike "$OUT" "ua$$" "user B: docker ps -a does not list A's container"
capture ucurl "$UB" 'http://d/v1.41/containers/json?all=1'
unlike "$OUT" "ua$$" "user B: GET /containers/json does not list it"
capture udk "$UA" ps --format '{{.Names}}'
like "$OUT" "ua$$" "user A: docker ps lists it"
capture lite ps --format '{{.Names}}'
like "$OUT" "ua$$" "root (lite ps) lists it: one engine, one store"
for ep in "GET /containers/ua$$/json" "GET /containers/ua$$/logs?stdout=1" "POST /containers/ua$$/stop" \
	"POST /containers/ua$$/kill" "POST /containers/ua$$/restart" "POST /containers/ua$$/pause" \
	"DELETE /containers/ua$$?force=1" "GET /containers/ua$$/top" "POST /containers/ua$$/exec" \
	"POST /containers/${AID:0:12}/stop"; do
	OUT=$(ucurl "$UB" -X "${ep%% *}" -w ' %{http_code}' -H 'Content-Type: application/json' \
		$( [ "${ep%% *}" = POST ] && printf -- '-d {"Cmd":["true"]}' ) "http://d/v1.41${ep#* }")
	like "$OUT" '^\{"message":"No such container: [^"]*"\} 404$' "user B: $ep on A's container is 404 No such container"
done
capture udk "$UB" stop "ua$$"
isnt "$RC" 0 "user B: docker stop of A's container fails"
like "$ERR" 'No such container' "... No such container"
capture udk "$UB" rm "ua$$"
isnt "$RC" 0 "user B: docker rm of A's container fails"
like "$ERR" 'No such container' "... No such container"
capture udk "$UB" exec "ua$$" true
isnt "$RC" 0 "user B: docker exec in A's container fails"
ok "A's container still runs" is_running "ua$$"
is "$(udk "$UB" info --format '{{.Containers}}')" 0 "user B: docker info counts none of A's containers"
is "$(udk "$UA" info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}}')" "1 1 0 0" \
	"user A: docker info counts A's: 1 running"
lite pause "ua$$" >/dev/null
is "$(udk "$UA" info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}}')" "1 0 1 0" \
	"... paused by root: 1 paused, 0 running"
lite unpause "ua$$" >/dev/null

# --- the same refusals as lite's own socket
refused() { # DESC JSON LITE-ARGS...
	local desc=$1 json=$2; shift 2
	local api lerr
	api=$(create_as "$UA" "$json")
	capture ulite "$UA" create "$@"
	lerr=$ERR
	like "$api" ' 4[0-9][0-9]$' "$desc: refused through the Docker socket"
	like "$api" '^\{"message":"[^"]+"\} ' "... one line of JSON"
	local msg
	msg=$(sed 's/ [0-9]*$//' <<<"$api" | jget message 2>/dev/null)
	if [ -n "$lerr" ] && [[ "$lerr" == *"$msg"* ]]; then pass "... with lite's message"; else fail "... with lite's message" "api: $msg" "lite: $lerr"; fi
}
refused "Privileged" '{"Image":"testimg","Cmd":["true"],"HostConfig":{"Privileged":true}}' --privileged testimg true
refused "NetworkMode host" '{"Image":"testimg","Cmd":["true"],"HostConfig":{"NetworkMode":"host"}}' --net host testimg true
refused "PidMode host" '{"Image":"testimg","Cmd":["true"],"HostConfig":{"PidMode":"host"}}' --pid host testimg true
refused "a device" '{"Image":"testimg","Cmd":["true"],"HostConfig":{"Devices":[{"PathOnHost":"/dev/fuse","PathInContainer":"/dev/fuse","CgroupPermissions":"rwm"}]}}' --device /dev/fuse testimg true
refused "CapAdd SYS_ADMIN" '{"Image":"testimg","Cmd":["true"],"HostConfig":{"CapAdd":["SYS_ADMIN"]}}' --cap-add SYS_ADMIN testimg true
# binds are checked as the caller at create (and opened as the caller at start)
mkdir -p "$T/private"; chmod 0700 "$T/private"
refused_start() { # DESC JSON
	local out id
	out=$(create_as "$UA" "$2")
	capture ulite "$UA" create -v "$T/private:/p" testimg true
	like "$out" '^\{"message":".*cannot open.*"\} [45][0-9][0-9]$' "$1: create refused through the Docker socket, one line of JSON"
	like "$ERR" "cannot open" "... as lite create refuses it"
	id=$(sed 's/ [0-9]*$//' <<<"$out" | jget Id 2>/dev/null)
	[ -n "$id" ] && ucurl "$UA" -X DELETE "http://d/v1.41/containers/$id?force=1" >/dev/null
	[ -n "$OUT" ] && ulite "$UA" rm -f "$OUT" >/dev/null 2>&1
	true
}
refused_start "a bind of a dir the user cannot open" '{"Image":"testimg","Cmd":["true"],"HostConfig":{"Binds":["'"$T"'/private:/p"]}}'
refused_start "a Mounts bind the user cannot open" '{"Image":"testimg","Cmd":["true"],"HostConfig":{"Mounts":[{"Type":"bind","Source":"'"$T"'/private","Target":"/p"}]}}'
capture udk "$UA" run --rm --privileged testimg true
is "$RC" 125 "docker run --privileged as a user: exit 125"
capture udk "$UA" run --rm --net host testimg true
is "$RC" 125 "docker run --net host as a user: exit 125"
capture udk "$UA" run --rm -v /etc/shadow:/x:ro testimg true
is "$RC" 125 "docker run -v /etc/shadow as a user: exit 125"
like "$ERR" 'cannot open' "... saying the bind source cannot be opened"
capture udk "$UA" ps -a --format '{{.Names}}'
is "$(grep -vc "^ua$$\$" <<<"$OUT")" 0 "nothing was created by the refused requests"
[ "$(grep -vc "^ua$$\$" <<<"$OUT")" = 0 ] || diag "left: $OUT"
capture udk "$UA" run --rm testimg cat /proc/self/uid_map
like "$OUT" '^ *0 +[1-9][0-9]* +65536' "user A's docker run is in a user namespace"

# --- the caller's connection limit (6 here), the helper's included
"$PY" - "$DSOCK" "$(id -u "$UA")" "$(id -g "$UA")" >"$T/limit.out" 2>&1 <<'PYEOF'
import os, socket, sys, time
os.setgroups([g for g in os.getgrouplist(__import__("pwd").getpwuid(int(sys.argv[2])).pw_name, int(sys.argv[3]))])
os.setgid(int(sys.argv[3])); os.setuid(int(sys.argv[2]))
held = []
for i in range(6):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); held.append(s)
time.sleep(2)   # the helpers are counted once they run
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); s.settimeout(10)
d = b""
try:
    while True:
        c = s.recv(4096)
        if not c: break
        d += c
except OSError:
    pass
print(d.split(b"\r\n")[0].decode(), d.split(b"\r\n\r\n")[-1].decode().strip())
PYEOF
is "$(cat "$T/limit.out")" 'HTTP/1.1 429 Too Many Requests {"message":"too many connections of yours"}' \
	"the 7th connection of a user with max-connections-per-user 6: 429"
wait_for 10 no_helpers
is "$(ucurl "$UA" http://d/_ping)" OK "... and once those close, the user is served again"

# --- helpers die with the daemon
asu "$UA" "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
time.sleep(30)' "$DSOCK" &
HOLD=$!
wait_for 10 has_helpers
HP=$(api_helpers | head -n1)
ok "a helper serves an open connection" test -n "$HP"
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
wait_for 10 pid_dead "$HP"
ok "it dies with the daemon (SIGKILL of the daemon)" pid_dead "$HP"
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null
start_daemon || bail_out "daemon did not restart"

done_testing
