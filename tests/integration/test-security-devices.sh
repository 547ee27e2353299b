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
	is "$(sorted_list "$dir/devices.list")" "$docker_list" "update leaves the list as it is"
	lite rm -f "$id" >/dev/null
	ok "rm removes the devices cgroup" test ! -d "$dir"
else
	skip "v1 devices.list" "cgroup v2: the eBPF program filters (checked above)"
	lite rm -f "$id" >/dev/null
fi
ok "no cgroup of the container is left" cgroup_gone "$id"

done_testing
