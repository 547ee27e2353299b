#!/bin/bash
# Issue 12 bugs 2, 3, 4, 10 and 11: kill then start, exec in a paused
# container, TERM and HOME, /etc files out of diff/commit/export, the
# client and SIGPIPE.
source "$(dirname "$0")/lib.sh"

q() { "$@" >/dev/null; }

# --- bug 2: kill answers once the exit is recorded; start then starts
# 100 processes to kill make the exit take a moment (the old kill answered before it)
ok "k1 runs" q lite run -d --name k1 testimg sh -c 'rm -f /ready; for i in $(seq 100); do sleep 1000 & done; touch /ready; wait'
good=0
for i in 1 2 3 4 5; do
	wait_for 20 lite exec k1 test -f /ready
	lite kill k1 >/dev/null 2>&1
	st=$(ifield k1 state.status)
	lite start k1 >/dev/null 2>&1
	[ "$st" = exited ] && is_running k1 && good=$((good + 1))
done
is "$good" 5 "kill + start, 5 times: exited right after kill, running right after start"
ok "k3 exits on TERM" q lite run -d --name k3 testimg sh -c 'trap "exit 7" TERM; while :; do sleep 0.2; done'
ok "k3 running" wait_for 10 is_running k3
ok "kill -s TERM answers once delivered" q lite kill -s TERM k3
ok "...and the container acts on it" wait_for 10 is_exited k3
is "$(ifield k3 state.exit_code)" 7 "...with its trap's exit code"
# a start while a stop is under way fails clearly, never "success for nothing"
ok "k2 ignores SIGTERM" q lite run -d --name k2 testimg sh -c 'trap "" TERM; while :; do sleep 1; done'
ok "k2 running" wait_for 10 is_running k2
lite stop -t 5 k2 >/dev/null 2>&1 &
STOPPER=$!
ok "the stop is under way" wait_for 10 grep -q "stopping container $(ifield k2 id | cut -c1-12)" "$DAEMON_LOG"
capture lite start k2
isnt "$RC" 0 "start of a stopping container fails"
like "$ERR" 'is stopping' "...saying so"
wait "$STOPPER"
ok "after the stop, start works" q lite start k2
ok "k2 running again" is_running k2
q lite rm -f k2

# --- bug 3: exec in a paused container is refused at once
ok "p1 runs" q lite run -d --name p1 testimg sleep 1000
ok "pause p1" q lite pause p1
capture timeout 10 "$LITE" exec p1 true
isnt "$RC" 0 "exec in a paused container fails"
isnt "$RC" 124 "...without hanging"
like "$ERR" 'container p1 is paused, unpause the container before exec' "...with Docker's message"
ok "unpause p1" q lite unpause p1
ok "exec works after unpause" q lite exec p1 true

# --- bug 4: TERM with a TTY, HOME from passwd or "/"
capture lite run --rm -t testimg sh -c 'echo "T=$TERM"'
like "$OUT" 'T=xterm' "run -t: TERM=xterm"
capture lite run --rm testimg sh -c 'echo "T=$TERM"'
like "$OUT" '^T=$' "run without -t: no TERM"
capture lite run --rm -t -e TERM=vt100 testimg sh -c 'echo "T=$TERM"'
like "$OUT" 'T=vt100' "run -t -e TERM=vt100: the user's TERM"
capture lite exec -t p1 sh -c 'echo "T=$TERM"'
like "$OUT" 'T=xterm' "exec -t: TERM=xterm"
capture lite exec p1 sh -c 'echo "T=$TERM"'
like "$OUT" '^T=$' "exec without -t: no TERM"
capture lite run --rm testimg sh -c 'echo "H=$HOME"'
is "$OUT" 'H=/root' "root: HOME=/root (from passwd)"
capture lite run --rm -u 1234 testimg sh -c 'echo "H=$HOME"'
is "$OUT" 'H=/' "-u 1234 without a passwd entry: HOME=/"
capture lite exec -u 1234 p1 sh -c 'echo "H=$HOME"'
is "$OUT" 'H=/' "exec -u 1234: HOME=/"
capture lite run --rm -u 1234 -e HOME=/tmp testimg sh -c 'echo "H=$HOME"'
is "$OUT" 'H=/tmp' "-e HOME wins"

# --- bug 10: /etc/hosts, /etc/resolv.conf, /etc/hostname never in diff, commit, export
ok "d1 writes one file" q lite run -d --name d1 testimg sh -c 'echo hi >/marker; sleep 1000'
ok "d1's file is there" wait_for 10 lite exec d1 test -f /marker
capture lite diff d1
is "$OUT" "A /marker" "diff lists only the container's own change"
capture lite commit d1 lifefix-img
is_rc 0 "commit"
ok "save the committed image" lite save -o "$T/lifefix.tar" lifefix-img
# the committed layer is the manifest's last (the base image has its own /etc/hostname)
LAYER=$(tar xOf "$T/lifefix.tar" manifest.json | jget Layers | "$PY" -c 'import json, sys; print(json.load(sys.stdin)[-1])')
capture sh -c "tar xOf '$T/lifefix.tar' '$LAYER' | tar t"
like "$OUT" 'marker' "commit's layer is in the archive, with the container's file"
unlike "$OUT" 'etc/(hosts|hostname|resolv\.conf)' "commit's layer has no /etc files"
capture sh -c "'$LITE' export d1 | tar t"
like "$OUT" 'marker' "export has the container's file"
unlike "$OUT" 'etc/(hosts|hostname|resolv\.conf)' "export has none of the /etc files"
q lite rm -f d1

# --- bug 11: the client never dies of SIGPIPE
deaths=0
for i in 1 2 3 4 5 6 7 8; do
	yes | timeout 30 "$LITE" run -i --rm testimg true >/dev/null 2>&1
	rc=$?
	[ "$rc" = 0 ] || { deaths=$((deaths + 1)); diag "run $i: rc=$rc"; }
done
is "$deaths" 0 "yes | lite run -i true exits 0, 8 times (no SIGPIPE death)"
capture sh -c "head -c 4000000 /dev/zero | '$LITE' run -i --rm testimg sh -c 'head -c 10 >/dev/null; echo out; exit 3'"
is "$RC" 3 "the container stops reading early: its exit code still arrives"
is "$OUT" out "...and its output"
capture sh -c "yes | '$LITE' exec -i p1 true"
is "$RC" 0 "yes | lite exec -i true exits 0"
# SIGPIPE ignored must not make a follower outlive its reader
ok "lg prints lines" q lite run -d --name lg testimg sh -c 'while :; do echo line; sleep 0.1; done'
capture bash -c "timeout 20 '$LITE' logs -f lg | head -1 >/dev/null; echo \${PIPESTATUS[0]}"
is "$OUT" 141 "logs -f | head -1: ends quietly with 141 once head is gone (no hang)"

done_testing
