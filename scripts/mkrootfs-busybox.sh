#!/bin/bash
# Build a minimal busybox root file system tarball from the host's Debian
# busybox-static, with no network access.
#
#   usage: mkrootfs-busybox.sh OUT.tar [SRC:DEST ...]
#
# OUT.tar holds bin/busybox, one symlink per applet, /etc/{passwd,group,
# hostname}, the usual empty directories, and each extra SRC copied to DEST
# (relative to the rootfs, e.g. build/tests/helpers/lite-test-helper:usr/bin/
# lite-test-helper).  Everything is owned by root.  `-` as OUT writes stdout.
set -euo pipefail

die() { echo "mkrootfs-busybox: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 OUT.tar [SRC:DEST ...]"
out=$1
shift

busybox=${BUSYBOX:-}
if [ -z "$busybox" ]; then
	for b in /bin/busybox /usr/bin/busybox; do
		[ -x "$b" ] && { busybox=$b; break; }
	done
fi
if [ -z "$busybox" ] || [ ! -x "$busybox" ]; then
	die "busybox not found (apt-get install busybox-static)"
fi
if command -v file >/dev/null && file -L "$busybox" | grep -q 'dynamically linked'; then
	die "$busybox is dynamically linked; install busybox-static"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkrootfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/rootfs
mkdir -p "$root"
cd "$root"

mkdir -p bin sbin usr/bin usr/sbin etc root var proc sys dev tmp home
chmod 0755 . bin sbin usr usr/bin usr/sbin etc var proc sys dev home
chmod 0700 root
chmod 1777 tmp
install -m 0755 "$busybox" bin/busybox

# One symlink per applet, pointing at /bin/busybox.  perl (Essential in
# Debian) makes ~400 links without a fork each; plain ln is the fallback.
applets=$("$busybox" --list-full | grep -v -e '^bin/busybox$' -e '^linuxrc$' -e '^$' -e '/$' -e '\.\.')
if command -v perl >/dev/null; then
	printf '%s\n' "$applets" | perl -ne 'chomp; next if -e $_ || -l $_;
		(my $d = $_) =~ s{/[^/]*$}{} or $d = "."; system("mkdir", "-p", $d) unless -d $d;
		symlink("/bin/busybox", $_) or die "symlink $_: $!\n"'
else
	while IFS= read -r applet; do
		[ -e "$applet" ] || [ -L "$applet" ] && continue
		mkdir -p "${applet%/*}"
		ln -s /bin/busybox "$applet"
	done <<<"$applets"
fi
[ -L bin/sh ] || die "busybox has no sh applet"

cat > etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > etc/group <<'EOF'
root:x:0:
tty:x:5:
nogroup:x:65534:
EOF
echo busybox > etc/hostname
chmod 0644 etc/passwd etc/group etc/hostname

for spec in "$@"; do
	case $spec in
	*:*) ;;
	*) die "bad extra file '$spec' (want SRC:DEST)" ;;
	esac
	src=${spec%%:*}
	dest=${spec#*:}
	dest=${dest#/}
	case /$dest/ in
	*/../* | // ) die "bad destination '$dest'" ;;
	esac
	case $src in /*) ;; *) src=$OLDPWD/$src ;; esac
	[ -f "$src" ] || die "no such file '${spec%%:*}'"
	mkdir -p "$(dirname "$dest")"
	rm -f "$dest"
	cp -L "$src" "$dest"
	chmod u+rw,go+r "$dest"
done

# Deterministic order and owner; mtime of now is fine (layer ids of the
# default image are per machine anyway).
case $out in
- | /*) ;;
*) out=$OLDPWD/$out ;;
esac
# Members are named like Docker's layers: "bin/sh", not "./bin/sh".
find . -mindepth 1 -maxdepth 1 -printf '%P\0' | LC_ALL=C sort -z |
	tar --create --file="$out" --owner=0 --group=0 --numeric-owner \
		--sort=name --format=gnu --null --files-from=-
