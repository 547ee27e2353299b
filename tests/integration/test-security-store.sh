#!/bin/bash
# Issue 11, attacks 1 and 2 and ownership (A4, B8): the storage roots are
# closed to host users (a setuid-root or cap_setuid file in a layer, a
# commit or a volume cannot be run from the host, not even as `nobody` or a
# user outside the socket's group), existing stores are closed at start;
# volumes, networks and image tags have owners; no message shows another
# user's container. Real host users (useradd, unique names, removed on exit)
# reach the daemon through a socket group of the test's own.
LIB_NETNS=1 # networks with containers on them, away from the host's network
source "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- users
SOCK_GROUP=lt$$s
TUSERS=()
# retry CMD... : other tests may hold /etc/passwd's lock for a moment
retry() { local i; for i in $(seq 20); do "$@" 2>/dev/null && return 0; sleep 0.3; done; "$@"; }
_store_cleanup() {
	local u
	for u in "${TUSERS[@]}"; do
		# the test's own unique user: its processes, one by one by pid
		for pid in $(ps -o pid= -u "$u" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		retry userdel "$u"
	done
	getent group "$SOCK_GROUP" >/dev/null && retry groupdel "$SOCK_GROUP"
}
# users go before lib.sh's cleanup (which keeps the exit status)
trap '_st_rc=$?; _store_cleanup; (exit $_st_rc); _cleanup' EXIT
retry groupadd "$SOCK_GROUP" || bail_out "groupadd $SOCK_GROUP"
sock_share() { chgrp "$SOCK_GROUP" "$SOCK" && chmod 660 "$SOCK"; }
sock_share || bail_out "cannot share the socket"
chmod 711 "$T" # mktemp made it 0700: $D's own mode is what is tested

# user_add NAME [in-group|outsider]
user_add() {
	local g=()
	[ "${2:-in-group}" = in-group ] && g=(-G "$SOCK_GROUP")
	TUSERS+=("$1")
	retry useradd -M -N -s /bin/sh "${g[@]}" "$1" || bail_out "useradd $1"
}
# as USER CMD... : CMD as a plain host user. Not setpriv: it keeps its
# capabilities until the execve, so the kernel would resolve CMD's path with
# CAP_DAC_OVERRIDE and a closed directory would not show.
as() { local u=$1; shift; runuser -u "$u" -- "$@" </dev/null; }
ulite() { local u=$1; shift; timeout -k 5 30 setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$LITE" "$@" </dev/null; }

UA=lt$$a; user_add "$UA"
UB=lt$$b; user_add "$UB"
OUT_U=lt$$o; user_add "$OUT_U" outsider
UIDA=$(id -u "$UA")
UIDB=$(id -u "$UB")
q() { "$@" >/dev/null 2>&1; }
ok "a user of the socket group reaches the daemon" q ulite "$UA" version

# ---------------------------------------------------------------- the evil image
# busybox + a setuid-root copy of id(1) and a copy of setpriv(1) that has
# only cap_setuid,cap_setgid=ep: both give uid 0 to whoever runs them
mk_evil() {
	local s=$T/evil
	rm -rf "$s"; mkdir -p "$s"
	tar -xf "$T/img.tar" -C "$s" || return 1
	install -m 4755 -o 0 -g 0 /usr/bin/id "$s/rootsh" || return 1
	install -m 0755 /usr/bin/setpriv "$s/capsh" && setcap cap_setuid,cap_setgid=ep "$s/capsh" || return 1
	tar --xattrs --xattrs-include='*' --numeric-owner -C "$s" -cf "$T/evil.tar" .
}
ok "make the evil rootfs" mk_evil
capture lite import "$T/evil.tar" evil:1
is_rc 0 "import the evil image"
layer_file() { ls -d "$D"/layers/sha256/*/"$1" 2>/dev/null | head -1; }
ROOTSH=$(layer_file rootsh)
CAPSH=$(layer_file capsh)
ok "the setuid file is in a layer" test -n "$ROOTSH"

# images keep what they need: only the way to them is closed
is "$(stat -c %a:%u "$ROOTSH")" 4755:0 "the layer keeps the setuid-root bit"
like "$(getfattr -n security.capability -e hex "$CAPSH" 2>&1)" 'security.capability=0x' \
	"the layer keeps the file capability"

# run_as_host USER FILE ARGS... : FILE run from the host by USER
run_as_host() {
	local u=$1; shift
	capture as "$u" "$@"
}
# closed USER FILE DESC ARGS... : FILE cannot be reached by USER, let alone run
closed() {
	local u=$1 f=$2 d=$3; shift 3
	run_as_host "$u" "$f" "$@"
	isnt "$RC" 0 "$d: $u cannot run it"
	like "$ERR" 'Permission denied' "$d: $u gets Permission denied"
	unlike "$OUT" 'uid=0|^0$' "$d: $u did not get uid 0"
}

# --- attack 1: the layer store (H1-H3)
closed "$OUT_U" "$ROOTSH" "setuid-root file in a layer (outsider)"
closed "$UA" "$ROOTSH" "setuid-root file in a layer (socket group)"
closed nobody "$ROOTSH" "setuid-root file in a layer"
closed "$OUT_U" "$CAPSH" "cap_setuid=ep file in a layer" --reuid=0 --regid=0 --clear-groups id -u
closed nobody "$CAPSH" "cap_setuid=ep file in a layer" --reuid=0 --regid=0 --clear-groups id -u
capture as "$OUT_U" ls "$D/layers"
like "$ERR" 'Permission denied' "a host user cannot list the layers"

# --- commit of a container that made a setuid file (H4)
capture lite run --name cm evil:1 sh -c 'cp /rootsh /sh2 && chmod 4755 /sh2'
is_rc 0 "a container makes a setuid-root file"
capture lite commit cm evil:2
is_rc 0 "commit it"
SH2=$(layer_file sh2)
is "$(stat -c %a:%u "$SH2")" 4755:0 "commit keeps the setuid bit"
closed "$OUT_U" "$SH2" "setuid-root file of a commit"
closed nobody "$SH2" "setuid-root file of a commit"
CMID=$(ifield cm id)
closed "$OUT_U" "$D/containers/$CMID/upper/sh2" "setuid-root file in a container's upper dir"

# --- attack 2: a volume (H5)
ok "volume create vh" q lite volume create vh
capture lite run --rm -v vh:/v evil:1 sh -c 'cp /rootsh /v/h && chmod 4755 /v/h'
is_rc 0 "container root writes a setuid-root file into a volume"
is "$(stat -c %a:%u "$D/volumes/vh/_data/h")" 4755:0 "it is there, setuid root"
closed "$OUT_U" "$D/volumes/vh/_data/h" "setuid-root file in a volume"
closed "$UA" "$D/volumes/vh/_data/h" "setuid-root file in a volume"
closed nobody "$D/volumes/vh/_data/h" "setuid-root file in a volume"

# --- modes, and their migration at start (H6, H7)
modes_closed() {
	local p bad=
	for p in "$D" "$D/layers" "$D/layers/sha256" "$D/images" "$D/images/sha256" "$D/volumes" \
		"$D/containers" "$D/networks" "$D/tmp" "$E"; do
		[ "$(stat -c %a:%U:%G "$p")" = 700:root:root ] || bad="$bad $p=$(stat -c %a:%U:%G "$p")"
	done
	[ -z "$bad" ] || { echo "not closed:$bad"; return 1; }
}
ok "data root, its trees and the exec root are 0700 root:root" modes_closed
stop_daemon
chmod 711 "$D" "$D/layers" "$D/layers/sha256" "$E"
chmod 755 "$D/volumes" "$D/containers" "$D/images"
chown "$UA" "$D/tmp"
start_daemon || bail_out "daemon restart failed"
sock_share
ok "an existing store is closed again at start" modes_closed
closed "$OUT_U" "$ROOTSH" "after the restart, setuid-root file in a layer"

# ---------------------------------------------------------------- volumes (A4)
ok "A: volume create data" q ulite "$UA" volume create data
capture ulite "$UA" run --rm -v data:/d testimg sh -c 'echo from-A > /d/a'
is_rc 0 "A writes into its volume data"
capture ulite "$UB" volume inspect data
isnt "$RC" 0 "B: A's volume data is not found"
like "$ERR" '[Nn]o such volume' "...as \"No such volume\""
capture ulite "$UB" run --rm -v data:/d testimg sh -c 'ls -A /d; echo from-B > /d/b'
is_rc 0 "B: -v data:/d gives B a volume data of its own"
unlike "$OUT" 'a' "...which does not hold A's file"
is "$(ulite "$UB" volume ls -q | tr '\n' ' ')" "data " "B lists only its own volume"
capture ulite "$UA" run --rm -v data:/d testimg cat /d/a
is "$OUT" from-A "A's data is untouched"
capture ulite "$UA" run --rm -v data:/d testimg ls /d
is "$OUT" a "...and holds none of B's files"
capture lite volume ls -q
like "$OUT" "^_u$UIDA/data$" "root lists A's volume as _u$UIDA/data"
like "$OUT" "^_u$UIDB/data$" "...and B's as _u$UIDB/data"
like "$OUT" '^vh$' "...and its own by name"
is "$(rfield volume_inspect name "_u$UIDA/data" owner_uid)" "$UIDA" "volume.json records A as the owner"
is "$(rfield volume_inspect name vh owner_uid)" 0 "root's volume is root's"
capture ulite "$UA" volume inspect vh
like "$RC $ERR" '^[1-9].*[Nn]o such volume' "A: root's volume vh is not found"
capture ulite "$UA" run --rm -v vh:/v testimg ls /v
unlike "$OUT" '^h$' "A: -v vh:/v is not root's volume"
capture ulite "$UB" volume rm data
is_rc 0 "B removes its own volume"
capture lite volume inspect "_u$UIDA/data"
is_rc 0 "...and A's is still there"
capture ulite "$UB" volume rm data
like "$RC $ERR" '^[1-9].*no such volume' "B: A's volume cannot be removed"
capture ulite "$UB" volume prune -f -a
ok "B's prune leaves A's volume" q lite volume inspect "_u$UIDA/data"
ok "...and root's" q lite volume inspect vh
# a volume made before owners existed: volumes/NAME, no owner_uid: root's
mkdir -p "$D/volumes/old1/_data"
echo '{"name":"old1","created":1,"anonymous":false}' >"$D/volumes/old1/volume.json"
is "$(rfield volume_inspect name old1 owner_uid)" 0 "an old volume is root's"
capture ulite "$UA" volume inspect old1
isnt "$RC" 0 "...and not found by A"
# in use by root's container (--volumes-from): the message names no container
ok "A: a container on its volume" q ulite "$UA" run -d --name ua1 -v data:/d testimg sleep 300
ok "root: --volumes-from A's container" q lite run -d --name rootvf$$ --volumes-from ua1 testimg sleep 300
ok "A: rm -f ua1" q ulite "$UA" rm -f ua1
capture ulite "$UA" volume rm data
like "$RC $ERR" '^[1-9].*in use by a container' "A: its volume is in use (by root's container)"
unlike "$ERR" "rootvf$$|$(ifield rootvf$$ id | cut -c1-12)" "...without root's container's name or id"
ok "root: rm -f rootvf" q lite rm -f rootvf$$
ok "A: now rm data works" q ulite "$UA" volume rm data
# an anonymous volume of A's goes with its --rm container
capture ulite "$UA" run --rm -v /anon testimg true
is_rc 0 "A: run --rm with an anonymous volume"
is "$(ls -A "$D/volumes/_u$UIDA" | grep -E '^[0-9a-f]{64}$')" "" "...which went with the container"

# ---------------------------------------------------------------- names
ok "root: run web" q lite run -d --name web$$ testimg sleep 300
RID=$(ifield web$$ id)
capture ulite "$UA" run --name web$$ testimg true
is_rc 125 "A: the name is taken"
like "$ERR" "the container name \"web$$\" is already in use" "...says so"
unlike "$ERR" "${RID:0:12}" "...without root's container id"
ok "A: a container of its own" q ulite "$UA" run -d --name ua2 testimg sleep 300
capture ulite "$UA" rename ua2 web$$
isnt "$RC" 0 "A: rename to root's name refused"
unlike "$ERR" "${RID:0:12}" "...without root's container id"
capture ulite "$UA" inspect web$$
like "$RC $ERR" '^[1-9].*(not found|[Nn]o such)' "A: root's container is not found"
capture lite run --name ua2 testimg true
like "$ERR" "already in use by container $(ifield ua2 id | cut -c1-12)" "root still sees the id"

# ---------------------------------------------------------------- networks
ok "root: network create" q lite network create rn$$
ok "root: a container on it" q lite run -d --name rnc$$ --network rn$$ testimg sleep 300
RNC=$(ifield rnc$$ id)
capture lite network inspect rn$$
like "$OUT" "rnc$$" "root's network inspect lists its container"
capture ulite "$UA" network inspect rn$$
is_rc 0 "A: root's network is visible"
unlike "$OUT" "rnc$$|${RNC:0:12}" "...without root's container"
capture ulite "$UA" run -d --name uan --network rn$$ testimg sleep 300
is_rc 0 "A: root's network is usable by all"
capture ulite "$UA" network inspect rn$$
like "$OUT" "uan" "A sees its own container there"
capture ulite "$UA" network create an$$
like "$RC $ERR" '^125 .*only root' "A: network create stays root's"
ok "rm -f the network's containers" q lite rm -f rnc$$ uan

# ---------------------------------------------------------------- image tags
TESTIMG_ID=$(lite image inspect testimg | jget Id)
EVIL_ID=$(lite image inspect evil:1 | jget Id)
tag_json() { "$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])).get(sys.argv[2])))' \
	"$D/repositories.json" "$1"; }
is "$(tag_json testimg:latest)" "\"$TESTIMG_ID\"" "root's tag keeps the old string form"
capture ulite "$UA" tag evil:1 testimg
isnt "$RC" 0 "A: retag root's testimg refused"
like "$ERR" 'testimg:latest belongs to another user' "...with the reason"
capture ulite "$UA" import "$T/evil.tar" testimg
isnt "$RC" 0 "A: import over root's testimg refused"
capture ulite "$UA" tag "$TESTIMG_ID" testimg
is_rc 0 "A: tagging testimg with the image it names already is a no-op"
is "$(tag_json testimg:latest)" "\"$TESTIMG_ID\"" "...and the tag stays root's"
capture ulite "$UA" rmi testimg
isnt "$RC" 0 "A: rmi testimg refused"
capture ulite "$UA" rmi -f testimg
isnt "$RC" 0 "A: rmi -f testimg refused"
capture ulite "$UA" rmi -f "$TESTIMG_ID"
isnt "$RC" 0 "A: rmi -f by id refused (root's tag on it)"
is "$(lite image inspect testimg | jget Id)" "$TESTIMG_ID" "testimg still names root's image"
capture ulite "$UA" tag testimg mine:1
is_rc 0 "A: tag testimg mine:1"
is "$(tag_json mine:1)" "{\"id\": \"$TESTIMG_ID\", \"owner\": $UIDA}" "...recorded as A's"
like "$(lite images)" '^mine +1 ' "images lists a tag in the owner form"
like "$(lite image inspect testimg | jget RepoTags)" 'mine:1' "image inspect shows it"
capture ulite "$UA" commit ua2 testimg
isnt "$RC" 0 "A: commit onto root's testimg refused"
like "$ERR" 'belongs to another user' "...with the reason"
capture ulite "$UB" rmi mine:1
isnt "$RC" 0 "B: rmi of A's tag refused"
capture ulite "$UB" tag evil:1 mine:1
isnt "$RC" 0 "B: retag of A's tag refused"
capture ulite "$UA" tag evil:1 mine:1
is_rc 0 "A: repoint its own tag"
capture lite tag testimg mine:1
is_rc 0 "root: may repoint any tag"
capture ulite "$UA" rmi mine:1
isnt "$RC" 0 "A: the tag is root's now"
capture lite rmi mine:1
is_rc 0 "root: rmi mine:1"
# an image only A's tag names, used by B's container
cp "$T/evil.tar" "$T/a.tar"
mkdir -p "$T/ax" && echo A >"$T/ax/a-only" && tar -rf "$T/a.tar" -C "$T/ax" ./a-only
capture ulite "$UA" import "$T/a.tar" aimg:1
is_rc 0 "A: import aimg:1"
AIMG_ID=$(lite image inspect aimg:1 | jget Id)
ok "B: a container on A's image" q ulite "$UB" run -d --name bsecret$$ aimg:1 sleep 300
BID=$(ifield bsecret$$ id)
capture ulite "$UA" rmi aimg:1
isnt "$RC" 0 "A: rmi of an image B's container uses refused"
like "$ERR" 'being used by a container' "...it is in use"
unlike "$ERR" "bsecret$$|${BID:0:12}" "...without B's container's name or id"
capture ulite "$UA" rmi -f aimg:1
is_rc 0 "A: rmi -f aimg:1 untags"
ok "B's container's image is still there" q lite image inspect "$AIMG_ID"
capture ulite "$UA" rmi -f "$AIMG_ID"
isnt "$RC" 0 "A: rmi -f of the now untagged image refused (no owner recorded)"
unlike "$ERR" "bsecret$$|${BID:0:12}" "...without B's container's name or id"
# A's prune leaves root's unused images alone
capture ulite "$UA" image prune -a -f
is_rc 0 "A: image prune -a"
ok "root's unused evil:2 survives A's prune" q lite image inspect evil:2
is "$(lite image inspect evil:1 | jget Id)" "$EVIL_ID" "root's evil:1 survives"
ok "rm -f the remaining containers" q lite rm -f bsecret$$ ua2 web$$ cm

# root's prune reaches every owner's unused volumes, named as volume ls does
ok "B: volume create pv" q ulite "$UB" volume create pv
capture lite volume prune -f -a
like "$OUT" "^_u$UIDB/pv$" "root's volume prune names B's volume _u$UIDB/pv"
not_ok "...and removed it" q lite volume inspect "_u$UIDB/pv"

done_testing
