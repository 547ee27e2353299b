#!/bin/bash
# `lite run` flags: each does what Docker's does, checked from inside the
# container (volumes, process settings, resources); each bad value is
# refused with exit 125 and a one-line error naming the flag, and creates
# nothing (no container, no volume).
source "$(dirname "$0")/lib.sh"

MODE=$(cgroup_mode)
diag "host cgroup mode: $MODE, parent: $CGP"

# cgfile CTL ID FILE : path of a container's cgroup file
cgfile() {
	if [ "$MODE" = v2 ]; then echo "/sys/fs/cgroup/$CGP/$2/$3"; else echo "/sys/fs/cgroup/$1/$CGP/$2/$3"; fi
}
readcg() { cat "$(cgfile "$@")" 2>&1; }

ctrs() { lite ps -aq 2>&1 | sort | tr '\n' ' '; }
vols() { lite volume ls -q 2>&1 | sort | tr '\n' ' '; }
has_vol() { lite volume ls -q 2>/dev/null | grep -qx -- "$1"; }
no_vol() { ! has_vol "$1"; }
# new_vols BEFORE : volumes listed now that were not in BEFORE (space list)
new_vols() {
	local v
	for v in $(lite volume ls -q 2>/dev/null); do
		case " $1 " in *" $v "*) ;; *) echo "$v" ;; esac
	done
}
# mnt_opts PATH / mnt_fstype PATH : awk programs run inside the container
mnt_opts() { echo "awk '\$5==\"$1\"{print \$6}' /proc/self/mountinfo | tail -n 1"; }
mnt_fstype() { echo "awk '\$5==\"$1\"{for(i=7;i<=NF;i++)if(\$i==\"-\"){print \$(i+1);break}}' /proc/self/mountinfo | tail -n 1"; }
df_k() { echo "df -Pk $1 | tail -n 1 | awk '{print \$2}'"; }

# refused DESC FLAG-ERE ARGS... : `lite run ARGS...` exits 125 with one
# stderr line matching FLAG-ERE, and creates no container and no volume
refused() {
	local d=$1 re=$2 c0 v0 n
	shift 2
	c0=$(ctrs); v0=$(vols)
	capture lite run "$@"
	is_rc 125 "$d: exit 125"
	n=$(printf '%s' "$ERR" | grep -c '')
	if [ "$n" = 1 ] && printf '%s\n' "$ERR" | grep -Eq -- "$re"; then
		pass "$d: one-line error naming the flag"
	else
		fail "$d: one-line error naming the flag" "expected one line matching /$re/" "got ($n lines): '$ERR'"
	fi
	is "$(ctrs)|$(vols)" "$c0|$v0" "$d: no container or volume created"
}

# =================================================================== bad values
FM='(-m|--memory)([^-a-z]|$)'
FV='(-v|--volume)([^-a-z]|$)'
FE='(-e|--env)([^-a-z]|$)'
FW='(-w|--workdir)([^-a-z]|$)'
refused "-m 10x" "$FM" -m 10x testimg true
refused "-m 1k (below 6MB)" "$FM" -m 1k testimg true
refused "--memory-swap smaller than -m" '--memory-swap' -m 100m --memory-swap 50m testimg true
refused "--cpus 0" '--cpus' --cpus 0 testimg true
refused "--cpus abc" '--cpus' --cpus abc testimg true
refused "--cpus 99" '--cpus' --cpus 99 testimg true
refused "--cpu-shares 1" '--cpu-shares' --cpu-shares 1 testimg true
refused "--pids-limit 0" '--pids-limit' --pids-limit 0 testimg true
refused "--pids-limit abc" '--pids-limit' --pids-limit abc testimg true
refused "--shm-size 0" '--shm-size' --shm-size 0 testimg true
refused "--ulimit bogus=1" '--ulimit' --ulimit bogus=1 testimg true
refused "--ulimit nofile=5:2 (soft > hard)" '--ulimit' --ulimit nofile=5:2 testimg true
refused "--ulimit nofile=1:99999999 (above the engine's hard limit $(ulimit -Hn))" '--ulimit' --ulimit nofile=1:99999999 testimg true
refused "--oom-score-adj 2000" '--oom-score-adj' --oom-score-adj 2000 testimg true
refused "--cpuset-cpus a-b" '--cpuset-cpus' --cpuset-cpus a-b testimg true
refused "--blkio-weight 5" '--blkio-weight' --blkio-weight 5 testimg true
refused "--device-read-bps /etc/passwd:1m" '--device-read-bps' --device-read-bps /etc/passwd:1m testimg true
refused "-v ./rel:/x" "$FV" -v ./rel:/x testimg true
refused "-v HOSTDIR:relative" "$FV" -v "$T/newhost-a:relative" testimg true
ok "-v HOSTDIR:relative did not create the host dir" test ! -e "$T/newhost-a"
refused "-v HOSTDIR:/b:xx" "$FV" -v "$T/newhost-b:/b:xx" testimg true
ok "-v HOSTDIR:/b:xx did not create the host dir" test ! -e "$T/newhost-b"
refused "--mount type=foo" '--mount' --mount type=foo,target=/x testimg true
refused "--mount type=bind,target=/x (no source)" '--mount' --mount type=bind,target=/x testimg true
refused "--tmpfs relative" '--tmpfs' --tmpfs relative testimg true
refused "--tmpfs /x:size=abc" '--tmpfs' --tmpfs /x:size=abc testimg true
refused "--env-file /nonexistent" '--env-file' --env-file /nonexistent testimg true
refused "-e =x" "$FE" -e =x testimg true
refused "--name 'bad name'" '--name' --name 'bad name' testimg true
refused "--hostname 'bad host'" '--hostname' --hostname 'bad host' testimg true
refused "-w relative" "$FW" -w relative testimg true
refused "--stop-signal FOO" '--stop-signal' --stop-signal FOO testimg true
refused "-u nosuchuser" 'unable to find user' -u nosuchuser testimg true

capture lite run --rm --entrypoint /no/such/binary testimg
is_rc 127 "--entrypoint with a nonexistent binary exits 127 (not 125)"

capture lite run --name dup testimg true
is_rc 0 "run --name dup"
refused "second run --name dup" 'dup|name' --name dup testimg true
lite rm dup >/dev/null 2>&1

# =================================================================== volumes
HB=$T/hostdir
mkdir -p "$HB" && echo hello-from-host >"$HB/hello"

capture lite run --rm -v "$HB:/ctr" testimg sh -c 'cat /ctr/hello && echo written-in-ctr > /ctr/new'
is_rc 0 "-v /hostdir:/ctr"
is "$OUT" hello-from-host "bind: host file visible inside"
is "$(cat "$HB/new" 2>&1)" written-in-ctr "bind: a write inside is visible on the host"

capture lite run --rm -v "$HB:/ctr:ro" testimg sh -c "cat /ctr/hello; echo x > /ctr/x2 && echo WROTE; $(mnt_opts /ctr)"
is "$(printf '%s\n' "$OUT" | head -n 1)" hello-from-host ":ro bind: readable"
unlike "$OUT" WROTE ":ro bind: a write fails"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^ro(,|$)' ":ro bind: mountinfo shows ro at /ctr"
ok ":ro bind: nothing written on the host" test ! -e "$HB/x2"

echo file-bound >"$T/hostfile"
capture lite run --rm -v "$T/hostfile:/etc/x" testimg cat /etc/x
is "$OUT" file-bound "file bind -v /host/file:/etc/x"

# named volume, created on first use, content survives rm
capture lite run --name nv1 -v data:/ctr testimg sh -c 'ls -A /ctr | wc -l; echo persisted > /ctr/f'
is_rc 0 "-v data:/ctr (named volume)"
is "$OUT" 0 "named volume starts empty (image has no /ctr)"
ok "named volume 'data' created on first use (volume ls)" has_vol data
capture lite rm nv1
is_rc 0 "rm of the container using 'data'"
ok "'data' survives rm of the container" has_vol data
capture lite run --rm -v data:/ctr testimg cat /ctr/f
is "$OUT" persisted "volume content survives rm of the container"

# copy-up
capture lite run --rm -v etcvol:/etc testimg cat /etc/passwd
like "$OUT" '^root:x:0:0:' "copy-up: -v etcvol:/etc sees the image's /etc/passwd on first use"
capture lite run --rm -v etcvol:/etc testimg sh -c 'echo added:x:1:1::/:/bin/sh >> /etc/passwd && rm /etc/hostname'
is_rc 0 "copy-up: change /etc/passwd, delete /etc/hostname in the volume"
capture lite run --rm -v etcvol:/etc testimg sh -c 'grep -c ^added: /etc/passwd; test -e /etc/hostname && echo refilled || echo not-refilled'
is "$OUT" "1
not-refilled" "copy-up: next container keeps the change; a non-empty volume is not re-filled"
capture lite run --rm --mount type=volume,source=etcvol2,target=/etc testimg cat /etc/group
like "$OUT" '^root:x:0:' "copy-up with --mount type=volume"

# anonymous volumes
v0=$(vols)
capture lite run --name an1 -v /anon testimg sh -c 'echo anon-data > /anon/f'
is_rc 0 "-v /anon (anonymous volume)"
A1=$(new_vols "$v0")
like "$A1" '^[0-9a-f]{64}$' "one 64-hex anonymous volume appears"
capture lite rm an1
ok "plain rm keeps the anonymous volume" has_vol "$A1"
lite volume rm "$A1" >/dev/null 2>&1

v0=$(vols)
lite run --name an2 -v /anon testimg true >/dev/null 2>&1
A2=$(new_vols "$v0")
like "$A2" '^[0-9a-f]{64}$' "anonymous volume for rm -v"
capture lite rm -v an2
is_rc 0 "rm -v"
ok "rm -v removes the anonymous volume" no_vol "$A2"

v0=$(vols)
capture lite run -d --rm --name an3 -v /anon testimg sleep 300
is_rc 0 "run -d --rm -v /anon"
A3=$(new_vols "$v0")
like "$A3" '^[0-9a-f]{64}$' "--rm: anonymous volume exists while running"
lite kill an3 >/dev/null 2>&1
ok "--rm: container removed after exit" wait_for 10 is_gone an3
ok "--rm: its anonymous volume removed too" wait_for 5 no_vol "$A3"

capture lite run --rm -v /etc testimg cat /etc/passwd
like "$OUT" '^root:x:0:0:' "anonymous volume at /etc is filled from the image"

# --mount
capture lite run --rm --mount "type=bind,source=$HB,target=/m,readonly" testimg sh -c "cat /m/hello; touch /m/y && echo WROTE; $(mnt_opts /m)"
is "$(printf '%s\n' "$OUT" | head -n 1)" hello-from-host "--mount type=bind,readonly: readable"
unlike "$OUT" WROTE "--mount ...,readonly: a write fails"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^ro(,|$)' "--mount ...,readonly: mountinfo shows ro"

capture lite run --rm --mount type=volume,source=v2,target=/d testimg sh -c 'echo v2-data > /d/f'
is_rc 0 "--mount type=volume,source=v2,target=/d"
ok "--mount type=volume creates v2" has_vol v2
is "$(lite run --rm -v v2:/x testimg cat /x/f 2>&1)" v2-data "v2 holds the data written through --mount"

capture lite run --rm --mount type=tmpfs,target=/t,tmpfs-size=8m testimg sh -c "$(mnt_fstype /t); $(df_k /t)"
is "$OUT" "tmpfs
8192" "--mount type=tmpfs,tmpfs-size=8m: tmpfs at /t, df shows 8M"

capture lite run --rm --tmpfs /run:size=16m testimg sh -c "$(mnt_fstype /run); $(df_k /run)"
is "$OUT" "tmpfs
16384" "--tmpfs /run:size=16m: mountinfo shows tmpfs at /run, df 16M"

# --volumes-from
capture lite run --name vfsrc -v vfdata:/shared -v "$HB:/hb" testimg sh -c 'echo from-src > /shared/f'
is_rc 0 "source container for --volumes-from"
capture lite run --rm --volumes-from vfsrc testimg sh -c 'cat /shared/f /hb/hello'
is "$OUT" "from-src
hello-from-host" "--volumes-from sees the other container's volume and bind"

# lite volume
capture lite volume create myvol
is_rc 0 "volume create myvol"
is "$OUT" myvol "volume create prints the name"
ok "volume ls lists myvol" has_vol myvol
is "$(lite volume inspect myvol 2>&1 | jget Name 2>&1)" myvol "volume inspect shows name"
like "$(lite volume inspect myvol 2>&1 | jget Mountpoint 2>&1)" "^$T/" "volume inspect mountpoint is in the data root"
capture lite volume rm myvol
is_rc 0 "volume rm myvol"
ok "myvol is gone" no_vol myvol
capture lite volume inspect nosuchvol
isnt "$RC" 0 "volume inspect of a missing volume fails"

capture lite run --name vu -v usedvol:/x testimg true
capture lite volume rm usedvol
isnt "$RC" 0 "volume rm refused while a (stopped) container uses it"
like "$ERR" 'use' "...saying it is in use"
ok "usedvol still listed" has_vol usedvol
capture lite volume prune -f
ok "volume prune keeps a volume a stopped container uses" has_vol usedvol
lite rm vu >/dev/null 2>&1
capture lite volume rm usedvol
is_rc 0 "volume rm works after the container is removed"
ok "usedvol is gone" no_vol usedvol

lite volume create prunable >/dev/null 2>&1
capture lite volume prune -f -a
is_rc 0 "volume prune -f"
ok "prune removes an unused volume" no_vol prunable

# =================================================================== process
capture lite run --name base testimg true
capture lite commit -c 'ENTRYPOINT ["echo","ep"]' -c 'CMD ["imgcmd"]' -c 'ENV FOO=from-image' base epimg
is_rc 0 "commit an image with Entrypoint, Cmd and Env (for the tests below)"
lite rm base >/dev/null 2>&1

capture lite run --rm -e K=V testimg sh -c 'echo $K'
is "$OUT" V "-e K=V"

printf '%s\n' '# a comment' '' 'A=1' 'B=from-file' '  ' 'C' 'D=x=y' >"$T/envfile"
capture env C=from-client timeout 30 "$LITE" run --rm --env-file "$T/envfile" -e B=from-cli testimg sh -c 'echo "$A|$B|$C|$D"; env | grep -c "^#"'
is "$OUT" "1|from-cli|from-client|x=y
0" "--env-file: comments/blank ignored, later -e overrides, KEY alone takes the client's value"

export LITE_RF_LEAK=leak-$$-$RANDOM
capture lite run --rm -e K=V epimg
capture lite run --rm -e K=V --entrypoint "" epimg sh -c 'echo "$FOO|$K|$PATH"; env | grep -c -e LITE_RF_LEAK -e LITE_HOST'
is "$OUT" "from-image|V|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
0" "image ENV merged with -e; no host environment leaks in"
capture lite run --rm -e FOO=over --entrypoint "" epimg sh -c 'echo $FOO'
is "$OUT" over "-e overrides the image's ENV"
capture lite run --rm -e LITE_RF_LEAK --entrypoint "" epimg sh -c 'echo $LITE_RF_LEAK'
is "$OUT" "$LITE_RF_LEAK" "-e KEY passes the client's value"
unset LITE_RF_LEAK

capture lite run --rm epimg
is "$OUT" "ep imgcmd" "image Entrypoint + Cmd (sanity)"
capture lite run --rm --entrypoint echo epimg
is_rc 0 "--entrypoint echo"
is "$OUT" "" "--entrypoint echo drops the image's Cmd"
capture lite run --rm --entrypoint echo epimg hi there
is "$OUT" "hi there" "--entrypoint echo with a command"
capture lite run --rm --entrypoint "" epimg echo cleared
is "$OUT" cleared "--entrypoint \"\" clears the image's Entrypoint"

capture lite run --rm -w /new/dir testimg sh -c 'pwd; test -d /new/dir && echo isdir'
is "$OUT" "/new/dir
isdir" "-w /new/dir is created if missing"

capture lite run --rm -u 1000:1000 testimg sh -c 'id -u; id -g; id -G'
is "$(printf '%s' "$OUT" | tr '\n' ' ')" "1000 1000 1000" "-u 1000:1000 (id -u, -g, -G)"
capture lite run --rm -u nobody testimg sh -c 'id -u; id -g; id -un'
is "$(printf '%s' "$OUT" | tr '\n' ' ')" "65534 65534 nobody" "-u nobody"

capture lite run --rm --hostname myhost testimg hostname
is "$OUT" myhost "--hostname"

capture lite run --name lab --label a=b -l c=d testimg true
is "$(ifield lab config.labels.a)|$(ifield lab config.labels.c)" "b|d" "--label a=b -l c=d: inspect config.labels"
lite rm lab >/dev/null 2>&1

capture lite run -d --name st --stop-signal SIGINT testimg sh -c 'trap "echo got-int; exit 7" INT; echo ready; while :; do sleep 0.1; done'
is_rc 0 "run -d --stop-signal SIGINT"
wait_for 10 sh -c "timeout 5 '$LITE' logs st 2>/dev/null | grep -q ready"
capture lite stop -t 10 st
is "$(ifield st state.exit_code)" 7 "stop sends the --stop-signal (INT trap exit 7)"
not_ok "...and needed no SIGKILL" escalated st
like "$(lite logs st 2>&1)" got-int "...the trap ran"
lite rm -f st >/dev/null 2>&1

capture lite run --rm --ulimit nofile=1024:2048 testimg sh -c 'ulimit -n; ulimit -Hn'
is "$OUT" "1024
2048" "--ulimit nofile=1024:2048 (ulimit -n / -Hn)"

capture lite run --rm --shm-size 32m testimg sh -c "$(df_k /dev/shm)"
is "$OUT" 32768 "--shm-size 32m: df /dev/shm"

capture lite run --rm --read-only testimg sh -c "touch /x && echo WROTE; $(mnt_opts /)"
unlike "$OUT" WROTE "--read-only: touch / fails"
like "$(printf '%s\n' "$OUT" | tail -n 1)" '^ro(,|$)' "--read-only: / is mounted ro"
capture lite run --rm --read-only --tmpfs /run -v rovol:/data testimg sh -c 'touch /run/a && touch /data/b && echo ok'
is "$OUT" ok "--read-only: --tmpfs and volume still writable"

capture lite run --rm --name rmme testimg true
is_rc 0 "--rm run"
ok "--rm: container removed" wait_for 5 is_gone rmme

# =================================================================== resources
capture lite run -d --name res -m 100m --memory-swap 200m --memory-reservation 50m --cpus 0.5 \
	--cpu-shares 512 --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 50 testimg sleep 300
is_rc 0 "run -d with memory, cpu, cpuset, pids flags"
RID=$OUT
if [ "$MODE" = v2 ]; then
	is "$(readcg memory "$RID" memory.max)" 104857600 "-m 100m: memory.max"
	is "$(readcg memory "$RID" memory.swap.max)" 104857600 "--memory-swap 200m: memory.swap.max = 100m"
	is "$(readcg memory "$RID" memory.low)" 52428800 "--memory-reservation 50m: memory.low"
	is "$(readcg cpu "$RID" cpu.max)" "50000 100000" "--cpus 0.5: cpu.max"
	is "$(readcg cpu "$RID" cpu.weight)" 20 "--cpu-shares 512: cpu.weight 20"
else
	is "$(readcg memory "$RID" memory.limit_in_bytes)" 104857600 "-m 100m: memory.limit_in_bytes"
	if [ -e "$(cgfile memory "$RID" memory.memsw.limit_in_bytes)" ]; then
		is "$(readcg memory "$RID" memory.memsw.limit_in_bytes)" 209715200 "--memory-swap 200m: memory.memsw.limit_in_bytes"
	else
		skip "--memory-swap: memory.memsw.limit_in_bytes" "no swap accounting"
	fi
	is "$(readcg memory "$RID" memory.soft_limit_in_bytes)" 52428800 "--memory-reservation 50m: memory.soft_limit_in_bytes"
	is "$(readcg cpu "$RID" cpu.cfs_quota_us)/$(readcg cpu "$RID" cpu.cfs_period_us)" 50000/100000 "--cpus 0.5: cfs quota/period"
	is "$(readcg cpu "$RID" cpu.shares)" 512 "--cpu-shares 512: cpu.shares"
fi
is "$(readcg cpuset "$RID" cpuset.cpus)" 0 "--cpuset-cpus 0"
is "$(readcg cpuset "$RID" cpuset.mems)" 0 "--cpuset-mems 0"
is "$(readcg pids "$RID" pids.max)" 50 "--pids-limit 50"
capture lite exec res sh -c 'grep Cpus_allowed_list /proc/self/status'
like "$OUT" 'Cpus_allowed_list:[[:space:]]*0$' "--cpuset-cpus 0 seen from inside"
lite rm -f res >/dev/null 2>&1

BDEV=
for b in /sys/block/*; do
	n=${b##*/}
	case $n in loop* | ram* | zram* | sr* | fd*) continue ;; esac
	[ -r "$b/dev" ] && [ -b "/dev/$n" ] && { BDEV=$n; break; }
done
if [ -n "$BDEV" ]; then
	MAJMIN=$(cat "/sys/block/$BDEV/dev")
	capture lite run -d --name bps --device-read-bps "/dev/$BDEV:1mb" testimg sleep 300
	is_rc 0 "--device-read-bps /dev/$BDEV:1mb"
	if [ "$MODE" = v2 ]; then
		like "$(readcg io "$OUT" io.max)" "^$MAJMIN .*rbps=1048576" "io.max rbps for $MAJMIN"
	else
		like "$(readcg blkio "$OUT" blkio.throttle.read_bps_device)" "^$MAJMIN 1048576$" "blkio.throttle.read_bps_device = $MAJMIN 1048576"
	fi
	lite rm -f bps >/dev/null 2>&1
else
	skip "--device-read-bps" "no block device"
	skip "--device-read-bps cgroup file" "no block device"
fi

# --blkio-weight: applied when the scheduler has weights, else refused clearly
c0=$(ctrs)
capture lite run -d --name bw --blkio-weight 500 testimg sleep 300
if [ "$MODE" = v2 ]; then
	WF=$(cgfile io "$OUT" io.weight); WF2=$(cgfile io "$OUT" io.bfq.weight)
else
	WF=$(cgfile blkio "$OUT" blkio.weight); WF2=$(cgfile blkio "$OUT" blkio.bfq.weight)
fi
if [ "$RC" = 0 ]; then
	diag "--blkio-weight 500 accepted"
	w=
	[ -e "$WF" ] && w=$(cat "$WF" 2>&1)
	[ -z "$w" ] && [ -e "$WF2" ] && w=$(cat "$WF2" 2>&1)
	like "$w" '(^|[[:space:]])500$' "--blkio-weight 500 accepted: the weight file shows 500 (${WF##*/} or ${WF2##*/})"
	lite rm -f bw >/dev/null 2>&1
else
	diag "--blkio-weight 500 refused: $ERR"
	like "$ERR" '--blkio-weight' "--blkio-weight 500 refused: message names the flag"
	# the scheduler really has no weights: a fresh cgroup shows no weight file
	probe=/sys/fs/cgroup/blkio/$CGP/probe-$$
	[ "$MODE" = v2 ] && probe=/sys/fs/cgroup/$CGP/probe-$$
	mkdir -p "$probe" 2>/dev/null
	ok "--blkio-weight refused consistently: no weight file in a cgroup" \
		test ! -e "$probe/blkio.weight" -a ! -e "$probe/blkio.bfq.weight" -a ! -e "$probe/io.weight" -a ! -e "$probe/io.bfq.weight"
	rmdir "$probe" 2>/dev/null
	is "$(ctrs)" "$c0" "--blkio-weight refused: no container left"
fi

# --oom-score-adj
capture lite run --rm --oom-score-adj 500 testimg cat /proc/self/oom_score_adj
is "$OUT" 500 "--oom-score-adj 500"
c0=$(ctrs)
capture lite run --rm --oom-score-adj -500 testimg cat /proc/self/oom_score_adj
if [ "$RC" = 0 ]; then
	is "$OUT" -500 "--oom-score-adj -500 accepted: the value shows inside"
else
	diag "--oom-score-adj -500 refused (rc=$RC): $ERR"
	like "$ERR" '--oom-score-adj' "--oom-score-adj -500 refused: message names the flag"
	is "$(printf '%s' "$ERR" | grep -c '')" 1 "--oom-score-adj -500 refused: one line"
	is "$(ctrs)" "$c0" "--oom-score-adj -500 refused: no container left"
fi

lite rm -f vfsrc >/dev/null 2>&1
lite rmi epimg >/dev/null 2>&1
# --- --stop-timeout: lite stop without -t waits that long before SIGKILL
lite run -d --name stt --stop-timeout 1 testimg sh -c 'trap "" TERM; sleep 100' >/dev/null
wait_for 10 is_running stt >/dev/null
lite stop stt >/dev/null 2>&1
is "$(ifield stt state.exit_code)" 137 "--stop-timeout 1: stop ends with SIGKILL (137)"
ok "--stop-timeout 1: the daemon used the container's timeout" grep -q "stopping container .* (timeout 1s)" "$DAEMON_LOG"
lite rm -f stt >/dev/null 2>&1
capture lite run --stop-timeout abc testimg true
is "$RC" 125 "--stop-timeout abc: exit 125"
like "$ERR" 'stop-timeout' "--stop-timeout abc: the message names the flag"

done_testing
