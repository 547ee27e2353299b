#!/bin/bash
# mmdebstrap customize hook: makes the tree at $1 boot straight into the
# test session (see guest/) with as few units as possible.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$1

# Units a test boot does not need: logins, timers, first-boot prompts.
unneeded=(getty@tty1.service serial-getty@ttyS0.service console-getty.service
	getty.target systemd-firstboot.service apt-daily.timer
	apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service
	fstrim.timer dpkg-db-backup.timer systemd-tmpfiles-clean.timer)

install_session() {
	install -m 0755 "$here/guest/lite-vm-entry" "$root/usr/local/sbin/lite-vm-entry"
	install -m 0644 "$here/guest/lite-vm-run.service" "$root/etc/systemd/system/"
	ln -sf ../lite-vm-run.service "$root/etc/systemd/system/multi-user.target.wants/lite-vm-run.service"
}

mask_unneeded() {
	local u
	for u in "${unneeded[@]}"; do
		ln -sf /dev/null "$root/etc/systemd/system/$u"
	done
}

# A fixed machine-id: every boot of the snapshot is then not a "first boot".
identity() {
	echo litevm >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tlitevm\n' >"$root/etc/hosts"
	echo 6c697465766d00000000000000000001 >"$root/etc/machine-id"
	: >"$root/etc/fstab"
}

mkdir -p "$root/etc/systemd/system/multi-user.target.wants" "$root/usr/local/sbin"
install_session
mask_unneeded
identity
