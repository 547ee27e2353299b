#!/bin/bash
# Interactive containers: run -it (pty, raw mode, window size, Ctrl-C,
# detach keys, attach), -i pipes, signal proxying, stop signals, --init,
# exec (namespaces, cgroup, env, workdir, user, tty, exit codes,
# concurrency, reaping), exit code propagation, clients killed mid-stream.
# Terminals are driven by tests/helpers/pty-run.py.
source "$(dirname "$0")/lib.sh"

PTYRUN=$SRCDIR/tests/helpers/pty-run.py
[ -f "$PTYRUN" ] || bail_out "missing $PTYRUN"

# pty ROWS COLS CMD... <SCRIPT : CMD on a fresh ROWSxCOLS pty, driven by
# SCRIPT (see pty-run.py); sets OUT (the harness's reports: "exit N"...),
# ERR (its failure report) and RC (0 when every step passed)
pty() {
	local rows=$1 cols=$2; shift 2
	timeout -k 5 60 "$PY" "$PTYRUN" --rows "$rows" --cols "$cols" --timeout 40 \
		--log "$T/pty.log" -- "$@" >"$T/.out" 2>"$T/.err"
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}
# pty_ok DESC : pass when the last pty script ran through
pty_ok() { if [ "$RC" = 0 ]; then pass "$1"; else fail "$1" "harness rc=$RC" "$ERR"; fi; }

# bg_client OUT ARGS... : `lite ARGS` in the background with default signal
# dispositions (bash ignores INT and QUIT in background jobs), stdout and
# stderr to OUT; sets BGPID (the client's own PID)
bg_client() {
	local out=$1; shift
	env --default-signal "$LITE" "$@" >"$out" 2>&1 </dev/null &
	BGPID=$!
}
# bg_wait PID SECS : wait for a background client; sets BGRC (SIGKILLs it
# and sets BGRC=timeout after SECS)
bg_wait() {
	local end=$(( $(now_ms) + $2 * 1000 ))
	while pid_alive "$1" && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
	if pid_alive "$1"; then
		kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; BGRC=timeout
	else
		wait "$1"; BGRC=$?
	fi
}
file_has() { grep -q -- "$2" "$1" 2>/dev/null; }
logs_have() { timeout 5 "$LITE" logs "$1" 2>/dev/null | grep -q -- "$2"; }
# zombies NAME : number of processes in state Z inside the container
zombies() {
	lite exec "$1" sh -c 'cat /proc/[0-9]*/stat 2>/dev/null' | sed -E 's/^[0-9]+ \(.*\) //' | cut -d' ' -f1 | grep -c '^Z'
}
no_zombies() { [ "$(zombies "$1")" = 0 ]; }
host_pid_of() { # ARGV... : first host PID whose command line is exactly ARGV
	local p want
	want=$(printf '%s ' "$@")
	for p in /proc/[0-9]*; do
		[ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" = "$want" ] && { echo "${p#/proc/}"; return 0; }
	done
	return 1
}

# ================================================================ run -it

pty 37 101 "$LITE" run -it --name it1 testimg sh -c 'tty; lite-test-helper winsize; lite-test-helper isatty' <<'EOF'
expect '/dev/pts/0\r?\n'
expect '37 101'
expect 'tty tty'
wait
restored
EOF
pty_ok "run -it: tty is /dev/pts/0, size 37x101 from the first byte, stdin/stdout are ttys"
like "$OUT" '^exit 0$' "run -it: exit 0 propagates"

pty 24 80 "$LITE" run -it --name it2 -e 'PS1=@> ' testimg sh <<'EOF'
expect '@> '
raw
sendline 'echo $((6*7))'
expect '42'
sendline 'lite-test-helper winsize'
expect '24 80'
resize 50 132
sendline 'i=0; while [ "$(lite-test-helper winsize)" != "50 132" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; lite-test-helper winsize | tr " " x'
expect '50x132'
expect '@> '
sendline 'sleep 100'
expect 'sleep 100\r?\n'
sleep 0.3
send \x03
expect '@> ' 5
sendline 'echo rc=$?'
expect 'rc=130'
alive
sendline 'exit 7'
wait
restored
EOF
pty_ok "run -it sh: raw client terminal, input works, resize reaches the pty, Ctrl-C interrupts sleep but not the client, terminal restored"
like "$OUT" '^exit 7$' "run -it: 'exit 7' makes lite exit 7"

pty 30 90 "$LITE" run -it --name it3 testimg sh -c 'trap "echo got-winch; lite-test-helper winsize" WINCH; trap "exit 9" INT; echo armed; while :; do sleep 0.1; done' <<'EOF'
expect 'armed'
resize 40 100
expect 'got-winch\r?\n40 100'
send \x03
wait
restored
EOF
pty_ok "run -it: SIGWINCH on the client delivers SIGWINCH and the new size inside"
like "$OUT" '^exit 9$' "run -it: a Ctrl-C handled by PID 1 (exit 9) propagates"

pty 24 80 "$LITE" run -it testimg-no-such-image sh <<'EOF'
wait
restored
EOF
pty_ok "run -it with an unknown image: terminal restored"
like "$OUT" '^exit [1-9]' "run -it with an unknown image: non-zero exit"

# ---------------------------------------------------------------- detach / attach

pty 24 80 "$LITE" run -it --name det1 -e 'PS1=@> ' testimg sh <<'EOF'
expect '@> '
sendline 'echo $((6*7))'
expect '42'
sendline '(sleep 1; echo LATER-$((1+1))) &'
expect '\) &\r?\n.*@> '
send \x10\x11
expect 'lite: detached from det1; it keeps running \(lite attach det1\)'
wait
restored
EOF
pty_ok "run -it: Ctrl-P Ctrl-Q detaches with the message, terminal restored"
like "$OUT" '^exit 0$' "detach: the client exits 0"
ok "detach: the container keeps running" is_running det1
if wait_for 10 logs_have det1 LATER-2; then
	pass "detach: output written while detached is in lite logs"
else
	fail "detach: output written while detached is in lite logs" \
		"lite logs det1: $(timeout 5 "$LITE" logs det1 2>&1 | tr -d '\r' | tail -n 5)"
fi

pty 24 80 "$LITE" attach det1 <<'EOF'
expect '@> '
sendline 'echo $((7*6))x'
expect '42x'
send \x10\x11
expect 'lite: detached from det1; it keeps running \(lite attach det1\)'
wait
restored
EOF
pty_ok "attach: replay shows the prompt, input works, detach again"
like "$OUT" '^exit 0$' "attach: detach exits 0"
ok "attach/detach: still running" is_running det1

pty 24 80 "$LITE" attach det1 <<'EOF'
expect '@> '
sendline 'exit 5'
wait
restored
EOF
pty_ok "attach a second time, exit the shell"
ok "attach: the container exits after 'exit 5'" wait_for 10 is_exited det1
is "$(ifield det1 state.exit_code)" 5 "attach: the container's exit code is 5"
diag "lite attach itself reported: $OUT"

pty 24 80 "$LITE" run -it --name det2 --detach-keys ctrl-a,x -e 'PS1=@> ' testimg sh <<'EOF'
expect '@> '
send \x10\x11
quiet 0.5
alive
send \x03
expect '@> '
sendline 'echo $((6*7))'
expect '42'
send \x01x
expect 'lite: detached from det2; it keeps running \(lite attach det2\)'
wait
restored
EOF
pty_ok "--detach-keys ctrl-a,x: Ctrl-P Ctrl-Q no longer detaches, Ctrl-A x does"
like "$OUT" '^exit 0$' "--detach-keys ctrl-a,x: exit 0"
ok "--detach-keys ctrl-a,x: the container keeps running" is_running det2

pty 24 80 "$LITE" run -it --name det3 --detach-keys "" -e 'PS1=@> ' testimg sh <<'EOF'
expect '@> '
send \x10\x11
quiet 0.5
alive
send \x03
expect '@> '
sendline 'exit 3'
wait
restored
EOF
pty_ok "--detach-keys \"\": Ctrl-P Ctrl-Q passes through, no detach"
like "$OUT" '^exit 3$' "--detach-keys \"\": exit 3 propagates"

pty 24 80 "$LITE" run -it --name det4 -e 'PS1=@> ' testimg sh <<'EOF'
expect '@> '
send 'echo $((6*7))-typed\r\x10\x11'
expect 'lite: detached from det4'
wait
EOF
pty_ok "detach with input and detach keys in one write"
ok "detach: input typed right before the detach keys still reaches the container" wait_for 3 logs_have det4 42-typed

# ================================================================ -i without -t

capture sh -c 'echo hi | timeout 20 "$LITE" run -i testimg cat'
is_rc 0 "run -i cat exits 0 (EOF on stdin ends it)"
is "$OUT" hi "echo hi | lite run -i testimg cat prints hi"

capture sh -c 'printf "a\nb\n" | timeout 20 "$LITE" run -i testimg sh -c "cat; echo END"'
is "$OUT" "a
b
END" "run -i: EOF closes the container's stdin"

capture sh -c 'echo hi | timeout 20 "$LITE" run -i testimg lite-test-helper isatty'
is "$OUT" "notty notty" "run -i without -t: no terminal"

capture sh -c 'echo hi | timeout 20 "$LITE" run testimg sh -c "stat -L -c %t:%T /proc/self/fd/0; cat; echo END"'
is "$OUT" "1:3
END" "run without -i: stdin is /dev/null (char 1:3), piped input not forwarded"

head -c 4M /dev/urandom >"$T/in.bin"
capture sh -c 'timeout 30 "$LITE" run -i testimg md5sum <"$1"' _ "$T/in.bin"
is "${OUT%% *}" "$(md5sum <"$T/in.bin" | cut -d' ' -f1)" "run -i: 4 MiB of binary stdin arrives intact"

# ================================================================ signals (no tty)

bg_client "$T/sp1.out" run --name sp1 testimg lite-test-helper sigwait
if wait_for 10 file_has "$T/sp1.out" ready; then
	for s in INT HUP QUIT USR1 USR2; do
		kill -"$s" "$BGPID" 2>/dev/null
		ok "sig-proxy: SIG$s on the client reaches the container" wait_for 5 file_has "$T/sp1.out" "got SIG$s"
	done
	ok "sig-proxy: the client survives the forwarded signals" pid_alive "$BGPID"
	kill -TERM "$BGPID" 2>/dev/null
	bg_wait "$BGPID" 10
	is "$BGRC" 0 "sig-proxy: SIGTERM forwarded, the helper exits 0, so does lite"
	ok "sig-proxy: got SIGTERM" file_has "$T/sp1.out" "got SIGTERM"
else
	fail "sig-proxy: the helper printed ready" "$(cat "$T/sp1.out")"
	kill -KILL "$BGPID" 2>/dev/null
fi

bg_client "$T/sp2.out" run --sig-proxy false --name sp2 testimg lite-test-helper sigwait
if wait_for 10 file_has "$T/sp2.out" ready; then
	kill -USR1 "$BGPID" 2>/dev/null
	bg_wait "$BGPID" 5
	ok "--sig-proxy false: SIGUSR1 is not forwarded (not in the logs)" sh -c 'out=$(timeout 5 "$LITE" logs sp2) && ! printf "%s\n" "$out" | grep -q "got SIGUSR1"'
	ok "--sig-proxy false: the container keeps running" is_running sp2
	diag "--sig-proxy false: client status after SIGUSR1: $BGRC"
else
	fail "--sig-proxy false: the helper printed ready" "$(cat "$T/sp2.out")"
	kill -KILL "$BGPID" 2>/dev/null
fi
lite rm -f sp2 >/dev/null 2>&1

# ================================================================ stop, kill

lite run -d --name ks1 testimg lite-test-helper sigwait >/dev/null
wait_for 10 logs_have ks1 ready
capture lite kill -s HUP ks1
is_rc 0 "kill -s HUP exits 0"
ok "kill -s HUP: the container got SIGHUP" wait_for 5 logs_have ks1 "got SIGHUP"
capture lite kill -s 12 ks1
ok "kill -s 12: the container got SIGUSR2" wait_for 5 logs_have ks1 "got SIGUSR2"
ok "kill -s: still running" is_running ks1

lite run -d --stop-signal SIGUSR1 --name ks2 testimg lite-test-helper sigwait >/dev/null
wait_for 10 logs_have ks2 ready
capture lite stop -t 2 ks2
is_rc 0 "stop -t 2 with --stop-signal SIGUSR1 exits 0"
ok "stop -t 2: the daemon gave it 2 s" grep -q "stopping container $(ifield ks2 id | cut -c1-12) (timeout 2s)" "$DAEMON_LOG"
ok "stop -t 2: then SIGKILL" escalated ks2
ok "--stop-signal SIGUSR1: stop sent SIGUSR1" logs_have ks2 "got SIGUSR1"
not_ok "--stop-signal SIGUSR1: stop did not send SIGTERM" logs_have ks2 "got SIGTERM"
is "$(ifield ks2 state.exit_code)" 137 "--stop-signal: then SIGKILL, exit_code 137"

# ================================================================ --init

capture lite run --init testimg lite-test-helper pid
is "$OUT" 2 "--init: the command is PID 2"
capture lite run testimg lite-test-helper pid
is "$OUT" 1 "without --init: the command is PID 1"

lite run -d --init --name in1 testimg sh -c 'sleep 100' >/dev/null
ok "--init sh -c 'sleep 100' runs" wait_for 10 is_running in1
capture lite exec in1 cat /proc/1/cmdline
unlike "$(printf '%s' "$OUT" | tr '\0' ' ')" '^sh ' "--init: PID 1 is not the command"
is "$(lite exec in1 cat /proc/1/comm 2>/dev/null)" lite-init "--init: PID 1 is lite-init (the static helper)"
capture lite stop in1
is_rc 0 "--init: stop exits 0"
not_ok "--init: stop needed no SIGKILL (SIGTERM reached sh through lite-init)" escalated in1
is "$(ifield in1 state.exit_code)" 143 "--init: the command died of SIGTERM, exit_code 143"

lite run -d --init --name in2 testimg lite-test-helper sigwait >/dev/null
wait_for 10 logs_have in2 ready
lite kill -s USR1 in2 >/dev/null 2>&1
ok "--init forwards SIGUSR1 to the command" wait_for 5 logs_have in2 "got SIGUSR1"
capture lite stop in2
ok "--init forwards the stop signal; the command exits" wait_for 5 is_exited in2
is "$(ifield in2 state.exit_code)" 0 "--init: exit status of the command (0 after SIGTERM)"

lite run -d --init --name in3 testimg sh -c 'lite-test-helper orphans 5; exec sleep 100' >/dev/null
lite run -d --name in4 testimg sh -c 'lite-test-helper orphans 5; exec sleep 100' >/dev/null
ok "--init: orphans were made" wait_for 10 logs_have in3 '^orphans [0-9]'
wait_for 10 logs_have in4 '^orphans [0-9]'
sleep 0.5	# the orphans exit after 200 ms
ok "--init: the orphans are reaped, no zombies" wait_for 5 no_zombies in3
diag "without --init (exec sleep as PID 1): $(zombies in4) zombies remain"
lite rm -f in3 in4 >/dev/null 2>&1

# ================================================================ exec

lite run -d --name ex1 testimg sleep 1000 >/dev/null
ok "ex1 runs" wait_for 10 is_running ex1
IPID=$(ifield ex1 state.pid)

# Long sleeps, ended by the test: under load (ASan, a busy CI host) an exec
# can take seconds to appear.
"$LITE" exec ex1 lite-test-helper sleep 120 >/dev/null 2>&1 </dev/null &
XP=$!
HP=
if wait_for 30 host_pid_of lite-test-helper sleep 120; then
	HP=$(host_pid_of lite-test-helper sleep 120)
	for ns in mnt uts ipc net pid cgroup; do
		is "$(readlink "/proc/$HP/ns/$ns")" "$(readlink "/proc/$IPID/ns/$ns")" "exec joins the $ns namespace"
	done
	is "$(cat "/proc/$HP/cgroup")" "$(cat "/proc/$IPID/cgroup")" "exec joins the container's cgroups (host view)"
else
	fail "exec'd process visible on the host"
fi
is "$(lite exec ex1 cat /proc/self/cgroup)" "$(lite exec ex1 cat /proc/1/cgroup)" "exec: /proc/self/cgroup equals PID 1's inside"
if [ -n "$HP" ]; then
	kill "$HP"
	wait "$XP"
	is "$?" 143 "exec lite-test-helper sleep ended by SIGTERM: the client exits 143"
else
	kill "$XP" 2>/dev/null
	wait "$XP"
fi

is "$(lite exec -e FOO=bar ex1 sh -c 'echo $FOO')" bar "exec -e FOO=bar"
is "$(lite exec -w /tmp ex1 pwd)" /tmp "exec -w /tmp"
is "$(lite exec -u nobody ex1 id -u)" 65534 "exec -u nobody: uid 65534"
is "$(lite exec ex1 id -u)" 0 "exec: default user root"
is "$(echo hi | timeout 20 "$LITE" exec -i ex1 cat)" hi "exec -i: stdin piped"

capture lite exec ex1 true;                    is_rc 0 "exec true: 0"
capture lite exec ex1 sh -c 'exit 3';          is_rc 3 "exec sh -c 'exit 3': 3"
capture lite exec ex1 no-such-command;         is_rc 127 "exec of a missing command: 127"
capture lite exec ex1 sh -c 'kill -9 $$';      is_rc 137 "exec sh -c 'kill -9 \$\$': 137"

pty 33 77 "$LITE" exec -it ex1 sh -c 'tty; lite-test-helper winsize; exit 4' <<'EOF'
expect '/dev/pts/\d+'
expect '33 77'
wait
restored
EOF
pty_ok "exec -it: own pty, size from the client's terminal"
like "$OUT" '^exit 4$' "exec -it: exit 4 propagates"

pty 24 80 "$LITE" exec -it -e 'PS1=@> ' ex1 sh <<'EOF'
expect '@> '
raw
sendline 'echo $((6*7))'
expect '42'
sendline 'exit 3'
wait
restored
EOF
pty_ok "exec -it sh: interactive, terminal restored"
like "$OUT" '^exit 3$' "exec -it: exit 3 propagates"

# an exec's terminal is released with it: the shim's fd count stays put
# (a leaked, still-polled fd of a finished exec once crashed the shim)
SHIM=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runtime"]["shim_pid"])' \
	"$D/containers/$(ifield ex1 id)/state.json" 2>/dev/null)
fds_before=$(ls "/proc/$SHIM/fd" 2>/dev/null | wc -l)
for i in 1 2 3; do
	printf 'wait\n' | pty 24 80 "$LITE" exec -it ex1 true >/dev/null
done
is "$(ls "/proc/$SHIM/fd" 2>/dev/null | wc -l)" "$fds_before" "exec -t leaves no fd behind in the shim"
ok "the shim survives terminal execs" kill -0 "$SHIM"

# The 6th exec runs until the test lets it go (a stop file), however slow
# the other five are.
"$LITE" exec ex1 sh -c 'echo started; while [ ! -e /stop6 ]; do sleep 0.1; done' >"$T/x6.out" 2>&1 </dev/null &
X6=$!
wait_for 30 grep -q started "$T/x6.out"
XPIDS=()
for i in 1 2 3 4 5; do
	timeout 20 "$LITE" exec ex1 sh -c "echo exec-$i; exit $i" >"$T/x$i.out" 2>&1 </dev/null &
	XPIDS+=($!)
done
good=0
for i in 1 2 3 4 5; do
	wait "${XPIDS[$((i - 1))]}"
	rc=$?
	if [ "$rc" = "$i" ] && [ "$(cat "$T/x$i.out")" = "exec-$i" ]; then
		good=$((good + 1))
	else
		diag "exec $i: rc=$rc, output: $(cat "$T/x$i.out")"
	fi
done
is "$good" 5 "5 concurrent execs: each exit code and output correct"
[ "$good" = 5 ] || diag "ex1: $(ifield ex1 state)"
ok "the 6th exec still runs meanwhile" pid_alive "$X6"
lite exec ex1 touch /stop6
wait "$X6"
rc=$?
is "$rc" 0 "the 6th exec exits 0"
[ "$rc" = 0 ] || diag "$(cat "$T/x6.out")"
ok "exec'd processes are reaped: no zombies in the container" wait_for 5 no_zombies ex1

lite run -d --name ex2 testimg sleep 1000 >/dev/null
wait_for 10 is_running ex2
lite kill ex2 >/dev/null 2>&1
wait_for 10 is_exited ex2
capture lite exec ex2 true
isnt "$RC" 0 "exec into a stopped container fails"
like "$ERR" 'not running' "exec into a stopped container: clear error"

# ================================================================ run exit codes

capture lite run testimg true;                 is_rc 0 "run true: 0"
capture lite run testimg sh -c 'exit 3';       is_rc 3 "run sh -c 'exit 3': 3"
capture lite run testimg no-such-command;      is_rc 127 "run of a missing command: 127"

bg_client "$T/k1.out" run --name k1 testimg sleep 100
wait_for 10 is_running k1
lite kill k1 >/dev/null 2>&1
bg_wait "$BGPID" 10
is "$BGRC" 137 "run, then lite kill from outside: 137"

pty 24 80 "$LITE" run -it --name k2 testimg sh <<'EOF'
expect '# '
print started
sleep 0.1
alive
EOF
# the harness killed the client at the end of its script: k2 is left running
ok "run -it: the container is still running after its client was killed" wait_for 5 is_running k2
pty 24 80 "$LITE" attach k2 <<'EOF'
expect '# '
print attached
sendline 'exit 0'
wait
restored
EOF
pty_ok "attach to k2 again"
diag "attach k2 after exit: $OUT"

# ================================================================ killed clients

bg_client "$T/sk1.out" run --name sk1 testimg sh -c 'while :; do echo tick; sleep 0.1; done'
wait_for 10 file_has "$T/sk1.out" tick
kill -KILL "$BGPID" 2>/dev/null
bg_wait "$BGPID" 5
sleep 0.5
ok "SIGKILLed client: the container keeps running" is_running sk1
ok "SIGKILLed client: the daemon is alive" pid_alive "$DAEMON_PID"
capture lite run --rm testimg echo healthy
is "$OUT" healthy "SIGKILLed client: the daemon still runs containers"

pty 24 80 "$LITE" run -it --name sk2 testimg sh -c 'while :; do echo tock; sleep 0.1; done' <<'EOF'
expect 'tock'
kill KILL
wait
EOF
pty_ok "run -it client killed mid-stream"
ok "SIGKILLed -it client: the container keeps running" wait_for 2 is_running sk2
sleep 0.3
ok "SIGKILLed -it client: still running a moment later" is_running sk2
capture lite ps
is_rc 0 "SIGKILLed clients: lite ps still answers"

# --- a large paste into a terminal is not stalled by a full pty
n=$( (sleep 1; head -c 200000 /dev/zero | tr '\0' a) |
	timeout 30 "$LITE" run -i -t --rm testimg sh -c 'stty raw -echo; head -c 200000 | wc -c' | tr -dc '0-9')
is "$n" 200000 "-it: 200000 bytes pasted at once all reach the process"

done_testing
