#!/bin/bash
# The Docker Engine API's exec (issue 16): POST /containers/{id}/exec,
# /exec/{id}/start (hijacked: multiplexed frames, raw with a TTY, Detach),
# /exec/{id}/resize, GET /exec/{id}/json; with curl for status codes and
# JSON and with the real docker client (exec, -i, -it, -d, exit codes).
source "$(dirname "$0")/lib.sh"

DOCKER=${LITE_DOCKER_CLI:-/var/cache/lite-test/docker-cli/docker}
DSOCK=$T/lite-docker.sock
export DOCKER_HOST=unix://$DSOCK DOCKER_CONFIG=$T/docker-config
mkdir -p "$DOCKER_CONFIG"
PTY_RUN=$SRCDIR/tests/helpers/pty-run.py

[ -x "$DOCKER" ] || bail_out "the docker client is missing at $DOCKER (scripts/install-deps.sh --test puts it there)"
wait_for 10 test -S "$DSOCK" || bail_out "no Docker API socket at $DSOCK"

docker() { timeout -k 5 30 "$DOCKER" "$@"; }
# api METHOD PATH [BODY]: prints the body, then the status on its own line
api() {
	curl -sS --max-time 20 --unix-socket "$DSOCK" -X "$1" -H 'Content-Type: application/json' \
		${3:+--data "$3"} -w '\n%{http_code}' "http://localhost/v1.41$2"
}
status() { printf '%s\n' "$1" | tail -n 1; }
body() { printf '%s\n' "$1" | sed '$d'; }

N=dx$$
lite run -d --name "$N" testimg sleep 300 >/dev/null || bail_out "cannot start $N"
wait_for 10 is_running "$N" || bail_out "$N does not run"

# --- the client
capture docker exec "$N" echo hi
is_rc 0 "docker exec echo exits 0"
is "$OUT" hi "docker exec prints the output"
capture docker exec "$N" sh -c 'echo out; echo err >&2'
is "$OUT" out "docker exec: stdout to stdout"
is "$ERR" err "docker exec: stderr to stderr"
capture docker exec "$N" sh -c 'exit 3'
is "$RC" 3 "docker exec sh -c 'exit 3' exits 3"
capture docker exec "$N" nonexistent-cmd
isnt "$RC" 0 "docker exec of a missing command fails"
like "$RC" '^(126|127)$' "docker exec of a missing command: 126 or 127"
OUT=$(printf 'one\ntwo\n' | timeout 30 "$DOCKER" exec -i "$N" cat)
is "$OUT" "$(printf 'one\ntwo')" "docker exec -i cat gets stdin and ends at its EOF"
capture docker exec -e FOO=bar -w /tmp -u 1:1 "$N" sh -c 'echo $FOO $(pwd) $(id -u)'
is "$OUT" "bar /tmp 1" "docker exec -e -w -u reach the process"
capture docker exec -d "$N" sh -c 'echo detached >/tmp/d; sleep 1'
is_rc 0 "docker exec -d exits 0"
ok "docker exec -d ran the command" wait_for 10 sh -c "[ \"\$(timeout 5 \"\$LITE\" exec $N cat /tmp/d)\" = detached ]"

# -it through a pty: a prompt, a resize, exit code
# (the resize travels on another connection than the keys: the shell
# waits for it rather than racing it; "40x120" is not in the typed line)
printf '%s\n' 'expect "/ # "' 'sendline stty size' 'expect 30 100' 'resize 40 120' \
	'sendline while [ "$(stty size)" != "40 120" ]; do sleep 0.1; done; stty size | tr " " x' \
	'expect 40x120 20' 'sendline exit 5' 'wait 15' >"$T/it.script"
OUT=$("$PY" "$PTY_RUN" --rows 30 --cols 100 --timeout 40 -- "$DOCKER" exec -it "$N" sh <"$T/it.script" 2>"$T/it.err")
like "$OUT" 'exit 5' "docker exec -it: prompt, resize and the exit code through a pty"
[ "$OUT" = "exit 5" ] || diag "$(cat "$T/it.err")"
# Ctrl-P Ctrl-Q detaches (the client sees the keys too and, as with
# dockerd, exits 1 with "read escape sequence")
printf '%s\n' 'expect "/ # "' 'sendline echo rea""dy' 'expect ready' 'send \x10\x11' 'wait 15' >"$T/detach.script"
OUT=$("$PY" "$PTY_RUN" --timeout 40 -- "$DOCKER" exec -it "$N" sh <"$T/detach.script" 2>"$T/it.err")
like "$OUT" '^exit 1$' "docker exec -it: Ctrl-P Ctrl-Q detaches"
[ "$OUT" = "exit 1" ] || diag "$(cat "$T/it.err")"

# --- the API: create, inspect, start on separate connections
R=$(api POST "/containers/$N/exec" '{"AttachStdout":true,"AttachStderr":true,"Cmd":["sh","-c","echo api; exit 7"]}')
is "$(status "$R")" 201 "POST /containers/{id}/exec: 201"
EID=$(body "$R" | jget Id)
like "$EID" '^[0-9a-f]{64}$' "exec create answers an Id"
R=$(api GET "/exec/$EID/json")
is "$(status "$R")" 200 "GET /exec/{id}/json: 200 before start"
is "$(body "$R" | jget Running) $(body "$R" | jget ExitCode) $(body "$R" | jget ProcessConfig.entrypoint)" \
	"false null sh" "exec json before start: not running, no exit code, the entrypoint"
is "$(body "$R" | jget ContainerID)" "$(lite inspect -f '{{.Id}}' "$N")" "exec json: ContainerID"
curl -sS --max-time 20 --unix-socket "$DSOCK" -X POST -H 'Content-Type: application/json' --data '{"Detach":false}' \
	-o "$T/stream" "http://localhost/v1.41/exec/$EID/start"
is "$(od -An -tx1 -N8 "$T/stream" | tr -d ' ')" "0100000000000004" "exec start without a TTY: an 8-byte stdout frame header"
is "$(tail -c +9 "$T/stream")" api "exec start: the frame's payload, no exit frame"
R=$(api GET "/exec/$EID/json")
is "$(body "$R" | jget Running) $(body "$R" | jget ExitCode)" "false 7" "exec json after the stream: ExitCode 7"
R=$(api POST "/exec/$EID/start" '{"Detach":false}')
is "$(status "$R")" 409 "starting an exec twice: 409"
R=$(api POST "/containers/$N/exec" '{"Tty":true,"AttachStdout":true,"Cmd":["sh","-c","echo tty"]}')
EID=$(body "$R" | jget Id)
curl -sS --max-time 20 --unix-socket "$DSOCK" -X POST --data '{"Detach":false,"Tty":true}' -o "$T/stream" \
	"http://localhost/v1.41/exec/$EID/start"
is "$(tr -d '\r' <"$T/stream")" tty "exec start with a TTY: raw bytes"
R=$(api POST "/containers/$N/exec" '{"Cmd":["sleep","30"]}')
EID=$(body "$R" | jget Id)
R=$(api POST "/exec/$EID/start" '{"Detach":true}')
is "$(status "$R")" 200 "exec start Detach: 200"
R=$(api GET "/exec/$EID/json")
is "$(body "$R" | jget Running)" true "a detached exec is Running"
R=$(api POST "/exec/$EID/resize?h=10&w=20")
like "$(status "$R")" '^20[01]$' "POST /exec/{id}/resize answers"
R=$(api POST "/containers/$N/exec" '{"Cmd":["sh","-c","exit 4"]}')
EID=$(body "$R" | jget Id)
api POST "/exec/$EID/start" '{"Detach":true}' >/dev/null
ok "a detached exec's exit code is known" wait_for 10 sh -c "curl -s --unix-socket $DSOCK http://localhost/exec/$EID/json | grep -q '\"ExitCode\": *4'"

# --- bad paths
R=$(api GET "/exec/$(printf 'f%.0s' $(seq 64))/json")
is "$(status "$R")" 404 "an unknown exec id: 404"
like "$(body "$R")" 'No such exec instance' "404 says No such exec instance"
R=$(api POST "/exec/nope/start" '{}')
is "$(status "$R")" 404 "start of an unknown exec: 404"
R=$(api POST "/containers/$N/exec" '{"Cmd":')
is "$(status "$R")" 400 "exec create with bad JSON: 400"
R=$(api POST "/containers/$N/exec" '{"Cmd":[]}')
is "$(status "$R")" 400 "exec create without a command: 400"
R=$(api POST "/containers/nosuch$$/exec" '{"Cmd":["true"]}')
is "$(status "$R")" 404 "exec into an unknown container: 404"
lite pause "$N" >/dev/null
R=$(api POST "/containers/$N/exec" '{"Cmd":["true"]}')
is "$(status "$R")" 409 "exec into a paused container: 409"
like "$(body "$R")" "Container $N is paused, unpause the container before exec" "paused: Docker's words"
capture docker exec "$N" true
like "$ERR" "is paused, unpause the container before exec" "docker exec into a paused container says so"
lite unpause "$N" >/dev/null
R=$(api POST "/containers/$N/exec" '{"Cmd":["true"]}')
EID=$(body "$R" | jget Id)
lite stop -t 1 "$N" >/dev/null
R=$(api POST "/containers/$N/exec" '{"Cmd":["true"]}')
is "$(status "$R")" 409 "exec into a stopped container: 409"
like "$(body "$R")" "Container .* is not running" "stopped: Container ... is not running"
R=$(api POST "/exec/$EID/start" '{}')
is "$(status "$R")" 409 "starting an exec whose container stopped: 409"
capture docker exec "$N" true
isnt "$RC" 0 "docker exec into a stopped container fails"

lite rm -f "$N" >/dev/null
done_testing
