#!/bin/bash
# Lifecycle: run -d, ps, logs, stop, inspect, wait, rm, --rm, unknown names.
source "$(dirname "$0")/lib.sh"

# --- run -d / ps
capture lite run -d --name l1 testimg sh -c 'echo hello; echo oops >&2; sleep 300'
is_rc 0 "run -d exits 0"
like "$OUT" '^[0-9a-f]{64}$' "run -d prints a 64-hex id"
ID1=$OUT
ok "l1 reaches running" wait_for 10 is_running l1

capture lite ps
is_rc 0 "ps exits 0"
like "$(printf '%s\n' "$OUT" | head -n 1)" '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES' "ps prints the table header"
like "$OUT" "^${ID1:0:12} +testimg .* l1\$" "ps lists l1 with its short id and image"

capture lite ps -q
like "$OUT" "^${ID1:0:12}\$" "ps -q prints the 12-hex short id"
is "$(printf '%s\n' "$OUT" | grep -Evc '^[0-9a-f]{12}$')" 0 "ps -q prints nothing but short ids"

capture lite ps --format json
is_rc 0 "ps --format json exits 0"
js=$(printf '%s\n' "$OUT" | "$PY" -c '
import json, sys
for l in sys.stdin:
    if not l.strip():
        continue
    o = json.loads(l)
    n = o["Names"]
    n = ",".join(n) if isinstance(n, list) else n
    print(o["ID"], n, o["Image"], o["State"], "Command" in o, "CreatedAt" in o, "Status" in o)' 2>&1)
like "$js" "^${ID1:0:12}[0-9a-f]* l1 testimg running True True True\$" "ps --format json: one JSON object per line with Docker's keys"

# --- logs
ok "logs shows the output" wait_for 10 sh -c '[ "$(timeout 5 "$LITE" logs l1 2>/dev/null)" = hello ]'
capture lite logs l1
is "$OUT" hello "logs: stdout to stdout"
is "$ERR" oops "logs: stderr to stderr"
ok "l1's cgroup exists while it runs" test -n "$(cgroup_dirs "$ID1")"

capture lite run --name l2 testimg sh -c 'echo a; echo b; echo c'
capture lite logs --tail 1 l2
is "$OUT" c "logs --tail 1 prints only the last line"
capture lite logs --tail 2 l2
is "$OUT" "b
c" "logs --tail 2 prints the last two lines"

lite run -d --name l3 testimg sh -c 'echo one; sleep 1; echo two' >/dev/null
capture timeout 20 "$LITE" logs -f l3
is_rc 0 "logs -f returns when the container exits"
is "$OUT" "one
two" "logs -f follows output written later (\"two\" comes a second after it started)"

# --- ps -a vs ps
capture lite ps
unlike "$OUT" ' l2$' "ps hides exited containers"
capture lite ps -a
like "$OUT" ' l2$' "ps -a shows exited containers"
is "$(ps_state l2)" exited "ps --format json: exited container has State exited"

# --- stop
lite run -d --name l4 testimg sh -c 'trap "" TERM; echo ready; while :; do sleep 1; done' >/dev/null
wait_for 10 sh -c 'timeout 5 "$LITE" logs l4 2>/dev/null | grep -q ready'
capture lite stop -t 1 l4
is_rc 0 "stop -t 1 exits 0"
ok "stop -t 1 on a TERM-ignoring container: the daemon escalated after its 1 s" \
	grep -q "stopping container $(ifield l4 id | cut -c1-12) (timeout 1s)" "$DAEMON_LOG"
ok "...to SIGKILL" escalated l4
is "$(ifield l4 state.status)" exited "inspect: State.status exited after stop"
is "$(ifield l4 state.exit_code)" 137 "stop of a TERM-ignoring container: exit_code 137 (SIGKILL)"
is "$(ifield l4 state.running)" false "inspect: state.running false"

lite run -d --name l5 testimg lite-test-helper sigwait >/dev/null
ok "sigwait helper is ready" wait_for 10 sh -c 'timeout 5 "$LITE" logs l5 2>/dev/null | grep -q ready'
capture lite stop -t 5 l5
is_rc 0 "stop of a TERM-handling process exits 0"
code=$(ifield l5 state.exit_code)
like "$code" '^(0|143)$' "TERM-handling process stops with 0 or 143 (got $code)"
not_ok "...and without waiting for the timeout (no SIGKILL)" escalated l5
like "$(lite logs l5 2>&1)" 'got SIGTERM' "the process received SIGTERM first"

# --- inspect
capture lite inspect l4
is_rc 0 "inspect exits 0"
keys=$(printf '%s\n' "$OUT" | "$PY" -c '
import json, sys
a = json.load(sys.stdin)
o = a[0]
need = ["Id", "Created", "Path", "Args", "State", "Image", "Name", "RestartCount", "HostConfig", "Mounts",
        "Config", "NetworkSettings", "GraphDriver", "LogPath"]
st = ["Status", "Running", "Paused", "Restarting", "OOMKilled", "Dead", "Pid", "ExitCode", "Error", "StartedAt",
      "FinishedAt"]
cf = ["Hostname", "Env", "Cmd", "Image", "Labels"]
miss = [k for k in need if k not in o] + ["State." + k for k in st if k not in o.get("State", {})] \
     + ["Config." + k for k in cf if k not in o.get("Config", {})] \
     + ["HostConfig." + k for k in ["Memory", "NanoCpus", "PidsLimit"] if k not in o.get("HostConfig", {})]
print(type(a).__name__, len(a), o.get("Name"), isinstance(o.get("Args"), list), " ".join(miss) or "all-keys")' 2>&1)
is "$keys" "list 1 /l4 True all-keys" "inspect prints a JSON array with Docker's keys"
is "$(ifield "${ID1:0:8}" name)" l1 "inspect accepts a unique id prefix"
capture lite inspect l1 l4
is "$(printf '%s' "$OUT" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>&1)" 2 "inspect of two containers prints two objects"

# --- wait
lite run -d --name l6 testimg sh -c 'sleep 1; exit 7' >/dev/null
capture lite wait l6
is_rc 0 "wait exits 0"
is "$OUT" 7 "wait prints the exit code"
capture lite wait l6
is "$OUT" 7 "wait on an already exited container prints its exit code"

# --- rm
ID4=$(ifield l4 id)
capture lite rm l4
is_rc 0 "rm of an exited container exits 0"
ok "rm: inspect no longer finds it" is_gone l4
unlike "$(lite ps -a)" ' l4$' "rm: ps -a no longer lists it"
ok "rm: its cgroup dirs are gone" wait_for 5 cgroup_gone "$ID4"
ok "rm: its state dir is gone" test ! -e "$E/$ID4" -a -z "$(find "$D" -name "$ID4*" 2>/dev/null)"

capture lite rm l1
isnt "$RC" 0 "rm of a running container without -f fails"
like "$ERR" '^lite: ' "...with a 'lite: ' error"
ok "...and the container keeps running" is_running l1
PID1=$(ifield l1 state.pid)
capture lite rm -f l1
is_rc 0 "rm -f of a running container exits 0"
ok "rm -f: the container is gone" is_gone l1
ok "rm -f: its process is dead" wait_for 5 pid_dead "$PID1"
ok "rm -f: its cgroup dirs are gone" wait_for 5 cgroup_gone "$ID1"

# --- --rm
capture lite run --rm --name l7 testimg echo bye
is "$OUT" bye "run --rm prints output"
ok "run --rm: container removed after exit" wait_for 5 is_gone l7
lite run -d --rm --name l8 testimg sleep 0.3 >/dev/null
ok "run -d --rm: container removed after exit" wait_for 10 is_gone l8

# --- unknown containers
for verb in inspect stop kill rm logs wait; do
	capture lite $verb nosuchctr
	if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -Eq '^(lite: |Error: No such object: ).*nosuchctr'; then
		pass "$verb of an unknown container: clear error, non-zero exit"
	else
		fail "$verb of an unknown container: clear error, non-zero exit" "rc=$RC stderr: $ERR"
	fi
done

# --- output is never dropped: a large stream, and a reader that stalls
# (the shim pauses reading the container's pipe instead of dropping chunks)
n=$(timeout 60 "$LITE" run --rm testimg head -c 300000000 /dev/zero </dev/null | wc -c)
is "$n" 300000000 "300 MB of output arrive complete"
n=$(timeout 60 "$LITE" run --rm testimg head -c 50000000 /dev/zero </dev/null | { sleep 3; wc -c; })
is "$n" 50000000 "a reader that stalls for 3 s still gets every byte"

done_testing
