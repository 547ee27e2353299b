#!/bin/bash
# Basics: version/info/ping/images, foreground run stdio, exit codes,
# --name, -e, --hostname.
source "$(dirname "$0")/lib.sh"

# --- daemon answers
capture lite version
is_rc 0 "lite version exits 0"
like "$OUT" '[0-9]+\.[0-9]+' "lite version prints a version number"

capture lite info
is_rc 0 "lite info exits 0"
isnt "$OUT" "" "lite info prints something"

OUT=$(echo '{"id":1,"method":"ping"}' | timeout 10 socat -t 2 - "UNIX-CONNECT:$SOCK" 2>&1 | head -n 1)
like "$OUT" '"jsonrpc": ?"2\.0"' "raw ping over socat: jsonrpc 2.0 envelope"
is "$(printf '%s' "$OUT" | jget id 2>/dev/null)" 1 "raw ping over socat: id echoed"
like "$OUT" '"result"' "raw ping over socat: has a result"

OUT=$(echo '{"jsonrpc":"2.0","id":"abc","method":"version"}' | rawreq 5)
is "$(printf '%s' "$OUT" | jget id 2>/dev/null)" abc "string request id is echoed back"

capture lite images
is_rc 0 "lite images exits 0"
like "$OUT" '(^|[[:space:]])testimg([[:space:]:]|$)' "lite images lists testimg"

# --- foreground stdio
capture lite run testimg echo hello
is_rc 0 "run echo exits 0"
is "$OUT" hello "run echo: stdout is forwarded"
is "$ERR" "" "run echo: nothing on stderr"

capture lite run testimg sh -c 'echo to-out; echo to-err >&2'
is "$OUT" to-out "stdout goes to stdout only"
is "$ERR" to-err "stderr goes to stderr only"

capture lite run testimg sh -c 'i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done'
is "$(printf '%s\n' "$OUT" | wc -l)" 2000 "2000 lines of output all arrive"
is "$(printf '%s\n' "$OUT" | tail -n 1)" line-1999 "output arrives in order up to the last line"

# --- exit codes
capture lite run testimg sh -c 'exit 3'
is_rc 3 "exit code 3 is propagated"

capture lite run testimg true
is_rc 0 "true exits 0"

capture lite run testimg nonexistent-cmd
is_rc 127 "command not found -> 127"
like "$ERR" 'nonexistent-cmd' "command not found: stderr names the command"

capture lite run testimg /etc/passwd
is_rc 126 "not executable -> 126"

capture lite run nosuchimage true
is_rc 125 "missing image -> 125"
like "$ERR" '^lite: .*nosuchimage' "missing image: 'lite: ' error naming the image"

capture lite run --bogus testimg true
is_rc 125 "unknown flag -> 125"
like "$ERR" 'bogus' "unknown flag: error names the flag"

capture lite run -m 10x testimg true
is_rc 125 "bad -m value -> 125"
like "$ERR" '--memory' "bad -m value: message names --memory"

capture lite run testimg sh -c 'sleep 30 & kill -9 $!; wait $!'
is_rc 137 "a child's 128+9 status passes through as 137"

# The container's PID 1 killed from outside: the foreground client must
# report 128+SIGKILL.
"$LITE" run --name killme testimg sleep 30 >/dev/null 2>"$T/killme.err" </dev/null &
cpid=$!
if wait_for 10 is_running killme; then
	lite kill -s KILL killme >/dev/null 2>&1
	for i in $(seq 100); do kill -0 $cpid 2>/dev/null || break; sleep 0.1; done
	kill -0 $cpid 2>/dev/null && kill -KILL $cpid
	wait $cpid
	is "$?" 137 "PID 1 killed by SIGKILL -> foreground run exits 137"
else
	kill $cpid 2>/dev/null; wait $cpid
	fail "PID 1 killed by SIGKILL -> foreground run exits 137" "container never reached running"
fi

# Inside the container sh is PID 1, which the kernel shields from its own
# SIGKILL: `kill -9 $$` is a no-op there (as under Docker without --init).
capture lite run testimg sh -c 'kill -9 $$; echo still-here'
is "$OUT" still-here "sh as PID 1 survives its own kill -9 \$\$ (kernel init protection)"

# --- names, env, hostname
capture lite run -d --name dup testimg sleep 30
is_rc 0 "run -d --name dup"
capture lite run -d --name dup testimg sleep 30
isnt "$RC" 0 "second container with the same --name is refused"
like "$ERR" '^lite: .*dup' "name clash: 'lite: ' error naming the container"
is "$(lite ps -a --format json | grep -c '"dup"')" 1 "name clash: no second container created"
lite rm -f dup >/dev/null 2>&1

capture lite run -e FOO=bar -e 'SPACED=a b' testimg sh -c 'echo "$FOO"; echo "$SPACED"'
is "$OUT" "bar
a b" "-e K=V is visible in the container's environment"

capture lite run testimg sh -c 'echo "$PATH"'
like "$OUT" '/bin' "PATH is set by default"

capture lite run --hostname myhost testimg hostname
is "$OUT" myhost "--hostname sets the UTS hostname"

done_testing
