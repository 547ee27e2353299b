#!/bin/bash
# systemd units: `systemd-analyze verify` the configured copies in the build
# dir; sysusers.d/tmpfiles.d files applied to a scratch root.
LIB_NO_DAEMON=1
source "$(dirname "$0")/lib.sh"

# configured units from the build dir, plus units installed as they are
units=$(find "$BUILDDIR/systemd" -maxdepth 1 \( -name '*.service' -o -name '*.socket' \) 2>/dev/null | sort)
for u in "$SRCDIR"/systemd/*.service "$SRCDIR"/systemd/*.socket; do
	[ -f "$u" ] || continue
	printf '%s\n' "$units" | grep -q "/$(basename "$u")\$" || units="$units
$u"
done
units=$(printf '%s\n' "$units" | sed '/^$/d')
if [ -z "$units" ]; then
	skip "systemd units verify" "no configured units in $BUILDDIR/systemd"
elif ! command -v systemd-analyze >/dev/null; then
	skip "systemd units verify" "systemd-analyze not installed"
else
	# Verify copies; an ExecStart= binary that is not installed yet is
	# pointed at the build tree's so verify checks the rest of the unit.
	mkdir -p "$T/units"
	for u in $units; do
		cp "$u" "$T/units/"
	done
	for u in "$T"/units/*; do
		for exe in $(sed -n 's/^Exec[A-Za-z]*=[-@!+:]*\([^ ]*\).*/\1/p' "$u"); do
			[ -e "$exe" ] && continue
			b=$(basename "$exe")
			built=$(find "$BUILDDIR" -maxdepth 2 -type f -perm -u+x -name "$b" | head -n 1)
			if [ -z "$built" ]; then
				# not built either: a stub, so verify still checks the rest
				mkdir -p "$T/stub"
				built=$T/stub/$b
				printf '#!/bin/sh\n' >"$built"
				chmod +x "$built"
			fi
			diag "$(basename "$u"): $exe not installed, verifying with $built"
			sed -i "s|$exe|$built|g" "$u"
		done
	done
	for u in "$T"/units/*; do
		out=$(cd "$T/units" && SYSTEMD_LOG_LEVEL=warning timeout 60 systemd-analyze verify --man=no "$u" 2>&1)
		rc=$?
		# Messages about other units on this host are not ours; systemd
		# before 254 does not know DelegateSubgroup= and ignores it (the
		# daemon then keeps its root-level cgroups: docs/ARCHITECTURE.md).
		mine=$(printf '%s\n' "$out" | grep -F "$(basename "$u")" |
			grep -v "Unknown key 'DelegateSubgroup'" )
		if [ $rc = 0 ] && [ -z "$mine" ]; then
			pass "systemd-analyze verify $(basename "$u")"
		else
			fail "systemd-analyze verify $(basename "$u")" "rc=$rc" "$out"
		fi
	done
	svc=$(ls "$T"/units/*.service 2>/dev/null | head -n 1)
	if [ -n "$svc" ]; then
		like "$(grep '^ExecStart=' "$svc")" 'containerd-lite' "service ExecStart runs containerd-lite"
		like "$(grep -E '^KillMode=' "$svc")" 'KillMode=(process|mixed)' \
			"service KillMode keeps containers (shims) alive across daemon restarts"
	fi
	# Type=notify needs sd_notify in the daemon; a .socket unit needs
	# socket activation (LISTEN_FDS) in the daemon.
	if [ -n "$svc" ] && grep -q '^Type=notify' "$svc"; then
		if [ -x "$CONTAINERD_LITE" ]; then
			ok "Type=notify: the daemon knows NOTIFY_SOCKET" grep -qa NOTIFY_SOCKET "$CONTAINERD_LITE"
		else
			skip "Type=notify: the daemon knows NOTIFY_SOCKET" "daemon not built"
		fi
	fi
	if ls "$T"/units/*.socket >/dev/null 2>&1; then
		if [ -x "$CONTAINERD_LITE" ]; then
			ok "socket unit: the daemon supports socket activation (LISTEN_FDS)" grep -qa LISTEN_FDS "$CONTAINERD_LITE"
		else
			skip "socket unit: the daemon supports socket activation (LISTEN_FDS)" "daemon not built"
		fi
	fi
	sock=$(ls "$T"/units/*.socket 2>/dev/null | head -n 1)
	if [ -n "$sock" ]; then
		like "$(grep -E '^(SocketMode|SocketGroup)=' "$sock" | sort | tr '\n' ' ')" 'SocketGroup=lite SocketMode=0660' \
			"socket unit: mode 0660, group lite"
	fi
fi

# sysusers.d / tmpfiles.d, applied to a scratch root (never the host)
for kind in sysusers tmpfiles; do
	f=$(find "$BUILDDIR/systemd" "$SRCDIR/systemd" -maxdepth 1 -type f \( -name "*.$kind" -o -name "*$kind*.conf" \) 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		skip "$kind.d file applies" "no $kind config found"
		continue
	fi
	if ! command -v systemd-$kind >/dev/null; then
		skip "$kind.d file applies" "systemd-$kind not installed"
		continue
	fi
	root=$T/root-$kind
	mkdir -p "$root/etc" "$root/run" "$root/var/lib"
	if [ $kind = sysusers ]; then
		out=$(systemd-sysusers --root="$root" "$f" 2>&1)
		rc=$?
		if [ $rc = 0 ] && grep -q '^lite:' "$root/etc/group" 2>/dev/null; then
			pass "sysusers.d file creates group lite ($(basename "$f"))"
		else
			fail "sysusers.d file creates group lite ($(basename "$f"))" "rc=$rc" "$out"
		fi
	else
		# tmpfiles needs the group it names
		echo 'lite:x:990:' >>"$root/etc/group"
		echo 'root:x:0:' >>"$root/etc/group"
		echo 'root:x:0:0::/root:/bin/sh' >"$root/etc/passwd"
		out=$(systemd-tmpfiles --root="$root" --create "$f" 2>&1)
		rc=$?
		if [ $rc = 0 ]; then
			pass "tmpfiles.d file applies ($(basename "$f"))"
		else
			fail "tmpfiles.d file applies ($(basename "$f"))" "rc=$rc" "$out"
		fi
	fi
done

done_testing
