#!/bin/bash
# cgroups: limits land in the right files (v1 or v2), OOM is reported,
# cgroups are removed with the container.
source "$(dirname "$0")/lib.sh"

MODE=$(cgroup_mode)
diag "host cgroup mode: $MODE, parent: $CGP"

# cgfile CTL ID FILE : path of a container's cgroup file
cgfile() {
	if [ "$MODE" = v2 ]; then echo "/sys/fs/cgroup/$CGP/$2/$3"; else echo "/sys/fs/cgroup/$1/$CGP/$2/$3"; fi
}
readcg() { cat "$(cgfile "$@")" 2>&1; }

capture lite run -d --name c1 -m 100m --cpus 0.5 --pids-limit 20 testimg sleep 300
is_rc 0 "run -d with -m 100m --cpus 0.5 --pids-limit 20"
ID=$OUT
ok "c1 is running" wait_for 10 is_running c1

is "$(ifield c1 cgroup.mode)" "$MODE" "inspect cgroup.mode matches the host ($MODE)"
is "$(ifield c1 config.memory)" 104857600 "inspect config.memory = 104857600"
cpus=$(ifield c1 config.cpus)
is "$("$PY" -c 'import sys; print(float(sys.argv[1]))' "$cpus" 2>&1)" 0.5 "inspect config.cpus = 0.5 (got $cpus)"
is "$(ifield c1 config.pids_limit)" 20 "inspect config.pids_limit = 20"

if [ "$MODE" = v2 ]; then
	is "$(readcg memory "$ID" memory.max)" 104857600 "memory.max = 104857600"
	is "$(readcg cpu "$ID" cpu.max)" "50000 100000" "cpu.max = 50000 100000"
else
	is "$(readcg memory "$ID" memory.limit_in_bytes)" 104857600 "memory.limit_in_bytes = 104857600"
	is "$(readcg cpu "$ID" cpu.cfs_quota_us)" 50000 "cpu.cfs_quota_us = 50000"
	is "$(readcg cpu "$ID" cpu.cfs_period_us)" 100000 "cpu.cfs_period_us = 100000"
fi
is "$(readcg pids "$ID" pids.max)" 20 "pids.max = 20"

PID=$(ifield c1 state.pid)
if [ "$MODE" = v2 ]; then
	like "$(cat /proc/$PID/cgroup 2>&1)" "^0::/$CGP/$ID\$" "the container's process is in its cgroup"
else
	cgs=$(cat /proc/$PID/cgroup 2>&1)
	for ctl in memory cpu pids; do
		like "$cgs" "^[0-9]+:([a-z_,]*,)?$ctl(,[a-z_,]*)?:/$CGP/$ID\$" "the container's process is in its $ctl cgroup"
	done
fi

capture lite run -d --name c0 testimg sleep 300
ID0=$OUT
p0=$(readcg pids "$ID0" pids.max)
like "$p0" '^[0-9]+$' "without --pids-limit a default pids limit applies (pids.max = $p0)"
lite rm -f c0 >/dev/null 2>&1

capture lite run --pids-limit 20 testimg sh -c 'for i in $(seq 40); do sleep 2 & done; wait; echo all-forked'
unlike "$OUT" all-forked "--pids-limit 20 stops a fork loop of 40"
like "$ERR" '(fork|[Rr]esource|retry|can.t)' "...with a fork error on stderr"

# --- OOM
capture lite run --name oom1 -m 100m testimg lite-test-helper memhog 200
is_rc 137 "memhog 200 MB under -m 100m exits 137"
unlike "$OUT" 'allocated 200' "memhog did not complete its allocation"
is "$(ifield oom1 state.oom_killed)" true "inspect: oom_killed true"
is "$(ifield oom1 state.exit_code)" 137 "inspect: exit_code 137"

capture lite run --name oom2 -m 100m testimg sh -c 'lite-test-helper memhog 200; echo survived'
is_rc 0 "OOM-killed child, surviving PID 1: run exits 0"
is "$OUT" survived "PID 1 survives and prints"
is "$(ifield oom2 state.oom_killed)" true "inspect: oom_killed true though the init survived"

capture lite run --name nop -m 100m testimg lite-test-helper memhog 20
is_rc 0 "memhog 20 MB under -m 100m succeeds"
like "$OUT" 'allocated 20' "memhog reports its allocation"
is "$(ifield nop state.oom_killed)" false "no memory pressure: oom_killed false"

# --- removal
IDS="$ID $(ifield oom1 id) $(ifield oom2 id) $(ifield nop id)"
capture lite rm -f c1 oom1 oom2 nop
is_rc 0 "rm -f of four containers"
for id in $IDS; do
	ok "cgroup dirs of ${id:0:12} are gone" wait_for 5 cgroup_gone "$id"
done

done_testing
