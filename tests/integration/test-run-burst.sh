#!/bin/bash
# The start path under a burst (issue 14): many `run --rm` at once all
# succeed and leave nothing behind; `run --rm` returns once the container
# is gone; the image's /etc files are mount points as they are (no copy
# into the container's layer); a v1 cpuset parent hands its cpus and mems
# to new containers; run's --pull missing without a look-up first still
# pulls a missing image and still reports run's own not-found errors.
source "$(dirname "$0")/lib.sh"

# --- 20 at once, each removed when its client returns
seq 20 | xargs -P 20 -I{} sh -c '"$LITE" run --rm --net none --name burst-{} testimg true </dev/null >/dev/null 2>>"$T/burst.err" || echo "burst-{} failed: $?" >>"$T/burst.err"'
is "$(cat "$T/burst.err" 2>/dev/null)" "" "20 run --rm at once: every one exits 0"
is "$(lite ps -aq | wc -l)" 0 "20 run --rm at once: no container left"
is "$(ls "$D/containers" | wc -l)" 0 "20 run --rm at once: no container directory left"
left=$(for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do [ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type d; done 2>/dev/null)
is "$left" "" "20 run --rm at once: no container cgroup left"

# --- run --rm returns after the removal
capture lite run --rm --net none --name burst-gone testimg sh -c 'exit 3'
is_rc 3 "run --rm: the command's exit code"
ok "run --rm: the container is gone when run returns" is_gone burst-gone

# --- /etc files: the image's hostname is a mount point, not copied up
capture lite run -d --net none --name burst-etc --hostname burst-host testimg sleep 100
is_rc 0 "run -d for the /etc check"
id=$(ifield burst-etc id)
is "$(lite exec burst-etc cat /etc/hostname)" "burst-host" "/etc/hostname shows the container's hostname"
ok "the image's /etc/hostname is not copied into the container's layer" test ! -e "$D/containers/$id/upper/etc/hostname"
ok "a file the image lacks (/etc/resolv.conf) is still bound" lite exec burst-etc test -f /etc/resolv.conf

# --- cgroup v1: the cpuset parent clones its cpus and mems into children
if [ "$(cgroup_mode)" = v1 ] && [ -d "/sys/fs/cgroup/cpuset/$CGP" ]; then
	is "$(cat "/sys/fs/cgroup/cpuset/$CGP/cgroup.clone_children")" 1 "cpuset parent: clone_children is on"
	is "$(cat "/sys/fs/cgroup/cpuset/$CGP/$id/cpuset.cpus")" "$(cat "/sys/fs/cgroup/cpuset/$CGP/cpuset.cpus")" \
		"a container's cpuset.cpus is its parent's"
	isnt "$(cat "/sys/fs/cgroup/cpuset/$CGP/$id/cpuset.mems")" "" "a container's cpuset.mems is set"
else
	skip "cpuset parent: clone_children is on" "not cgroup v1"
	skip "a container's cpuset.cpus is its parent's" "not cgroup v1"
	skip "a container's cpuset.mems is set" "not cgroup v1"
fi
lite rm -f burst-etc >/dev/null 2>&1

# --- --pull: the run is the look-up; a missing image still leads to a pull
capture lite run --rm --pull never burst-nosuch:v1 true
is_rc 125 "run --pull never of a missing image: 125"
like "$ERR" "no such image" "run --pull never: says so"
capture lite run --rm burst-nosuch:v1 true
is_rc 125 "run of a missing image (no registry here): 125"
like "$ERR" "Unable to find image 'burst-nosuch:v1' locally" "run of a missing image: tries to pull it"
capture lite create burst-nosuch:v1 true
is_rc 125 "create of a missing image: 125"
like "$ERR" "Unable to find image 'burst-nosuch:v1' locally" "create of a missing image: tries to pull it"
capture lite run --rm --network burst-nosuch-net testimg true
is_rc 125 "run with another missing thing: 125"
unlike "$ERR" "Unable to find image" "run with another missing thing: no pull of a present image"
like "$ERR" "burst-nosuch-net" "run with another missing thing: its own error"
is "$(lite ps -aq | wc -l)" 0 "failed runs leave no container"

done_testing
