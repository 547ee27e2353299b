#!/bin/bash
# Isolation: pid, uts, mount, ipc, net namespaces; copy-on-write rootfs.
source "$(dirname "$0")/lib.sh"

# --- pid namespace
capture lite run testimg cat /proc/1/cmdline
is "$(tr '\0' ' ' <"$T/.out")" "cat /proc/1/cmdline " "the command is PID 1 (/proc/1/cmdline)"

capture lite run testimg ps
is_rc 0 "ps runs"
procs=$(printf '%s\n' "$OUT" | sed 1d)
is "$(printf '%s\n' "$procs" | wc -l)" 1 "ps sees exactly one process"
like "$procs" '^ *1 .*ps' "...and it is ps as PID 1"

capture lite run testimg sh -c 'echo $$; readlink /proc/self'
is "$OUT" "1
1" "sh -c sees itself as PID 1 and /proc/self is the container's"

# --- uts namespace
capture lite run testimg hostname
isnt "$OUT" "$(hostname)" "hostname differs from the host's"
isnt "$OUT" "" "hostname is set"

# --- namespaces differ from the host's
capture lite run testimg sh -c 'for n in ipc uts mnt pid net; do echo "$n $(readlink /proc/self/ns/$n)"; done'
for n in ipc uts mnt pid net; do
	inside=$(printf '%s\n' "$OUT" | awk -v n=$n '$1 == n { print $2 }')
	host=$(readlink /proc/self/ns/$n)
	if [ -n "$inside" ] && [ "$inside" != "$host" ]; then
		pass "$n namespace differs from the host's ($inside)"
	else
		fail "$n namespace differs from the host's" "inside: '$inside' host: '$host'"
	fi
done

# --- mount namespace: nothing of the host's mount table shows through
capture lite run testimg cat /proc/self/mountinfo
is_rc 0 "read /proc/self/mountinfo inside"
inside_mnts=$(printf '%s\n' "$OUT" | awk '{ print $5 }' | sort -u)
# mount points a container may legitimately have
allowed='^(/|/proc(/.*)?|/sys(/.*)?|/dev(/.*)?|/etc/(hosts|hostname|resolv\.conf)|/tmp|/run(/.*)?)$'
bad=$(printf '%s\n' "$inside_mnts" | grep -Ev "$allowed")
is "$bad" "" "no unexpected mount points inside (host mounts do not leak)"
unlike "$inside_mnts" "^$T" "the engine's own paths are not mount points inside"
# a host-only mount (e.g. /mnt/...), if the host has one, is absent inside
hostonly=$(awk '{ print $5 }' /proc/self/mountinfo | grep -Ev "$allowed" | grep -v "^$T" | head -n 1)
if [ -n "$hostonly" ]; then
	unlike "$inside_mnts" "^$hostonly\$" "host mount $hostonly is not visible inside"
else
	skip "host mount is not visible inside" "host has no distinctive mount"
fi
root_line=$(printf '%s\n' "$OUT" | awk '$5 == "/"' | tail -n 1)
host_rootdev=$(awk '$5 == "/" { print $3 }' /proc/self/mountinfo | tail -n 1)
isnt "$(printf '%s' "$root_line" | awk '{ print $3 }')" "$host_rootdev" "container / is not the host's root file system"

capture lite run testimg sh -c 'ls -d /work /root/.cache 2>/dev/null; ls /'
unlike "$OUT" '^/work$' "host directory /work is not visible"

# --- network namespace
capture lite run testimg cat /proc/net/dev
ifaces=$(printf '%s\n' "$OUT" | sed 1,2d | awk -F: '{ gsub(/ /, "", $1); print $1 }' | sort | tr '\n' ' ')
is "$ifaces" "lo " "network namespace has only lo"

# --- copy-on-write rootfs
capture lite run -d --name wa testimg sh -c \
	'mkdir -p /tmp; echo A >/tmp/x; echo A >/marker; rm /usr/bin/lite-test-helper && echo written; sleep 300'
is_rc 0 "container A started"
if wait_for 10 sh -c 'timeout 5 "$LITE" logs wa 2>/dev/null | grep -q written'; then
	pass "container A wrote to its rootfs"
else
	fail "container A wrote to its rootfs" "logs: $(lite logs wa 2>&1)"
fi
check='cat /tmp/x 2>/dev/null || echo no-x; cat /marker 2>/dev/null || echo no-marker; [ -x /usr/bin/lite-test-helper ] && echo helper-present'
capture lite run --name wb testimg sh -c "$check"
is "$OUT" "no-x
no-marker
helper-present" "container B (A still running) does not see A's writes or deletion"
ok "container A is still running while B checked" is_running wa
lite rm -f wa >/dev/null 2>&1
capture lite run testimg sh -c "$check"
is "$OUT" "no-x
no-marker
helper-present" "a new container after A is removed sees the pristine image"

done_testing
