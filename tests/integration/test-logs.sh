#!/bin/bash
# Bounded logs (issue 13): records with stream and time, rotation caps
# (--log-opt max-size/max-file), --log-driver none, logs -t/--since/
# --until/--tail/--details, -f following rotation, old-format logs.
source "$(dirname "$0")/lib.sh"

logdir() { dirname "$(ifield "$1" log_path)"; }
disk_bytes() { cat "$(logdir "$1")"/container.log* 2>/dev/null | wc -c; }

# --- the cap: 200 MB written, at most max-size x max-file kept
capture lite run -d --name cap --log-opt max-size=1m --log-opt max-file=2 testimg head -c 200m /dev/zero
is_rc 0 "run with --log-opt max-size=1m --log-opt max-file=2"
ok "the 200 MB writer finishes" wait_for 60 is_exited cap
n=$(disk_bytes cap)
ok "at most 2 MiB on disk after 200 MB ($n bytes)" test "$n" -le $((2 * 1024 * 1024))
ok "some of it is kept ($n bytes)" test "$n" -gt $((1024 * 1024))
files=$(ls "$(logdir cap)" | grep -c '^container\.log')
is "$files" 2 "two log files (container.log, container.log.1)"
got=$(lite logs cap | wc -c)
ok "logs returns what is kept ($got bytes)" test "$got" -gt $((1024 * 1024)) -a "$got" -le $((2 * 1024 * 1024))

# --- bad values: one line naming the flag, 125, nothing created
for bad in "--log-opt max-size=abc" "--log-opt max-file=0" "--log-opt compress=true" "--log-driver syslog" \
	"--log-driver none --log-opt max-size=1m"; do
	# shellcheck disable=SC2086
	capture lite run --name badlog $bad testimg true
	is_rc 125 "run $bad: exit 125"
	like "$ERR" 'log-(opt|driver)' "run $bad: the error names the flag"
	ok "run $bad: nothing created" is_gone badlog
done

# --- stream and time: -t, --since, --until, --tail, --details
capture lite run -d --name tl testimg sh -c 'echo first; echo oops >&2; sleep 2; echo second'
ok "tl exits" wait_for 15 is_exited tl
is "$(lite logs tl 2>/dev/null)" "$(printf 'first\nsecond')" "stdout lines to stdout"
is "$(lite logs tl 2>&1 >/dev/null)" "oops" "stderr lines to stderr"
ts=$(lite logs -t tl 2>/dev/null)
like "$ts" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z first' "-t: RFC 3339 nanoseconds, then the line"
t2=$(echo "$ts" | awk '/ second$/ { print $1 }')
t1=$(echo "$ts" | awk '/ first$/ { print $1 }')
is "$(lite logs --since "$t2" tl 2>/dev/null)" second "--since RFC 3339 (inclusive)"
is "$(lite logs --until "$t1" tl 2>/dev/null)" first "--until RFC 3339 (inclusive)"
is "$(lite logs --since 1h tl 2>/dev/null | wc -l)" 2 "--since 1h: everything"
is "$(lite logs --since "$(( $(date +%s) + 3600 ))" tl 2>&1 | wc -l)" 0 "--since unix seconds in the future: nothing"
is "$(lite logs --tail 1 tl 2>/dev/null)" second "--tail 1"
is "$(lite logs --details tl 2>/dev/null | head -n 1)" " first" "--details: the (empty) attributes and a space"
lite run --name det -l app=web -l tier=front -e MODE=prod --log-opt labels=tier,app --log-opt env=MODE \
	testimg echo hi >/dev/null
is "$(lite logs --details det)" "MODE=prod,app=web,tier=front hi" "--details: the labels and env named by --log-opt labels=,env="
capture lite logs --since yesterday tl
is_rc 1 "--since garbage fails"
like "$ERR" 'invalid --since' "... naming the flag"

# --- -f follows rotation: every line, in order, though the files rotate
capture lite run -d --name rot --log-opt max-size=8k --log-opt max-file=3 testimg sh -c \
	'sleep 1; i=0; while [ $i -lt 1500 ]; do echo "line $i ......................................................"; i=$((i+1)); [ $((i % 100)) = 0 ] && usleep 50000; done'
is_rc 0 "run rot"
timeout 60 "$LITE" logs -f rot 2>/dev/null | (sleep 2; cat) >"$T/rot.out"
n=$(grep -c '^line ' "$T/rot.out")
is "$n" 1500 "a slow logs -f reader got every line across rotations"
ok "in order" sh -c "awk '{ print \$2 }' '$T/rot.out' | sort -n -c"
ok "the files rotated meanwhile (at most 3 x 8k)" test "$(disk_bytes rot)" -le $((3 * 8192))

# --- -f on a running container ends when it exits, woken without polling
capture lite run -d --name fol testimg sh -c 'sleep 1; echo one; sleep 1; echo two'
is "$(timeout 20 "$LITE" logs -f fol 2>/dev/null)" "$(printf 'one\ntwo')" "logs -f streams until the exit"

# --- --log-driver none: no file, the output still reaches an attached client
is "$(lite run --name nolog --log-driver none testimg echo hello)" hello "none: the attached client gets the output"
capture lite logs nolog
is_rc 1 "logs of a none container fails"
like "$ERR" 'log-driver none' "... and says why"
ok "none: no container.log" test ! -e "$(logdir nolog)/container.log"
capture lite run --name jf --log-driver json-file --log-opt max-size=1m testimg echo jf
is_rc 0 "json-file is accepted (another name for local)"
is "$(lite logs jf)" jf "... and its logs read back"

# --- an old log (plain frames, no time, as a shim before the upgrade wrote)
lite create --name old testimg true >/dev/null
"$PY" - "$(logdir old)/container.log" <<'PY'
import struct, sys
with open(sys.argv[1], "ab") as f:
    for stream, text in ((1, b"old out\n"), (2, b"old err\n")):
        f.write(bytes([stream, 0, 0, 0]) + struct.pack(">I", len(text)) + text)
PY
is "$(lite logs old 2>&1)" "$(printf 'old out\nold err')" "an old-format log reads back"
like "$(lite logs -t old 2>/dev/null)" '^1970-01-01T00:00:00\.000000000Z old out' "-t on old records: time 0"

# --- issue 14: an attached run writes into the client's own pipes (FRAME_DIRECT)
out=$(lite run --name d1 testimg sh -c 'i=0; while [ $i -lt 3000 ]; do echo $i; i=$((i+1)); done' | cat)
is "$(echo "$out" | wc -l)" 3000 "direct: every line through the pipe"
ok "direct: in order" sh -c "echo '$(echo "$out" | tail -n 1)' | grep -qx 2999"
is "$(lite logs d1 | md5sum)" "$(echo "$out" | md5sum)" "direct with a log: the log holds the same bytes (tee + splice)"
is "$(lite run --rm testimg sh -c 'echo out; echo err >&2' 2>&1 | sort | tr '\n' ' ')" "err out " \
	"direct: stdout and stderr both arrive (2>&1 into one pipe)"
lite run --rm testimg sh -c 'echo x; exit 3' | cat >/dev/null
is "${PIPESTATUS[0]}" 3 "direct: the exit code still comes back"
is "$(lite run --name d2 testimg head -c 20m /dev/zero | wc -c)" 20971520 "direct: 20 MiB, every byte"
is "$(lite logs d2 | wc -c)" 20971520 "... and all of it in the log"
is "$(lite run --rm testimg head -c 3m /dev/zero | (sleep 1; wc -c))" 3145728 "direct: a slow reader gets every byte"
is "$(lite run --rm --log-driver none testimg head -c 5m /dev/zero | wc -c)" 5242880 "direct without a log: splice straight through"
lite run --name d3 testimg sh -c 'yes | head -c 5m; echo done' | head -c 10 >/dev/null
ok "direct: a reader that leaves does not stop the container" wait_for 10 is_exited d3
is "$(lite logs --tail 1 d3)" done "... whose log goes on after it"

# --- daemon.json defaults; a bad value stops the daemon, naming the key
stop_daemon
cp "$T/daemon.json" "$T/daemon.json.orig"
echo '{"bridge":"none","log-opts":{"max-size":"64k","max-file":"2"}}' >"$T/daemon.json"
ok "the daemon starts with log-opts in daemon.json" start_daemon
lite run --name dj testimg head -c 1m /dev/zero >/dev/null
n=$(disk_bytes dj)
ok "daemon.json max-size=64k max-file=2: at most 128 KiB on disk ($n)" test "$n" -le 131072
is "$(ls "$(logdir dj)" | grep -c '^container\.log')" 2 "... in two files"
lite run --name dj2 --log-opt max-file=1 testimg head -c 1m /dev/zero >/dev/null
n=$(disk_bytes dj2)
ok "--log-opt max-file=1 with daemon.json's max-size: one file, at most 64 KiB ($n)" test "$n" -le 65536
stop_daemon
echo '{"bridge":"none","log-opts":{"max-size":"tiny"}}' >"$T/bad.json"
out=$("$CONTAINERD_LITE" -H "unix://$T/bad.sock" --data-root "$T/badroot" --exec-root "$T/badexec" \
	--config-file "$T/bad.json" 2>&1 </dev/null)
rc=$?
isnt "$rc" 0 "a bad log-opts value stops the daemon"
like "$out" 'log-opts max-size=tiny' "... naming the key and value"
cp "$T/daemon.json.orig" "$T/daemon.json"
ok "the daemon starts again" start_daemon

lite rm -f cap tl rot fol nolog jf old d1 d2 d3 dj dj2 det >/dev/null 2>&1
done_testing
