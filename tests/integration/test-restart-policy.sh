#!/bin/bash
# Restart policies (issue 13): --restart no|on-failure[:N]|always|
# unless-stopped on run/create/update, Docker's rules (a stop by a user
# ends "always" until the daemon starts again; "unless-stopped" stays
# stopped), RestartCount in inspect, on-failure:N giving up, and the
# containers a policy brings back after a reboot (simulated: daemon
# stopped, shims and containers killed, mounts and cgroups gone).
source "$(dirname "$0")/lib.sh"

rcount() { ifield "$1" restart_count; }
count_at_least() { [ "$(rcount "$1")" -ge "$2" ] 2>/dev/null; }

# --- flags: one-line errors naming --restart, exit 125, nothing created
capture lite run -d --restart sometimes --name rp-bad testimg true
is "$RC" 125 "run --restart sometimes exits 125"
like "$ERR" 'invalid --restart "sometimes"' "the error names --restart"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "one line"
capture lite run -d --restart always:3 testimg true
is "$RC" 125 "always:3 is refused (a count only with on-failure)"
capture lite run -d --rm --restart always testimg true
is "$RC" 125 "--rm with --restart is refused"
like "$ERR" 'conflicting options: --restart and --rm' "like Docker's message"
ok "nothing was created" is_gone rp-bad

# --- no (the default): stays exited
lite run -d --name rp-no testimg sh -c 'exit 3' >/dev/null
ok "no: exits" wait_for 10 is_exited rp-no
is "$(ifield rp-no restart_policy.name)" no "inspect: restart_policy.name no"

# --- on-failure:2 gives up after two restarts
lite run -d --name rp-of --restart on-failure:2 testimg sh -c 'exit 7' >/dev/null
ok "on-failure:2 restarts twice" wait_for 20 count_at_least rp-of 2
sleep 1.5 # the third back-off (400 ms) would have fired by now
ok "then stays exited" is_exited rp-of
is "$(rcount rp-of)" 2 "RestartCount is 2"
is "$(ifield rp-of restart_policy.name)/$(ifield rp-of restart_policy.maximum_retry_count)" on-failure/2 \
	"inspect: restart_policy on-failure, maximum_retry_count 2"
is "$(ifield rp-of state.exit_code)" 7 "exit code kept"

# --- on-failure: a success ends it
lite run -d --name rp-ok --restart on-failure testimg true >/dev/null
ok "on-failure: exit 0 is not restarted" wait_for 10 is_exited rp-ok
sleep 0.5
is "$(rcount rp-ok)" 0 "RestartCount 0"

# --- always: restarts after exit 0; a user's stop ends it
lite run -d --name rp-al --restart always testimg sh -c 'sleep 0.2' >/dev/null
ok "always: restarts after a clean exit" wait_for 20 count_at_least rp-al 2
ok "stop exits 0" lite stop -t 1 rp-al
sleep 1
ok "stopped by the user: stays exited" is_exited rp-al
c1=$(rcount rp-al); sleep 1
is "$(rcount rp-al)" "$c1" "no more restarts after stop"

# --- unless-stopped: restarts; a user's stop sticks
lite run -d --name rp-us --restart unless-stopped testimg sleep 300 >/dev/null
ok "unless-stopped runs" wait_for 10 is_running rp-us
pid=$(ifield rp-us state.pid)
kill -KILL "$pid"
ok "a crash is restarted" wait_for 10 count_at_least rp-us 1
ok "and runs again" wait_for 10 is_running rp-us
lite stop -t 1 rp-us >/dev/null
ok "stopped by the user" wait_for 10 is_exited rp-us

# --- update --restart and create --restart
lite create --name rp-cr --restart on-failure:1 testimg sh -c 'exit 1' >/dev/null
is "$(ifield rp-cr restart_policy.name)" on-failure "create --restart kept"
lite run -d --name rp-up testimg sleep 300 >/dev/null
ok "update --restart always" lite update --restart always rp-up
is "$(ifield rp-up restart_policy.name)" always "update changed the policy"
capture lite update --restart bogus rp-up
isnt "$RC" 0 "update --restart bogus fails"
like "$ERR" 'invalid --restart "bogus"' "naming the flag"

# --- a daemon restart: always comes back though stopped; unless-stopped not
lite run -d --name rp-al2 --restart always testimg sleep 300 >/dev/null
ok "rp-al2 runs" wait_for 10 is_running rp-al2
stop_daemon TERM
start_daemon || bail_out "daemon restart failed"
ok "always, stopped by the user, runs again after the daemon starts" wait_for 10 is_running rp-al
ok "unless-stopped, stopped by the user, stays stopped" is_exited rp-us
ok "on-failure that gave up stays exited" is_exited rp-of
ok "a running always container is still running (live restore)" is_running rp-al2
old=$(ifield rp-al2 state.pid)

# --- reboot: daemon down, every container and shim killed, mounts and
# cgroups gone; then the daemon starts
lite run -d --name rp-us2 --restart unless-stopped testimg sleep 300 >/dev/null
lite run -d --name rp-no2 testimg sleep 300 >/dev/null
ok "rp-us2 runs" wait_for 10 is_running rp-us2
stop_daemon TERM
for p in /proc/[0-9]*; do
	p=${p#/proc/}
	if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q "lite-shim.*$E"; then kill -KILL "$p"; fi
done
for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
	[ -d "$d" ] || continue
	find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null
done
sleep 0.5
awk -v t="$T" '{ if (index($5, t "/") == 1) print length($5) "\t" $5 }' /proc/self/mountinfo | sort -rn | cut -f2- |
	while IFS= read -r m; do umount -l "$m" 2>/dev/null; done
for i in $(seq 20); do
	for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
		[ -d "$d" ] && find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	sleep 0.1
done
ok "after the 'reboot' the old init is gone" pid_dead "$old"
start_daemon || bail_out "daemon start after the reboot failed"
ok "always comes back" wait_for 15 is_running rp-al2
ok "unless-stopped (not stopped) comes back" wait_for 15 is_running rp-us2
ok "always, running before, comes back" wait_for 15 is_running rp-al
ok "no policy: stays exited" wait_for 10 is_exited rp-no2
ok "unless-stopped, stopped by the user, stays stopped" is_exited rp-us
isnt "$(ifield rp-al2 state.pid)" "$old" "a new init"
ok "RestartCount counts the reboot's restart" count_at_least rp-al2 1
like "$(lite exec rp-al2 echo alive 2>&1)" '^alive$' "the restarted container works (exec)"

# --- rm -f of a restarting container: gone, not restarted
lite run -d --name rp-rm --restart always testimg sh -c 'exit 1' >/dev/null
ok "rp-rm restarts" wait_for 10 count_at_least rp-rm 1
ps_restarting() { lite ps -a --filter name=rp-rm | grep -q 'Restarting (1)'; }
ok "ps shows Restarting (1) during the back-off" wait_for 15 ps_restarting
ok "inspect: State.Restarting during the back-off" wait_for 15 sh -c "$LITE inspect -f '{{.State.Restarting}}' rp-rm | grep -qx true"
ok "rm -f" lite rm -f rp-rm
sleep 0.5
ok "gone for good" is_gone rp-rm

done_testing
