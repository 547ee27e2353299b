#!/bin/bash
# Container control (issue 6): create, start, restart, rename, pause,
# unpause, update, and their bad values.
source "$(dirname "$0")/lib.sh"

# --- create / start
capture lite create --name c1 testimg sh -c 'echo run >> /data.txt; cat /data.txt; sleep 300'
is_rc 0 "create exits 0"
like "$OUT" '^[0-9a-f]{64}$' "create prints the id"
ID=$OUT
is "$(ifield c1 state.status)" created "a created container's status is created"
is "$(ps_state c1)" created "ps -a shows it as created"
ok "a created container has no cgroup" cgroup_gone "$ID"
capture lite start c1
is_rc 0 "start exits 0"
is "$OUT" c1 "start prints the name"
ok "c1 runs after start" wait_for 10 is_running c1
ok "its output appears" wait_for 10 sh -c '[ "$(timeout 5 "$LITE" logs c1 2>/dev/null)" = run ]'

# --- restart keeps the writable layer
pid1=$(ifield c1 state.pid)
capture lite restart -t 1 c1
is_rc 0 "restart exits 0"
ok "c1 runs after restart" wait_for 10 is_running c1
isnt "$(ifield c1 state.pid)" "$pid1" "restart gives a new init"
ok "the file written before the restart is still there" \
	wait_for 10 sh -c '[ "$(timeout 5 "$LITE" exec c1 cat /data.txt 2>/dev/null | tr "\n" " ")" = "run run " ]'
lite stop -t 1 c1 >/dev/null
capture lite start c1
is_rc 0 "start of an exited container"
ok "it runs again" wait_for 10 is_running c1
is "$(ifield c1 state.exit_code)" 0 "start resets the exit code"

# --- start -a
lite create --name c2 testimg sh -c 'echo attached; exit 3' >/dev/null
capture lite start -a c2
is "$RC" 3 "start -a exits with the container's code"
is "$OUT" attached "start -a streams the output"

# --- rename
capture lite rename c2 c2new
is_rc 0 "rename exits 0"
is "$(ifield c2new name)" c2new "inspect shows the new name"
ok "the old name is gone" is_gone c2
capture lite rename c2new c1
is "$RC" 1 "rename to a name in use fails"
like "$ERR" 'already in use' "it says the name is in use"
capture lite rename c2new 'bad/name'
is "$RC" 1 "rename to an invalid name fails"
like "$ERR" 'invalid container name' "it says the name is invalid"

# --- pause / unpause
lite run -d --name p1 testimg sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done' >/dev/null
ok "p1 runs" wait_for 10 is_running p1
sleep 0.5
capture lite pause p1
is_rc 0 "pause exits 0"
is "$(ifield p1 state.status)" paused "inspect: paused"
is "$(ps_state p1)" paused "ps: paused"
like "$(lite ps)" 'Up .*\(Paused\)' "ps status says (Paused)"
root=/proc/$(ifield p1 state.pid)/root
n1=$(cat "$root/tmp/n"); sleep 0.6; n2=$(cat "$root/tmp/n")
is "$n2" "$n1" "the counter stops while paused"
capture lite pause p1
is "$RC" 1 "pausing a paused container fails"
capture lite unpause p1
is_rc 0 "unpause exits 0"
sleep 0.6; n3=$(cat "$root/tmp/n")
ok "the counter resumes after unpause" test "$n3" -gt "$n2"
is "$(ifield p1 state.status)" running "inspect: running again"
lite pause p1 >/dev/null
capture lite stop -t 1 p1
is_rc 0 "stop of a paused container works"
ok "it exits" wait_for 10 is_exited p1
capture lite unpause p1
is "$RC" 1 "unpause of a stopped container fails"

# --- update
lite run -d --name u1 -m 64m testimg sleep 300 >/dev/null
ok "u1 runs" wait_for 10 is_running u1
UID1=$(ifield u1 id)
if [ "$(cgroup_mode)" = v1 ]; then
	mf=/sys/fs/cgroup/memory/$CGP/$UID1/memory.limit_in_bytes
	pf=/sys/fs/cgroup/pids/$CGP/$UID1/pids.max
else
	mf=/sys/fs/cgroup/$CGP/$UID1/memory.max
	pf=/sys/fs/cgroup/$CGP/$UID1/pids.max
fi
is "$(cat "$mf")" $((64 << 20)) "memory limit before update"
capture lite update --memory 128m --pids-limit 99 u1
is_rc 0 "update exits 0"
is "$(cat "$mf")" $((128 << 20)) "update changes the memory limit live"
is "$(cat "$pf")" 99 "update changes pids.max live"
is "$(ifield u1 config.memory)" $((128 << 20)) "inspect shows the new memory limit"
is "$(ifield u1 config.pids_limit)" 99 "inspect shows the new pids limit"
lite stop -t 0 u1 >/dev/null; lite start u1 >/dev/null
ok "u1 runs again" wait_for 10 is_running u1
is "$(cat "$mf")" $((128 << 20)) "the updated limit is kept across a restart"

# --- bad values: one line naming the flag, nothing created
for args in "--memory 12q" "--memory 1m" "--cpus x" "--cpu-shares 1" "--pids-limit 0" "--memory-swap zz"; do
	capture lite update $args u1
	flag=${args%% *}
	is "$RC" 1 "update $args exits 1"
	like "$ERR" "invalid $flag" "update $args names the flag"
done
n_before=$(lite ps -aq | wc -l)
for args in "--memory 12q" "--cpus x" "--pids-limit 0" "--cpu-shares 1" "--name bad/name" "-e =x"; do
	capture lite create $args testimg true
	is "$RC" 125 "create $args exits 125"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "create $args: a one-line error"
done
capture lite create --name c1 testimg true
is "$RC" 125 "create with a name in use exits 125"
is "$(lite ps -aq | wc -l)" "$n_before" "bad creates created nothing"
capture lite start nosuch
is "$RC" 1 "start of an unknown container exits 1"

# --- created containers survive a daemon restart
lite create --name c3 testimg true >/dev/null
stop_daemon TERM
start_daemon || bail_out "daemon restart failed"
is "$(ifield c3 state.status)" created "a created container is still created after a daemon restart"

done_testing
