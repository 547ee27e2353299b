#!/bin/bash
# The crash loop (issue 13): for every checkpoint in crash-points.list,
# a daemon started with LITE_CRASH_AT=NAME dies there (_exit 99) during
# the operation that reaches it; a plain daemon is started on the same
# state, and the invariants must hold:
#   - no mount under the test's dirs in the host's mount table;
#   - no cgroup, host veth, IPAM lease, nftables port rule or shim of a
#     container that does not run; no lite-image left running;
#   - no temporary file of an interrupted write, nothing in DATA_ROOT/tmp,
#     no container directory that ps -a does not list;
#   - the half-done object is complete or gone (listed and removable);
#   - the container that ran before every crash still runs;
#   - the image store is consistent: every tag names a stored config, every
#     config's layers are stored, and once dangling images are pruned no
#     layer is left that no image uses.
# A shim's points (shim.*) kill the shim, not the daemon: the daemon must
# notice, record the container's end and leave nothing; then it restarts.
# Needs a build configured with -Dcrash_points=true (scripts/test.sh's
# build-asan/); elsewhere it skips. docs/OPERATIONS.md "What the crash
# test covers".
# (checked before lib.sh, which starts a daemon and builds the test image)
if ! grep -q '^#define LITE_CRASH_POINTS 1' "${BUILDDIR:-.}/config.h" 2>/dev/null; then
	echo "1..0 # SKIP not built with -Dcrash_points=true"
	exit 0
fi
LIB_NETNS=1
source "$(dirname "$0")/lib.sh"

LIST="$SRCDIR/tests/integration/crash-points.list"

# --- the list and the source agree
src_names=$(grep -rhoE '(HELPER_)?CRASH_POINT\("[^"]+"\)' "$SRCDIR/daemon" "$SRCDIR/common" --include='*.c' |
	sed -E 's/^(HELPER_)?CRASH_POINT\("([^"]+)"\)/\1\2/' | sort -u)
list_names=$(grep -vE '^\s*(#|$)' "$LIST" | awk '{ print $1 }')
missing=
for s in $src_names; do
	case $s in
	HELPER_*) grep -qE "^[a-z-]+\\.${s#HELPER_}\$" <<<"$list_names" || missing="$missing $s" ;;
	*) grep -qxF "$s" <<<"$list_names" || missing="$missing $s" ;;
	esac
done
is "$missing" "" "every crash point in the source is in crash-points.list"
stale=
for n in $list_names; do
	grep -qxF "$n" <<<"$src_names" || grep -qxF "HELPER_${n#*.}" <<<"$src_names" || stale="$stale $n"
done
is "$stale" "" "every name in crash-points.list is in the source"

# --- fixtures: a container that must survive every crash, an image to load
lite run -d --name keeper -p 18400:80 testimg sleep 100000 >/dev/null
ok "keeper runs" wait_for 10 is_running keeper
KEEPER_PID=$(ifield keeper state.pid)
KEEPER_IP=$(ifield keeper network_settings.ip_address)
KEEPER_ID=$(ifield keeper id)
# host_links : the veths (lv*) of the test's network namespace
host_links() { in_ns ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep '^lv'; }
like "$(host_links)" "^lv${KEEPER_ID:0:9}" "the check sees the keeper's host veth (the right namespace)"
lite run --name base testimg sh -c 'mkdir /d; echo a > /d/a; echo b > /d/b; echo c > /d/c' >/dev/null
lite commit base crashimg >/dev/null
lite save -o "$T/crashimg.tar" crashimg >/dev/null
lite rm base >/dev/null
# a registry that serves crashimg, for the pull points: in the daemon's
# network namespace, where lite-image connects
REG=127.0.0.1:18399
REG_PID=
if command -v docker-registry >/dev/null; then
	mkdir -p "$T/reg"
	printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' \
		"$T/reg" "$REG" >"$T/reg.yml"
	in_ns docker-registry serve "$T/reg.yml" >"$T/reg.log" 2>&1 &
	REG_PID=$!
	ok "fixture: a registry in the test's network namespace" \
		wait_for 10 in_ns bash -c "exec 3<>/dev/tcp/${REG/:/\/}"
	lite tag crashimg "$REG/crash/img:1" >/dev/null
	ok "fixture: crashimg pushed to the registry" lite push "$REG/crash/img:1"
	lite rmi "$REG/crash/img:1" >/dev/null
else
	fail "fixture: docker-registry is installed (scripts/install-deps.sh --test)"
fi
lite rmi crashimg >/dev/null
ok "fixture: crashimg saved and removed" test -s "$T/crashimg.tar"
trap '_cr_rc=$?; [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null; (exit $_cr_rc); _cleanup' EXIT

# store_bad : what is inconsistent in the image store (tags, configs, layers)
store_bad() {
	"$PY" - "$D" "${1:-}" <<'PYEOF'
import json, os, sys
d, strict = sys.argv[1], sys.argv[2] == "strict"
bad = []
cfgs = {}
idir = os.path.join(d, "images/sha256")
for f in os.listdir(idir) if os.path.isdir(idir) else []:
    if f.endswith(".json") and len(f) == 69:
        try:
            cfgs["sha256:" + f[:64]] = json.load(open(os.path.join(idir, f)))["rootfs"]["diff_ids"]
        except Exception as e:
            bad.append("config %s unreadable: %s" % (f, e))
try:
    repos = json.load(open(os.path.join(d, "repositories.json")))
except FileNotFoundError:
    repos = {}
for k, v in repos.items():
    i = v if isinstance(v, str) else v.get("id")
    if i not in cfgs:
        bad.append("tag %s names a missing image %s" % (k, i))
ldir = os.path.join(d, "layers/sha256")
layers = set(f for f in os.listdir(ldir) if len(f) == 64) if os.path.isdir(ldir) else set()
used = set()
for i, ids in cfgs.items():
    for l in ids:
        used.add(l[7:])
        if l[7:] not in layers:
            bad.append("image %s lacks layer %s" % (i, l))
if strict:
    for l in layers - used:
        bad.append("layer %s used by no image" % l)
print("; ".join(bad))
PYEOF
}

# running_ids / all_ids : full ids of running / all containers (ps -q
# prints short ones; their directories have the full ids)
full_ids() { local s; for s in $(lite ps -q "$@" 2>/dev/null); do ls "$D/containers" | grep "^$s"; done; }
running_ids() { full_ids; }
all_ids() { full_ids -a; }

# wait_daemon_dead SECS : the crashing daemon exited; sets DAEMON_RC
wait_daemon_dead() {
	local end=$(( $(now_ms) + $1 * 1000 ))
	while kill -0 "$DAEMON_PID" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$DAEMON_PID/status" 2>/dev/null; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_RC=$?
	DAEMON_PID=
}

# invariants NAME OBJ_KIND OBJ : the checks after each crash and restart
invariants() {
	local name=$1 kind=$2 obj=$3 bad= run ids id d x ports
	run=$(running_ids)
	# mounts
	x=$(grep -F " $T" /proc/self/mountinfo)
	[ -n "$x" ] && bad="$bad; mounts: $x"
	# cgroups of containers that do not run
	for d in /sys/fs/cgroup/*/"$CGP"/* /sys/fs/cgroup/"$CGP"/*; do
		[ -d "$d" ] || continue
		id=${d##*/}
		[[ $id =~ ^[0-9a-f]{64}$ ]] && ! grep -qxF "$id" <<<"$run" && bad="$bad; cgroup $d"
	done
	# host veths
	for x in $(host_links); do
		grep -q "^${x:2:9}" <<<"$run" || bad="$bad; veth $x"
	done
	# leases: owners run, no address twice
	for x in "$D"/networks/*/leases; do
		[ -f "$x" ] || continue
		while read -r ip owner; do
			grep -qxF "$owner" <<<"$run" || bad="$bad; lease $ip $owner"
		done <"$x"
		[ -z "$(awk '{ print $1 }' "$x" | sort | uniq -d)" ] || bad="$bad; an address leased twice in $x"
	done
	# nftables: the crashed run's port only while it runs
	if [ "$kind" = ctr ] && ! is_running "$obj" && in_ns nft list ruleset 2>/dev/null | grep -qw "$PORT"; then
		bad="$bad; nft rule for port $PORT of $obj"
	fi
	# shims and helpers (one ps: a loop over /proc forks per process)
	x=$(ps -eo args=)
	ids=$(grep -oE "lite-shim $E/[0-9a-f]{64}" <<<"$x" | sed 's|.*/||')
	for id in $ids; do grep -qxF "$id" <<<"$run" || bad="$bad; shim of $id"; done
	grep -q "lite-image $D" <<<"$x" && bad="$bad; lite-image still runs"
	x=$(store_bad)
	[ -n "$x" ] && bad="$bad; image store: $x"
	# half-written files, staging, stateless dirs
	x=$(find "$D" "$E" -name '*.tmp.*' -not -path '*/upper/*' -not -path '*/_data/*' 2>/dev/null)
	[ -n "$x" ] && bad="$bad; temp files: $x"
	# (tmp/pull-partial: blobs a pull resumes, checked by settle)
	[ -z "$(ls -A "$D/tmp" 2>/dev/null | grep -vx pull-partial)" ] || bad="$bad; tmp not empty: $(ls "$D/tmp")"
	ids=$(all_ids)
	for d in "$D"/containers/*; do
		[ -d "$d" ] && ! grep -qxF "${d##*/}" <<<"$ids" && bad="$bad; unlisted container dir ${d##*/}"
	done
	# the keeper
	[ "$(ifield keeper state.pid)" = "$KEEPER_PID" ] && pid_alive "$KEEPER_PID" || bad="$bad; keeper does not run"
	[ "$(ifield keeper network_settings.ip_address)" = "$KEEPER_IP" ] || bad="$bad; keeper's address changed"
	if [ -z "$bad" ]; then pass "$name: invariants hold"; else fail "$name: invariants" "${bad#; }"; fi
}

# settle KIND OBJ : the half-done object is complete or gone; then removed
settle() {
	local kind=$1 obj=$2 rc=0
	case $kind in
	ctr)
		if lite inspect "$obj" >/dev/null 2>&1; then
			[ "$(ps_state "$obj")" != "" ] || rc=1
			# running: its command runs (init was released)
			if is_running "$obj"; then
				tr '\0' ' ' <"/proc/$(ifield "$obj" state.pid)/cmdline" 2>/dev/null | grep -q '^sleep ' || rc=1
			fi
			lite rm -f "$obj" >/dev/null 2>&1 || rc=1
		fi
		is_gone "$obj" || rc=1 ;;
	volume)
		if lite volume inspect "$obj" >/dev/null 2>&1; then
			# complete: all its files
			[ "$(lite run --rm -v "$obj:/data" testimg sh -c 'ls /data | wc -l')" = 8 ] ||
				[ "$(lite run --rm -v "$obj:/data" testimg sh -c 'ls /data | wc -l')" = 0 ] || rc=1
			lite volume rm "$obj" >/dev/null 2>&1 || rc=1
		fi ;;
	network)
		if lite network inspect "$obj" >/dev/null 2>&1; then lite network rm "$obj" >/dev/null 2>&1 || rc=1; fi ;;
	image)
		if lite image inspect "$obj" >/dev/null 2>&1; then
			# complete: it runs
			lite run --rm "$obj" true >/dev/null 2>&1 || rc=1
			lite rmi "$obj" >/dev/null 2>&1 || rc=1
		fi
		# a crashed pull: the next one completes, resuming what it left
		if [ "$obj" = "$REG/crash/img:1" ]; then
			lite pull "$obj" >/dev/null 2>&1 || rc=1
			[ -z "$(ls -A "$D/tmp/pull-partial" 2>/dev/null)" ] || { diag "pull-partial: $(ls "$D/tmp/pull-partial")"; rc=1; }
			lite run --rm "$obj" true >/dev/null 2>&1 || rc=1
			lite rmi "$obj" >/dev/null 2>&1 || rc=1
		fi
		# an image left untagged by a crashed rmi is complete and pruned like
		# any dangling one; then no layer is left that no image uses
		lite rmi crashimg >/dev/null 2>&1
		lite image prune -f >/dev/null 2>&1 || rc=1
		[ -z "$(store_bad strict)" ] || { diag "store: $(store_bad strict)"; rc=1; } ;;
	esac
	return $rc
}

# op OPERATION N : do it (the daemon dies on the way); prints KIND OBJ
op() {
	local o=$1 n=$2
	case $o in
	run) lite run -d --name "c$n" -v "vol$n:/data" -p "$PORT:80" testimg sleep 100000; echo "ctr c$n" >"$T/obj" ;;
	exit) lite run -d --name "c$n" testimg sleep 0.3; echo "ctr c$n" >"$T/obj" ;;
	rm)
		lite run -d --name "c$n" -p "$PORT:80" testimg sleep 100000 >/dev/null
		wait_for 10 is_running "c$n"
		lite rm -f "c$n"; echo "ctr c$n" >"$T/obj" ;;
	create) lite create --name "c$n" testimg true; echo "ctr c$n" >"$T/obj" ;;
	volume) lite volume create "v$n"; echo "volume v$n" >"$T/obj" ;;
	volrm)
		lite run --rm -v "v$n:/data" testimg sh -c 'for i in 1 2 3 4 5 6 7 8; do echo $i > /data/f$i; done' >/dev/null
		lite volume rm "v$n"; echo "volume v$n" >"$T/obj" ;;
	network) lite network create "n$n"; echo "network n$n" >"$T/obj" ;;
	netrun)
		lite network create "n$n" >/dev/null
		lite run -d --name "c$n" --net "n$n" testimg sleep 100000; echo "ctr c$n" >"$T/obj" ;;
	netrm)
		lite network create "n$n" >/dev/null
		lite network rm "n$n"; echo "network n$n" >"$T/obj" ;;
	import) lite import "$T/img.tar" "imp$n"; echo "image imp$n" >"$T/obj" ;;
	load) lite load -i "$T/crashimg.tar"; echo "image crashimg" >"$T/obj" ;;
	commit)
		lite run --name "s$n" testimg sh -c "echo $n > /a; echo > /b; echo > /c" >/dev/null
		lite commit "s$n" "cimg$n"; echo "image cimg$n" >"$T/obj" ;;
	pull) lite pull "$REG/crash/img:1"; echo "image $REG/crash/img:1" >"$T/obj" ;;
	save)
		lite load -i "$T/crashimg.tar" >/dev/null
		lite save -o "$T/s$n.tar" crashimg; echo "image crashimg" >"$T/obj" ;;
	tag)
		lite load -i "$T/crashimg.tar" >/dev/null
		lite tag crashimg "ctag$n"; echo "image ctag$n" >"$T/obj" ;;
	rmi)
		lite load -i "$T/crashimg.tar" >/dev/null
		lite rmi crashimg; echo "image crashimg" >"$T/obj" ;;
	update)
		lite run -d --name "c$n" -m 64m testimg sleep 100000 >/dev/null
		wait_for 10 is_running "c$n"
		lite update -m 96m "c$n"; echo "ctr c$n" >"$T/obj" ;;
	netconn | netdisc)
		lite network create "n$n" >/dev/null
		lite run -d --name "c$n" testimg sleep 100000 >/dev/null
		wait_for 10 is_running "c$n"
		[ "$o" = netdisc ] && lite network connect "n$n" "c$n" >/dev/null
		if [ "$o" = netconn ]; then lite network connect "n$n" "c$n"; else lite network disconnect "n$n" "c$n"; fi
		echo "ctr c$n" >"$T/obj" ;;
	shim-start) lite run -d --name "c$n" -p "$PORT:80" testimg sleep 100000; echo "ctr c$n" >"$T/obj" ;;
	shim-exit) lite run -d --name "c$n" testimg sleep 0.3; echo "ctr c$n" >"$T/obj" ;;
	esac
}

# net_checks NAME N : after a crashed connect or disconnect of cN to nN,
# the record and the host agree (connected with link and lease, or
# neither), and connect then disconnect work
net_checks() {
	local name=$1 n=$2 id nid links lease bad=
	id=$(ifield "c$n" id)
	nid=$(lite network inspect -f '{{.id}}' "n$n")
	links=$(host_links | grep -c "^lv${id:0:9}${nid:0:4}")
	lease=$(cat "$D/networks/$nid/leases" 2>/dev/null | grep -c " $id\$")
	if lite inspect "c$n" | grep -q ""n$n""; then
		[ "$links/$lease" = 1/1 ] || bad="connected, but link/lease $links/$lease"
	else
		[ "$links/$lease" = 0/0 ] || bad="not connected, but link/lease $links/$lease"
	fi
	is "$bad" "" "$name: c$n's record of n$n and the host agree"
	lite network connect "n$n" "c$n" >/dev/null 2>&1
	ok "$name: disconnect works" lite network disconnect "n$n" "c$n"
	ok "$name: connect works" lite network connect "n$n" "c$n"
	lite network disconnect "n$n" "c$n" >/dev/null 2>&1
}

# shim_checks NAME OPERATION N : after a shim's crash, with the daemon up
shim_checks() {
	local name=$1 o=$2 n=$3
	case $o in
	shim-start)
		like "$(cat "$T/op.err")" 'shim died during start-up' "$name: run fails naming the shim's death"
		ok "$name: the container is gone or not running" ps_lists_none --filter "name=c$n"
		;;
	shim-exit)
		ok "$name: the daemon records the end" wait_for 15 is_exited "c$n"
		is "$(ifield "c$n" state.exit_code)" 255 "$name: exit code 255 (unknown: the shim died before recording it)"
		like "$(ifield "c$n" state.error)" 'shim died' "$name: State.Error says the shim died"
		;;
	esac
}

N=0
while read -r name operation; do
	case $name in '#'* | '') continue ;; esac
	[ -n "${ONLY:-}" ] && ! [[ $name =~ ^($ONLY)$ ]] && continue # ONLY: a regex of names
	N=$((N + 1))
	t0=$(now_ms)
	PORT=$((18410 + N))
	stop_daemon TERM
	LITE_CRASH_AT=$name start_daemon || { fail "$name: the crashing daemon starts"; continue; }
	op "$operation" "$N" >/dev/null 2>"$T/op.err"
	case $operation in
	shim-*)
		# the shim died, the daemon lives: it records the end, then restarts
		shim_checks "$name" "$operation" "$N"
		stop_daemon TERM
		start_daemon || { fail "$name: the daemon restarts"; continue; }
		read -r kind obj <"$T/obj"
		invariants "$name" "$kind" "$obj"
		settle "$kind" "$obj" || fail "$name: $kind $obj is complete (listed and removable) or gone"
		diag "$name: $(( $(now_ms) - t0 )) ms"
		continue ;;
	esac
	if ! wait_daemon_dead 15; then
		fail "$name: the daemon died at the checkpoint" "$(cat "$T/op.err")"
		continue
	fi
	# a helper's checkpoint SIGKILLs the daemon (crash-point.h)
	case "$DAEMON_RC:$operation" in
	99:* | 137:import | 137:load | 137:commit | 137:pull | 137:save | 137:tag | 137:rmi) ;;
	*) fail "$name: the daemon exited 99 at the checkpoint (rc $DAEMON_RC)" "$(cat "$T/op.err")"; continue ;;
	esac
	start_daemon || { fail "$name: the daemon restarts"; continue; }
	case $operation in
	load | commit) like "$(cat "$T/op.err")" 'may have completed: check `lite images`' "$name: the client says to check lite images" ;;
	save) ok "$name: the client removed its partial output" test ! -e "$T/s$N.tar" ;;
	netconn | netdisc) net_checks "$name" "$N" ;;
	update)
		id=$(ifield "c$N" id)
		lim=$(cat /sys/fs/cgroup/memory/"$CGP"/"$id"/memory.limit_in_bytes /sys/fs/cgroup/"$CGP"/"$id"/memory.max 2>/dev/null)
		like "$lim" '^[0-9]+$' "$name: the memory limit is readable"
		is "$lim" "$(ifield "c$N" config.memory)" "$name: the cgroup's memory limit is the recorded one" ;;
	esac
	read -r kind obj <"$T/obj"
	invariants "$name" "$kind" "$obj"
	settle "$kind" "$obj" || fail "$name: $kind $obj is complete (listed and removable) or gone"
	# the commit's source container
	lite rm -f "s$N" >/dev/null 2>&1
	lite volume rm "vol$N" >/dev/null 2>&1
	lite network rm "n$N" >/dev/null 2>&1
	diag "$name: $(( $(now_ms) - t0 )) ms"
done <"$LIST"

# --- a lost reply: the client says the request may have completed
stop_daemon TERM
LITE_CRASH_AT=run.after-start start_daemon
capture lite run -d --name lost testimg sleep 100000
wait_daemon_dead 10
like "$ERR" 'may have completed' "a lost run reply: the client says the request may have completed"
like "$ERR" 'lite ps -a' "a lost run reply: the client names the check (lite ps -a)"
isnt "$RC" 0 "a lost run reply: non-zero exit"
start_daemon
is "$(ps_state lost)" running "the run whose reply was lost: the container runs (adopted, init released)"
lite rm -f lost >/dev/null 2>&1

# --- a second restart finds nothing left to reconcile (each leftover logged once)
stop_daemon TERM
mark=$(wc -l <"$DAEMON_LOG")
start_daemon
x=$(tail -n +"$((mark + 1))" "$DAEMON_LOG" | grep -E 'removed (container|network|volume) directory|orphan shim|temporary file|skip (container|network)')
is "$x" "" "a second restart reconciles nothing"
invariants "final" none none

done_testing
