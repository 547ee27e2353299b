#!/bin/bash
# Build, install and start lite on a fresh Debian 12, as root; then import
# the default busybox image and run a first container.  Safe to run again:
# every step skips what is already done.  See docs/INSTALL.md.
#
#   usage: scripts/setup.sh
set -euo pipefail

log=/var/log/containerd-lite.log
pidfile=/run/containerd-lite.pid
sock=/run/lite.sock
export LITE_HOST=unix://$sock

step() { printf '==> %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
trap 'die "command failed (line $LINENO, status $?): $BASH_COMMAND"' ERR

[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

step "installing Debian packages"
bash "$root/scripts/install-deps.sh"

step "building in $root/build"
if [ ! -f build/meson-private/coredata.dat ]; then
	meson setup build
fi
ninja -C build
step "installing (meson install)"
meson install -C build --quiet

# Where meson installed things (prefix /usr/local unless configured).
read -r prefix bindir < <(meson introspect build --buildoptions | python3 -c '
import json, os, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o["prefix"], os.path.join(o["prefix"], o["bindir"]))')
daemon=$bindir/containerd-lite
lite=$bindir/lite
[ -n "$prefix" ] || die "cannot read the install prefix from build/"
for b in "$daemon" "$lite"; do
	[ -x "$b" ] || die "$b was not installed"
done

step "creating group lite and state directories"
if command -v systemd-sysusers >/dev/null && [ -f "$prefix/lib/sysusers.d/lite.conf" ]; then
	systemd-sysusers "$prefix/lib/sysusers.d/lite.conf"
fi
getent group lite >/dev/null || groupadd -r lite
getent group lite >/dev/null || die "could not create group lite"
if command -v systemd-tmpfiles >/dev/null && [ -f "$prefix/lib/tmpfiles.d/lite.conf" ]; then
	systemd-tmpfiles --create "$prefix/lib/tmpfiles.d/lite.conf"
else
	install -d -m 0700 /run/lite
	# 0700: no host user may reach the layers (setuid files) or volumes
	install -d -m 0700 /var/lib/lite
	chmod 0700 /run/lite /var/lib/lite
fi

daemon_answers() { "$lite" version >/dev/null 2>&1; }

wait_daemon() {
	local i
	for ((i = 0; i < 100; i++)); do
		daemon_answers && return 0
		if [ -n "${1:-}" ] && ! kill -0 "$1" 2>/dev/null; then
			tail -n 20 "$log" >&2 || true
			die "containerd-lite exited during start-up (log: $log)"
		fi
		sleep 0.1
	done
	return 1
}

if [ -d /run/systemd/system ]; then
	step "starting containerd-lite.socket (systemd)"
	systemctl daemon-reload
	systemctl enable --now containerd-lite.socket
	# the Docker Engine API socket (docs/DOCKER-API.md): the same service
	systemctl enable --now containerd-lite-docker.socket
	# A daemon already running keeps the old binary until restarted; its
	# containers survive the restart (KillMode=process).
	systemctl try-restart containerd-lite.service
	wait_daemon || {
		systemctl --no-pager status containerd-lite.service >&2 || true
		die "containerd-lite does not answer on $sock (journalctl -u containerd-lite)"
	}
else
	pid=$(cat "$pidfile" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && daemon_answers; then
		step "containerd-lite already running (pid $pid)"
	elif daemon_answers; then
		step "a daemon already answers on $sock; not starting another"
	else
		step "starting containerd-lite in the background (no systemd; log $log)"
		# Not a process group leader here (no job control), so setsid
		# does not fork and $! is the daemon itself.
		nohup setsid "$daemon" </dev/null >>"$log" 2>&1 &
		pid=$!
		echo "$pid" >"$pidfile"
		wait_daemon "$pid" || {
			tail -n 20 "$log" >&2 || true
			die "containerd-lite (pid $pid) does not answer on $sock after 10 s"
		}
		step "containerd-lite running (pid $pid, pid file $pidfile)"
	fi
fi
"$lite" version

images=$("$lite" images) || die "lite images failed"
if grep -Eq '(^|[[:space:]])busybox([[:space:]:]|$)' <<<"$images"; then
	step "image busybox already present"
else
	step "building and importing the busybox image"
	tmp=$(mktemp --suffix=.tar)
	trap 'rm -f "$tmp"' EXIT
	bash "$root/scripts/mkrootfs-busybox.sh" "$tmp"
	"$lite" import "$tmp" busybox
fi

step "lite run --rm busybox echo hello"
out=$("$lite" run --rm busybox echo hello)
printf '%s\n' "$out"
[ "$out" = hello ] || die "expected 'hello' from the first container, got '$out'"

step "lite is ready.  Add users to group lite: usermod -aG lite USER (then log in again)"
