#!/bin/bash
# Docker's wait conditions and attach/start order through the Docker API
# (issue 16): next-exit on an exited container waits for the exit of its
# next run, not-running answers at once, removed waits for the removal; an
# attach to a created container does not start it, it waits for the start
# and gets all the output; docker run, run --rm, run -d, run -it, start -a
# and docker wait with the real docker 20.10 client, many times in a row.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-docker.sh"
PTY_RUN=$SRCDIR/tests/helpers/pty-run.py

docker_cli_present || bail_out "no docker client"
wait_for 10 test -S "$DSOCK" || bail_out "no Docker socket at $DSOCK"

# hbg NAME METHOD PATH [UPGRADE] : an HTTP request in the background on the
# Docker socket (UPGRADE 1: an attach that half-closes at once, as the
# docker CLI without stdin; 2: one that keeps its side open). $T/NAME.head appears once the whole response head came
# (for wait: the engine has registered it; for attach: the hijack), then
# $T/NAME.body gets the rest until the server closes. Its pid: $T/NAME.pid.
hbg() {
	"$PY" -c '
import os, socket, sys
name, method, path, upgrade = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] != "0"
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[5])
req = "%s /v1.41%s HTTP/1.1\r\nHost: lite\r\nContent-Length: 0\r\n" % (method, path)
req += "Connection: Upgrade\r\nUpgrade: tcp\r\n" if upgrade else "Connection: close\r\n"
s.sendall((req + "\r\n").encode())
if sys.argv[4] == "1":
    s.shutdown(socket.SHUT_WR)   # as the docker CLI without stdin
buf = b""
while b"\r\n\r\n" not in buf:
    c = s.recv(65536)
    if not c:
        break
    buf += c
head, _, rest = buf.partition(b"\r\n\r\n")
with open(name + ".body", "wb") as f:
    f.write(rest)
    f.flush()
    with open(name + ".head.tmp", "wb") as h:
        h.write(head + b"\n")
    os.rename(name + ".head.tmp", name + ".head")
    while True:
        c = s.recv(65536)
        if not c:
            break
        f.write(c)
        f.flush()
open(name + ".done", "w").close()
' "$T/$1" "$2" "$3" "${4:-0}" "$DSOCK" 2>"$T/$1.err" &
	echo $! >"$T/$1.pid"
}
hdone() { [ -e "$T/$1.done" ]; }
hhead() { [ -e "$T/$1.head" ]; }
hbody() { tr -d '\0' <"$T/$1.body" 2>/dev/null; }
state() { dk inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
# settle: give a wrong answer the time to show (only ever makes a failing
# check more likely to fail, never a passing one flaky)
settle() { sleep 1; }

N=dw$$
lite tag testimg busybox >/dev/null || bail_out "cannot tag testimg as busybox"

# --- next-exit on an exited container: the exit of its next run
mkdir -p "$T/flag"
dk create --name "$N-ne" -v "$T/flag:/flag" testimg sh -c 'test -e /flag/second && exit 7; exit 3' >/dev/null
capture dk start -a "$N-ne"
is "$RC" 3 "setup: the first run exits 3"
hbg ne POST "/containers/$N-ne/wait?condition=next-exit"
ok "next-exit: the 200 head comes once the wait is registered" wait_for 20 hhead ne
settle
not_ok "next-exit on an exited container does not answer with its last exit" hdone ne
touch "$T/flag/second"
capture dk start "$N-ne"
is_rc 0 "a second docker start of it"
ok "next-exit answers after that run's exit" wait_for 20 hdone ne
like "$(hbody ne)" '"StatusCode":7' "next-exit: the code of the run after the wait (7, not the earlier 3)"

# docker wait (condition not-running, Docker's default) on an exited container: at once
capture dk wait "$N-ne"
is "$OUT" 7 "docker wait on an exited container answers at once with its last code (Docker's not-running)"
hbg nr POST "/containers/$N-ne/wait?condition=not-running"
ok "not-running on an exited container answers at once" wait_for 20 hdone nr
like "$(hbody nr)" '"StatusCode":7' "not-running: its last exit code"
dk create --name "$N-cr" testimg true >/dev/null
hbg nrc POST "/containers/$N-cr/wait"
ok "the default condition on a created container answers at once" wait_for 20 hdone nrc
like "$(hbody nrc)" '"StatusCode":0' "... with 0"

# next-exit on a running container: its exit; on a created one: its first run's
dk run -d --name "$N-run" -v "$T/flag:/flag" testimg sh -c 'while [ ! -e /flag/stop ]; do sleep 0.1; done; exit 5' >/dev/null
hbg ner POST "/containers/$N-run/wait?condition=next-exit"
ok "next-exit on a running container: registered" wait_for 20 hhead ner
touch "$T/flag/stop"
ok "... answered at its exit" wait_for 20 hdone ner
like "$(hbody ner)" '"StatusCode":5' "... with its code"
hbg nec POST "/containers/$N-cr/wait?condition=next-exit"
ok "next-exit on a created container: registered" wait_for 20 hhead nec
settle
not_ok "... and waits (a created container has not exited)" hdone nec
dk start "$N-cr" >/dev/null
ok "... answered after its start and exit" wait_for 20 hdone nec
like "$(hbody nec)" '"StatusCode":0' "... with its code"

# --- removed: waits for the removal, not the exit
dk create --name "$N-rm" testimg sh -c 'exit 4' >/dev/null
hbg rm POST "/containers/$N-rm/wait?condition=removed"
ok "removed: registered" wait_for 20 hhead rm
dk start "$N-rm" >/dev/null
ok "setup: it ran and exited" wait_for 20 test "$(state "$N-rm")" = exited
settle
not_ok "removed does not answer at the exit" hdone rm
dk rm "$N-rm" >/dev/null
ok "removed answers at docker rm" wait_for 20 hdone rm
like "$(hbody rm)" '"StatusCode":4' "... with the last exit code"
dk create --name "$N-rmc" testimg true >/dev/null
hbg rmc POST "/containers/$N-rmc/wait?condition=next-exit"
ok "next-exit on a created container that is removed: registered" wait_for 20 hhead rmc
dk rm "$N-rmc" >/dev/null
ok "... ends at the removal (Docker's: every wait ends then)" wait_for 20 hdone rmc
hbg gone POST "/containers/$N-nosuch/wait?condition=next-exit"
ok "wait on an unknown container ends" wait_for 20 hdone gone
like "$(head -n1 "$T/gone.head")" ' 404 ' "... with 404"

# --- an attach to a created container does not start it
dk create --name "$N-at" testimg sh -c 'echo held-out; echo held-err >&2; exit 6' >/dev/null
hbg at POST "/containers/$N-at/attach?stream=1&stdout=1&stderr=1" 1
ok "attach to a created container: hijacked (101) at once" wait_for 20 hhead at
like "$(head -n1 "$T/at.head")" ' 101 ' "... 101 UPGRADED"
settle
is "$(state "$N-at")" created "... and the container stays created (Docker's: attach never starts it)"
not_ok "... the attach waits" hdone at
api_code=$(dcurl -o /dev/null -w '%{http_code}' -X POST "http://lite/v1.41/containers/$N-at/start")
is "$api_code" 204 "the start after the attach is the one that runs it: 204, not 304"
ok "the held attach ends at the exit" wait_for 20 hdone at
like "$(hbody at)" 'held-out' "... with the output from the first byte (stdout)"
like "$(hbody at)" 'held-err' "... and stderr"
api_code=$(dcurl -o /dev/null -w '%{http_code}' -X POST "http://lite/v1.41/containers/$N-at/start")
is "$api_code" 204 "a start of the exited container: 204"
ok "setup: exited again" wait_for 20 test "$(state "$N-at")" = exited
dk create --name "$N-at2" testimg true >/dev/null
hbg at2 POST "/containers/$N-at2/attach?stream=1&stdout=1" 1
ok "an attach to a container that is then removed: hijacked" wait_for 20 hhead at2
dk rm "$N-at2" >/dev/null
ok "... ends at the removal" wait_for 20 hdone at2

# an attach with stdin whose client leaves before the start: the start
# must not hand it the container's stdin (it would close it)
dk create -i --name "$N-st" testimg sh -c 'read x; echo "read:$x"' >/dev/null
hbg st POST "/containers/$N-st/attach?stream=1&stdin=1&stdout=1" 2
ok "attach with stdin to a created container: hijacked" wait_for 20 hhead st
kill "$(cat "$T/st.pid")" 2>/dev/null
wait "$(cat "$T/st.pid")" 2>/dev/null
ok "... its API helper ends with it" wait_for 20 no_helpers
dk start "$N-st" >/dev/null
settle
is "$(state "$N-st")" running "a start after that attach's client left: the container's stdin stays open (it still reads)"

# --- docker run and start -a, many times: all output, the code, no hang
bad=0
for i in $(seq 20); do
	OUT=$(dk run busybox sh -c 'echo hi; exit 3' 2>"$T/loop.err")
	RC=$?
	if [ "$OUT" != hi ] || [ "$RC" != 3 ]; then
		bad=$((bad + 1))
		diag "run $i: rc=$RC out='$OUT' err=$(cat "$T/loop.err")"
	fi
done 2>/dev/null
is "$bad" 0 "docker run busybox sh -c 'echo hi; exit 3', 20 times: hi and 3 every time"
bad=0
for i in $(seq 10); do
	OUT=$(dk run --rm busybox sh -c 'echo rm-hi; exit 2' 2>"$T/loop.err")
	RC=$?
	[ "$OUT" = rm-hi ] && [ "$RC" = 2 ] || { bad=$((bad + 1)); diag "run --rm $i: rc=$RC out='$OUT' err=$(cat "$T/loop.err")"; }
done
is "$bad" 0 "docker run --rm, 10 times: the output and the code"
bad=0
dk create --name "$N-sa" testimg sh -c 'echo again; exit 8' >/dev/null
for i in $(seq 5); do
	OUT=$(dk start -a "$N-sa" 2>"$T/loop.err")
	RC=$?
	[ "$OUT" = again ] && [ "$RC" = 8 ] || { bad=$((bad + 1)); diag "start -a $i: rc=$RC out='$OUT' err=$(cat "$T/loop.err")"; }
done
is "$bad" 0 "docker start -a of an exited container, 5 times: the output and the code"
capture dk run -d --name "$N-d" testimg sh -c 'echo detached; sleep 300'
is_rc 0 "docker run -d"
ok "... runs" wait_for 20 test "$(state "$N-d")" = running
capture dk run --rm testimg /nonexistent
is "$RC" 127 "docker run of a missing command: 127"
like "$ERR" 'exec: "/nonexistent"' "... and why"
OUT=$(echo piped | DOCKER_HOST=unix://$DSOCK timeout -k 5 60 "$DOCKER" run -i --rm testimg cat)
is "$OUT" piped "docker run -i: stdin before the start reaches the container"

# run -it through a pty: the prompt, input, the exit code
OUT=$(DOCKER_HOST="unix://$DSOCK" "$PY" "$PTY_RUN" --timeout 40 -- "$DOCKER" run --rm -it testimg \
	sh -c 'echo tty-ready; read x; echo "got $x"; exit 4' 2>"$T/pty.err" <<'EOF'
expect tty-ready 20
sendline hello
expect "got hello"
wait 20
EOF
)
RC=$?
is "$RC" 0 "docker run -it through a pty: the output, the input"
[ "$RC" = 0 ] || diag "$(cat "$T/pty.err")"
like "$OUT" 'exit 4' "... the shell's exit code"

done_testing
