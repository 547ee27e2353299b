#!/bin/bash
# Events the daemon does not see itself (issue 13): exec_die of an exec
# whose stream lite takes from the shim (pass_fd), of exec -d, of an exec
# cut short by its container's end and of one that ended while the daemon
# was down (the shim's notes, daemon/engine/ctr-notes.c); detach when an
# attach session ends; and the other Docker container actions: update,
# resize, top, commit, export, archive-path, extract-to-dir, volume
# mount/unmount. docs/OPERATIONS.md "Events".
source "$(dirname "$0")/lib.sh"

now() { date +%s.%N; }
# acts SINCE NAME : the Actions of NAME's container events since SINCE, comma-separated
acts() { lite events --since "$1" --until "$(now)" --filter container="$2" --format '{{.Action}}' | tr '\n' ','; }
# exec_dies SINCE NAME : "execID:exitCode" of each exec_die
exec_dies() {
	lite events --since "$1" --until "$(now)" --filter container="$2" --filter event=exec_die \
		--format '{{.Actor.Attributes.execID}}:{{.Actor.Attributes.exitCode}}' | tr '\n' ','
}
# n_exec_die SINCE NAME CODE : exactly one exec_die with CODE... counts them
n_code() { exec_dies "$1" "$2" | tr ',' '\n' | grep -c ":$3\$"; }
has_code() { [ "$(n_code "$@")" -ge 1 ]; }

lite run -d --name ee1 -v ee-vol:/data testimg sleep 300 >/dev/null
ok "ee1 runs" wait_for 10 is_running ee1

# --- lite exec: the client talks to the shim (pass_fd); the shim's note gives exec_die
t0=$(now)
capture lite exec ee1 sh -c 'exit 3'
is "$RC" 3 "lite exec exits with the command's code"
ok "exec through the shim's socket: exec_die with exitCode 3" wait_for 10 has_code "$t0" ee1 3
like "$(acts "$t0" ee1)" '^exec_create: sh -c exit 3,exec_start: sh -c exit 3,exec_die,$' \
	"exec_create, exec_start, exec_die in order"
sleep 0.3
is "$(n_code "$t0" ee1 3)" 1 "one exec_die per exec"
xid=$(lite events --since "$t0" --until "$(now)" --filter container=ee1 --filter event=exec_die --format '{{.Actor.Attributes.execID}}')
like "$xid" '^[0-9a-f]{64}$' "exec_die names the execID"
is "$(printf '{"id":1,"method":"exec_inspect","params":{"id":"%s"}}\n' "$xid" | rawreq | jget result.exit_code)" 3 \
	"exec_inspect knows the passed exec's exit code"
ok "the note was taken (notes/ is empty)" test -z "$(ls -A "$E"/*/notes 2>/dev/null)"

# --- exec -d: no stream at all
t1=$(now)
lite exec -d ee1 sh -c 'sleep 0.3; exit 5' >/dev/null
ok "exec -d: exec_die with exitCode 5" wait_for 10 has_code "$t1" ee1 5

# --- an exec that ends while the daemon is down: its note waits
t2=$(now)
lite exec -d ee1 sh -c 'sleep 1; exit 6' >/dev/null
stop_daemon KILL
sleep 1.5
start_daemon || bail_out "daemon restart failed"
ok "an exec that ended while the daemon was down: exec_die after the restart" wait_for 10 has_code "$t2" ee1 6

# --- an exec cut short by the container's end: exec_die before die
t3=$(now)
lite exec -d ee1 sleep 300 >/dev/null
sleep 0.5
lite stop -t 1 ee1 >/dev/null
ok "ee1 stopped" wait_for 10 is_exited ee1
like "$(acts "$t3" ee1)" 'exec_die,(volume )?.*die,' "the exec's exec_die comes before the container's die"
like "$(acts "$t3" ee1)" '^exec_create: sleep 300,exec_start: sleep 300,kill,kill,exec_die,die,stop,$' \
	"exec_create, exec_start, kill (TERM, KILL), exec_die, die, stop"

# --- volume mount and unmount
capture lite events --since "$t3" --until "$(now)" --filter type=volume --format '{{.Action}} {{.Actor.ID}}'
is "$OUT" "unmount ee-vol" "volume unmount after the container died"
t4=$(now)
lite start ee1 >/dev/null
capture lite events --since "$t4" --until "$(now)" --filter type=volume --format '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.destination}}'
is "$OUT" "mount ee-vol /data" "volume mount as it starts"
ok "ee1 runs again" wait_for 10 is_running ee1

# --- attach, then detach when the session ends while the container runs
t5=$(now)
"$LITE" attach --no-stdin --sig-proxy=false ee1 >/dev/null 2>&1 </dev/null &
AP=$!
ok "attach arrives" wait_for 10 sh -c "\"$LITE\" events --since $t5 --until \$(date +%s.%N) --filter event=attach --filter container=ee1 | grep -q attach"
kill -KILL "$AP"; wait "$AP" 2>/dev/null
has_detach() { [[ $(acts "$t5" ee1) == *detach* ]]; }
ok "the attach session's end while ee1 runs: detach" wait_for 10 has_detach
like "$(acts "$t5" ee1)" '^attach,detach,$' "attach, detach"
# an attach that ends with the container is not a detach
lite run -d --name ee2 testimg sh -c 'sleep 1' >/dev/null
t6=$(now)
lite attach ee2 >/dev/null 2>&1
sleep 0.3
like "$(acts "$t6" ee2)" '^attach,die,$' "an attach session ended by the container's exit: no detach"

# --- update, resize, top, commit, export, cp both ways
t7=$(now)
lite update --memory 64m ee1 >/dev/null
printf '{"id":1,"method":"resize","params":{"id":"ee1","rows":30,"cols":100}}\n' | rawreq >/dev/null
lite top ee1 >/dev/null
lite commit ee1 ee-img:1 >/dev/null
lite export -o "$T/ee1.tar" ee1
echo hi >"$T/f"
lite cp "$T/f" ee1:/tmp/f
lite cp ee1:/tmp/f "$T/g"
like "$(acts "$t7" ee1)" '^update,resize,top,commit,export,extract-to-dir,archive-path,$' \
	"update, resize, top, commit, export, extract-to-dir (cp in), archive-path (cp out)"
ev() { lite events --since "$t7" --until "$(now)" --filter container=ee1 --filter "event=$1" --format "$2"; }
is "$(ev resize '{{.Actor.Attributes.height}}x{{.Actor.Attributes.width}}')" 30x100 "resize: height and width"
like "$(ev commit '{{.Actor.Attributes.imageID}} {{.Actor.Attributes.imageRef}}')" '^sha256:[0-9a-f]{64} ee-img:1$|^[0-9a-f]{64} ee-img:1$' \
	"commit: imageID and imageRef"
is "$(ev archive-path '{{.Actor.Attributes.path}}')" /tmp/f "archive-path: the path"
lite rmi ee-img:1 >/dev/null

lite rm -f ee1 ee2 >/dev/null
lite volume rm ee-vol >/dev/null

# --- a shim killed while its container runs (docs/OPERATIONS.md "A shim
# that dies"): the end is recorded as 255, nothing of it is left
lite run -d --name ee3 testimg sleep 300 >/dev/null
ok "ee3 runs" wait_for 10 is_running ee3
id=$(ifield ee3 id)
ipid=$(ifield ee3 state.pid)
shim=$(pgrep -f "lite-shim $E/$id/config.json" | head -n 1)
like "$shim" '^[0-9]+$' "ee3's shim found"
t8=$(now)
kill -KILL "$shim"
ok "the daemon records the end" wait_for 15 is_exited ee3
is "$(ifield ee3 state.exit_code)" 255 "exit code 255: unknown"
like "$(ifield ee3 state.error)" "shim died" "State.Error says the shim died"
ok "its init is killed with the cgroup" wait_for 10 pid_dead "$ipid"
ok "its cgroups are gone" cgroup_gone "$id"
not_ok "its address lease is freed" grep -qs " $id\$" "$D"/networks/*/leases
is "$(lite events --since "$t8" --until "$(now)" --filter container=ee3 --filter event=die --format '{{.Actor.Attributes.exitCode}}')" \
	255 "die with exitCode 255"
ok "it can be removed" lite rm ee3
done_testing
