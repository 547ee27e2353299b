#!/bin/bash
# Devices (issue 11, B6): /dev holds only Docker's nodes; the device filter
# (v1 devices cgroup, v2 eBPF program) lets a container create any node
# but open only those; --device adds one for root and is refused to
# everyone else; removal leaves no devices cgroup behind.
# /dev/fuse (c 10:229) is the discriminating node: this sandbox refuses
# block devices even to host root (plan11 K13), while fuse opens from a
# mknod'ed node when nothing filters it.
source "$(dirname "$0")/lib.sh"

MODE=$(cgroup_mode)
# open_node PATH : open read-write without reading, as the shell's <> does
open_node='exec 3<>"$1" && echo open=OK'

# --- the default filter
capture lite run --rm testimg sh -c "mknod /tmp/fz c 10 229 && sh -c '$open_node' _ /tmp/fz"
like "$ERR" "/tmp/fz: Operation not permitted" "mknod c 10:229 works, opening it is refused"
unlike "$OUT" 'open=OK' "...the node does not open"
capture lite run --rm testimg sh -c "mknod /tmp/vda b 254 0 && head -c1 /tmp/vda"
isnt "$RC" 0 "mknod b 254:0 + read fails (this host refuses block devices to root anyway)"
capture lite run --rm testimg sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c && head -c 4 /dev/full | wc -c'
is "$RC $(echo $OUT)" "0 4 4 4" "null, zero, urandom and full work"

# --- what /dev holds
capture lite run --rm testimg ls -A /dev
is "$(echo $OUT)" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero" "/dev holds only the default nodes"
capture lite run --rm testimg sh -c 'for f in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$f; done'
is "$(echo "$OUT" | tr '\n' ,)" "/dev/null character special file 1:3,/dev/zero character special file 1:5,/dev/full character special file 1:7,/dev/random character special file 1:8,/dev/urandom character special file 1:9,/dev/tty character special file 5:0," "...with their usual numbers"
id=$(lite run -d -t testimg sleep 1000)
capture lite exec "$id" sh -c 'ls -A /dev; stat -c "%t:%T" /dev/console; readlink /proc/1/fd/0; stat -c "%t:%T" /dev/pts/0'
lines=$(printf '%s\n' "$OUT" | tail -n 3 | tr '\n' ' ')
like "$(printf '%s\n' "$OUT" | head -n -3 | tr '\n' ' ')" '^console fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero $' "-t: /dev adds console"
like "$lines" '^([0-9a-f]+:[0-9a-f]+) /dev/pts/0 \1 $' "...bound to the container's own pty ($lines)"

# --- the filter's content and its removal
# sorted_list FILE... : lines sorted, comma-joined
sorted_list() { cat "$@" | LC_ALL=C sort | tr '\n' ,; }
docker_list=$(printf '%s\n' 'c *:* m' 'b *:* m' 'c 1:3 rwm' 'c 1:5 rwm' 'c 1:7 rwm' 'c 1:8 rwm' 'c 1:9 rwm' \
	'c 5:0 rwm' 'c 5:1 rwm' 'c 5:2 rwm' 'c 136:* rwm' 'c 10:200 rwm' | sorted_list)
if [ "$MODE" = v1 ]; then
	dir=/sys/fs/cgroup/devices/$CGP/$id
	is "$(sorted_list "$dir/devices.list")" "$docker_list" "v1: devices.list is Docker's list"
	like "$(ifield "$id" cgroup.paths.devices)" "/devices/$CGP/$id\$" "inspect shows the devices cgroup"
	capture lite update --memory 64m "$id"
	is "$RC $(sorted_list "$dir/devices.list")" "0 $docker_list" "update leaves the list as it is"
	lite rm -f "$id" >/dev/null
	ok "rm removes the devices cgroup" test ! -d "$dir"
	# a container started before the devices controller was used has no
	# devices cgroup: its processes move out and the dir goes, as then
	id=$(lite run -d testimg sleep 1000)
	dir=/sys/fs/cgroup/devices/$CGP/$id
	for p in $(cat "$dir/cgroup.procs"); do echo "$p" >/sys/fs/cgroup/devices/cgroup.procs; done
	rmdir "$dir"
	capture lite rm -f "$id"
	is "$RC" 0 "rm -f of a container without a devices cgroup works"
	ok "...and removes its other cgroups" cgroup_gone "$id"
else
	skip "v1 devices.list" "cgroup v2: the eBPF program filters (checked above)"
	lite rm -f "$id" >/dev/null
fi
ok "no cgroup of the container is left" cgroup_gone "$id"

# --- --device (root)
capture lite run --rm --device /dev/fuse testimg sh -c "ls -A /dev; sh -c '$open_node' _ /dev/fuse"
is "$RC" 0 "--device /dev/fuse: the run works"
like "$(echo $OUT)" '^fd full fuse mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero open=OK$' ".../dev/fuse is there and opens"
capture lite run --rm --device /dev/fuse:/dev/f:r testimg sh -c "stat -c '%F %t:%T' /dev/f; exec 3</dev/f && echo read=OK; exec 4<>/dev/f && echo rw=OK"
is "$(echo $OUT)" "character special file a:e5 read=OK" "--device HOST:CTR:r: the node at CTR opens for reading only"
like "$ERR" 'Operation not permitted' "...not for writing"
id=$(lite create --device /dev/fuse testimg sh -c "sh -c '$open_node' _ /dev/fuse")
capture lite start -a "$id"
is "$RC $OUT" "0 open=OK" "create --device, then start: the node opens"
if [ "$MODE" = v1 ]; then
	lite rm -f "$id" >/dev/null
	id=$(lite run -d --device /dev/fuse:/dev/fuse:rw testimg sleep 1000)
	is "$(sorted_list "/sys/fs/cgroup/devices/$CGP/$id/devices.list")" "$(printf 'c 10:229 rw\n' | cat - <(tr , '\n' <<<"$docker_list") | grep . | sorted_list)" "v1: the list adds c 10:229 rw"
fi
lite rm -f "$id" >/dev/null
capture lite run --rm --device /etc/passwd testimg true
like "$RC $ERR" '^125 .*--device /etc/passwd: not a device node' "a file that is not a device node is refused"
capture lite run --rm --device /dev/lite-no-such-node testimg true
like "$RC $ERR" '^125 .*--device /dev/lite-no-such-node: No such file' "a missing node is refused"
capture lite run --rm --device dev/fuse testimg true
like "$RC $ERR" '^125 .*invalid --device "dev/fuse"' "a relative path is refused"

# --- --device is root's: a caller of another uid (through the socket's
# group, as a member of group lite would) is refused with a clear message
chmod 711 "$T"
sock_gid=$(stat -c %g "$SOCK")
as_user() { setpriv --reuid=60123 --regid="$sock_gid" --clear-groups "$LITE" "$@" </dev/null; }
capture as_user run --rm --device /dev/fuse testimg true
like "$RC $ERR" '^125 .*--device is for root only' "non-root: --device refused"
capture as_user run --rm testimg sh -c "mknod /tmp/fz c 10 229 && sh -c '$open_node' _ /tmp/fz"
like "$ERR" "/tmp/fz: Operation not permitted" "non-root: the default filter holds too"
is "$(lite ps -aq | wc -l)" 0 "no container is left behind"

done_testing
