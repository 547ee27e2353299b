#!/bin/bash
# Helpers die with the daemon (issue 13): lite-image runs with
# PR_SET_PDEATHSIG, so a kill -9 of the daemon during a big load ends it at
# once (before: it went on for seconds while the next daemon emptied its
# staging dir), and nothing half-stored is left.
source "$(dirname "$0")/lib.sh"

lite run --name big testimg sh -c 'head -c 150000000 /dev/zero > /big; echo x > /small' >/dev/null
lite commit big bigimg >/dev/null
lite save -o "$T/big.tar" bigimg >/dev/null
lite rm big >/dev/null
lite rmi bigimg >/dev/null
ok "fixture: a 150 MB image saved and removed" test "$(stat -c %s "$T/big.tar" 2>/dev/null || echo 0)" -gt 100000000
n_layers=$(ls "$D/layers/sha256" | wc -l)

helper_pid() { ps -eo pid=,args= | awk -v d="$D" '$2 ~ /lite-image$/ && $3 == d && $4 == "load" { print $1; exit }'; }
lite load -i "$T/big.tar" >/dev/null 2>"$T/load.err" &
LOADER=$!
has_helper() { [ -n "$(helper_pid)" ]; }
if wait_for 30 has_helper && HP=$(helper_pid) && [ -n "$HP" ]; then
	kill -STOP "$HP" # held mid-load, so the test does not race the unpacking
	pass "lite-image runs the load (pid $HP)"
	stop_daemon KILL
	ok "lite-image is gone within a second of the daemon's death" wait_for 1 pid_dead "$HP"
	wait "$LOADER"
	like "$(cat "$T/load.err")" 'may have completed: check `lite images`' "the client says to check lite images"
	ok "the daemon restarts" start_daemon
	is "$(lite images --format '{{.Repository}}' 2>/dev/null | grep -c bigimg)" 0 "no image from the killed load"
	is "$(ls -A "$D/tmp" | grep -v '^pull-partial$')" "" "nothing left in tmp"
	is "$(ls "$D/layers/sha256" | wc -l)" "$n_layers" "no layer from the killed load"
	is "$(find "$D" -name '*.tmp.*' -not -path '*/upper/*' | wc -l)" 0 "no temporary file"
else
	fail "lite-image runs the load" "$(cat "$T/load.err")"
	wait "$LOADER"
fi

done_testing
