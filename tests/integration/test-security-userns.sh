#!/bin/bash
# Issue 11 A1/A2: containers of non-root callers run in a user namespace
# (container root is an unprivileged host range: /etc/subuid, else an
# automatic block recorded in DATA_ROOT/userns.json), image layers are
# shared through idmapped mounts (no copy), and root's default is
# unchanged. Real host users (useradd, unique names, removed on exit).
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/lib-users.sh"

# user_add_nosub NAME : the same without subordinate ids (automatic range)
user_add_nosub() {
	local s
	user_add "$1"
	s=$(awk -F: -v u="$1" '$1 == u { print $2 "-" $2 + $3 - 1 }' /etc/subuid)
	[ -z "$s" ] || usermod --del-subuids "$s" --del-subgids "$s" "$1" || bail_out "usermod $1"
}
subuid_start() { awk -F: -v u="$1" '$1 == u { print $2; exit }' /etc/subuid; }
host_uid() { awk '/^Uid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
layers_du() { du -sk "$D/layers" | cut -f1; }

sock_share || bail_out "cannot share the socket"
build_test_image

UA=lt$$a; user_add "$UA"
UB=lt$$b; user_add_nosub "$UB"
BA=$(subuid_start "$UA")
[ -n "$BA" ] || bail_out "useradd gave $UA no /etc/subuid entry"
diag "user $UA: subuid base $BA"

capture lite info --format json
is "$(jget Lite.userns.supported <<<"$OUT")" true "info: user namespaces supported here"

# --- root: unchanged by default, opt in with --userns=auto
capture lite run --rm testimg cat /proc/self/uid_map
like "$OUT" '^ *0 +0 +4294967295' "root's container: no user namespace by default"
capture lite run --rm --userns=auto testimg sh -c 'cat /proc/self/uid_map; id -u'
is_rc 0 "root with --userns=auto: runs"
like "$OUT" '^ *0 +[0-9]+ +65536' "root with --userns=auto: a 65536-id map"
RB=$(awk 'NR == 1 { print $2 }' <<<"$OUT")
ok "root's automatic range comes from the pool" test "${RB:-0}" -ge 1879048192
capture lite run --rm --userns=bogus testimg true
is_rc 125 "--userns bogus refused"
like "$ERR" 'invalid --userns' "... with a clear message"

# --- a user with /etc/subuid
L0=$(layers_du); N0=$(ls "$D/layers/sha256" | wc -l)
capture ulite "$UA" run --rm testimg id -u
is_rc 0 "non-root run works"
is "$OUT" 0 "non-root: id -u is 0 inside"
capture ulite "$UA" run --rm --userns=host testimg true
is_rc 125 "non-root --userns=host refused"
like "$ERR" 'userns=host is for root only' "... for root only"

capture ulite "$UA" run -d --name "ua$$" testimg sleep 300
is_rc 0 "non-root detached run"
PA=$(ifield "ua$$" state.pid)
is "$(host_uid "$PA")" "$BA" "the container's root is the user's subuid base on the host"
capture ulite "$UA" exec "ua$$" cat /proc/self/uid_map
like "$OUT" "^ *0 +$BA +65536\$" "exec: inside the same user namespace"
capture ulite "$UA" exec "ua$$" id -u
is "$OUT" 0 "exec: uid 0 inside"
capture ulite "$UA" exec "ua$$" stat -c %u:%g /bin/busybox
is "$OUT" 0:0 "image files are 0:0 inside"
capture ulite "$UA" exec "ua$$" sh -c 'touch /newfile && echo x > /etc/hosts && echo ok'
is "$OUT" ok "container root writes its root file system and /etc/hosts"
CA=$(ifield "ua$$" id)
is "$(stat -c %u:%g "$D/containers/$CA/upper/newfile")" "$BA:$BA" "a file made inside is the base's on the host"
is "$(stat -c %u:%g "$D/containers/$CA/upper")" "$BA:$BA" "the upper dir is the base's"
capture ulite "$UA" exec "ua$$" cat /proc/self/status
like "$OUT" 'CapEff:' "exec: status readable"
capture ulite "$UA" exec "ua$$" ls -l /dev/null
like "$OUT" '^c' "/dev/null is a device node"
capture ulite "$UA" exec "ua$$" sh -c 'echo hi > /dev/null && echo ok'
is "$OUT" ok "/dev/null is writable"

# --- -t, logs, stop, restart
capture ulite "$UA" run -d -t --name "uat$$" testimg sh -c 'stat -c "tty=%u" $(tty); sleep 300'
is_rc 0 "non-root run -t"
wait_for 5 sh -c "setpriv --reuid=$UA --regid=$(id -g "$UA") --init-groups -- $LITE logs uat$$ 2>/dev/null | grep -q tty="
capture ulite "$UA" logs "uat$$"
like "$OUT" 'tty=0' "the terminal is container root's (logs)"
capture ulite "$UA" stop -t 1 "uat$$"
is_rc 0 "stop"
capture ulite "$UA" restart -t 1 "ua$$"
is_rc 0 "restart"
PA=$(ifield "ua$$" state.pid)
is "$(host_uid "$PA")" "$BA" "after restart: same range"
capture ulite "$UA" exec "ua$$" stat -c %u /newfile
is "$OUT" 0 "after restart: the upper dir's files are still root's inside"

# --- a user without /etc/subuid: an automatic block
capture ulite "$UB" run -d --name "ub$$" testimg sleep 300
is_rc 0 "user without subuid: run"
BB=$(host_uid "$(ifield "ub$$" state.pid)")
ok "automatic range from the pool (>= 0x70000000)" test "${BB:-0}" -ge 1879048192
ok "automatic range aligned to 65536" test $(( ${BB:-1} % 65536 )) -eq 0
isnt "$BB" "$BA" "another user, another range"
isnt "$BB" "$RB" "not root's range either"
is "$(jget "users.$(id -u "$UB").uid_base" <"$D/userns.json")" "$BB" "recorded in userns.json"
is "$(jget "users.$(id -u "$UB").source" <"$D/userns.json")" auto "... as automatic"
is "$(stat -c %a "$D/userns.json")" 600 "userns.json is 0600"

# --- no layer copy for either user
is "$(ls "$D/layers/sha256" | wc -l)" "$N0" "no extra layer"
L1=$(layers_du)
ok "layers' size unchanged ($L0 KB -> $L1 KB)" test $(( L1 - L0 )) -le 4 -a $(( L0 - L1 )) -le 4
CB=$(ifield "ub$$" id)
ok "the second user's upper dir is (almost) empty" test "$(du -sk "$D/containers/$CB/upper" | cut -f1)" -lt 64

# --- cp, commit, export hold the container's ids, not the host's
capture ulite "$UA" exec "ua$$" sh -c 'echo x > /owned && chown 1234:1234 /owned && echo ok'
is "$OUT" ok "container root chowns a file to 1234"
is "$(stat -c %u "$D/containers/$CA/upper/owned")" $(( BA + 1234 )) "... which is base+1234 on the host"
is "$(ulite "$UA" cp "ua$$:/owned" - | tar -tvf - 2>&1 | awk '{ print $2 }')" 1234/1234 "cp out: the archive holds 1234"
echo hi >"$T/cpin"
capture lite cp "$T/cpin" "ua$$:/tmp/"
is_rc 0 "cp into the container"
capture ulite "$UA" exec "ua$$" stat -c %u:%g /tmp/cpin
is "$OUT" 0:0 "cp in: a root-owned file is root's inside (not nobody)"
capture ulite "$UA" commit "ua$$" "ucommit$$:1"
is_rc 0 "commit of a user-namespaced container"
capture lite run --rm "ucommit$$:1" true
isnt "$RC" 0 "root does not run a tag a non-root user made (it could name anything)"
like "$ERR" "tag made by uid" "... and says why"
UIMG=$(lite image inspect "ucommit$$:1" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d.get("id") or d.get("Id"))')
capture lite run --rm "$UIMG" stat -c %u /owned
is "$OUT" 1234 "the committed layer holds the container's id (root runs it by id)"
is "$(ulite "$UA" export "ua$$" | tar -tvf - owned 2>&1 | awk '{ print $2 }')" 1234/1234 "export holds the container's id"

# --- volumes: a new volume becomes the container root's
capture ulite "$UA" run --rm -v "uv$$:/d" testimg sh -c 'touch /d/a && stat -c %u /d/a'
is "$OUT" 0 "a new volume is writable by container root"
VA=$(find "$D/volumes" -path "*uv$$/_data/a" 2>/dev/null | head -n 1)
is "$(stat -c %u "$VA" 2>&1)" "$BA" "the volume's file is the base's on the host"

# --- A2: host binds of a non-root caller, opened with its credentials
mkdir -p "$T/share" "$T/private" "$T/rodir"
chown "$UA" "$T/share"; chmod 0777 "$T/share"  # container root (the base, not UA) writes here
chmod 0700 "$T/private"                        # root's
chown "$UA" "$T/rodir"; chmod 0555 "$T/rodir"
ln -s "$T/share" "$T/share-link"
capture ulite "$UA" run --rm -v "$T/share:/s" testimg sh -c 'touch /s/f && stat -c %u /s/f'
is_rc 0 "a non-root caller binds a dir it can open"
is "$OUT" 0 "... the file is root's inside"
is "$(stat -c %u "$T/share/f" 2>&1)" "$BA" "... and the base's on the host"
capture ulite "$UA" run --rm -v "$T/private:/p" testimg true
is_rc 125 "a dir the caller cannot open is refused"
like "$ERR" "cannot open" "... saying so"
like "$ERR" "$T/private" "... naming the path"
capture ulite "$UA" run --rm -v "/etc/shadow:/x:ro" testimg true
is_rc 125 "a file the caller cannot read is refused"
capture ulite "$UA" run --rm -v "$T/rodir:/r" testimg true
is_rc 125 "a read-write bind of a dir the caller cannot write is refused"
like "$ERR" "cannot write" "... saying so"
capture ulite "$UA" run --rm -v "$T/rodir:/r:ro" testimg true
is_rc 0 "... and read-only it is fine"
capture ulite "$UA" run --rm -v "$T/share-link:/s" testimg ls /s
is_rc 0 "the client sends a symlink's real path"
like "$OUT" '^f$' "... so the bind works"
urawreq() { setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups -- "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(20); s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read()); buf = b""
while b"\n" not in buf:
    c = s.recv(65536)
    if not c: break
    buf += c
print(buf.split(b"\n")[0].decode("utf-8", "replace"))' "$SOCK"; }
OUT=$(printf '{"jsonrpc":"2.0","id":1,"method":"run","params":{"image":"testimg","cmd":["true"],"rm":true,"volumes":["%s:/s"]}}\n' "$T/share-link" | urawreq "$UA")
like "$OUT" 'symlink' "a raw request with a symlinked source is refused: symlink"
capture ulite "$UA" run --rm -v "$T/share:/proc/sys/kernel" testimg true
is_rc 125 "a non-root mount over /proc is refused"
like "$ERR" 'for root only' "... for root only"
capture ulite "$UA" run --rm --tmpfs /sys/fs testimg true
is_rc 125 "a non-root mount over /sys is refused"
capture ulite "$UA" run --rm --tmpfs //./proc/x testimg true
is_rc 125 "... also spelt //./proc"
capture ulite "$UA" run --rm --tmpfs /procx testimg true
is_rc 0 "... while /procx is fine"

# the check and the mount use one fd: swapping a path component for a
# symlink to a private dir while runs go on never shows the private file
mkdir -p "$T/x/d" "$T/sp/d"; chmod 777 "$T/x/d"; touch "$T/x/d/pub-$$"
chmod 700 "$T/sp/d"; touch "$T/sp/d/flag-$$"; ln -s "$T/sp" "$T/y"
"$PY" -c '
import ctypes, sys, time
l = ctypes.CDLL(None, use_errno=True); end = time.time() + 60
while time.time() < end:
    l.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), 2)' "$T/x" "$T/y" &
XP=$!
for i in $(seq 20); do ulite "$UA" run --rm -v "$T/x/d:/s" testimg ls /s; done >"$T/race.out" 2>&1
kill "$XP"; wait "$XP" 2>/dev/null
unlike "$(cat "$T/race.out")" "flag-$$" "a symlink swap race never mounts the private dir"
like "$(cat "$T/race.out")" "pub-$$|symlink|cannot open" "... runs list the public dir or are refused"

# --- live restore: the daemon dies, the container stays managed
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
start_daemon || bail_out "daemon did not restart"
sock_share
capture ulite "$UA" exec "ua$$" id -u
is "$OUT" 0 "after a daemon crash: exec still joins the user namespace"
capture ulite "$UB" run --rm testimg cat /proc/self/uid_map
like "$OUT" "^ *0 +$BB +65536" "after a restart: the automatic range is the same"
capture ulite "$UA" stop -t 1 "ua$$"
is_rc 0 "after a daemon crash: stop"
is "$(ifield "ua$$" state.status)" exited "... and it is exited"

# --- attach: stdin through run -i
OUT=$(printf 'hello\n' | timeout -k 5 30 setpriv --reuid="$UA" --regid="$(id -g "$UA")" --init-groups -- "$LITE" run -i --rm testimg cat 2>&1)
is "$OUT" hello "run -i attaches stdin and stdout"

# --- the container hardening holds inside a non-root caller's user namespace too
OUT=$(ulite "$UA" run --rm testimg sh -c 'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t " " " | tr "\n" ";"; ( : > /proc/sys/kernel/core_pattern ) 2>/dev/null && echo core_pattern=writable; unshare -U true 2>/dev/null && echo unshare=ok; mount -t tmpfs t /mnt 2>/dev/null && echo mount=ok; true' 2>&1)
like "$OUT" 'CapInh: 0000000000000000' "userns: inheritable capabilities empty"
like "$OUT" 'CapEff: 00000000a80425fb' "userns: Docker's 14 capabilities effective (in the user namespace)"
like "$OUT" 'CapBnd: 00000000a80425fb' "userns: ... and bounding"
like "$OUT" 'CapAmb: 0000000000000000' "userns: ambient empty"
like "$OUT" 'NoNewPrivs: 1' "userns: no_new_privs"
like "$OUT" 'Seccomp: 2' "userns: seccomp filter"
unlike "$OUT" 'core_pattern=writable' "userns: /proc/sys read-only"
unlike "$OUT" 'unshare=ok' "userns: no nested user namespace"
unlike "$OUT" 'mount=ok' "userns: mount refused"

# --- lite cp acts as the container's root, never as host root (found in review)
mkdir -p "$T/cpb" "$T/cpt" && chmod 777 "$T/cpb" && chmod 1777 "$T/cpt"
echo root-data >"$T/cpt/rootfile" && chmod 644 "$T/cpt/rootfile"
"$PY" - "$T/suid.tar" <<'PYEOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    ti = tarfile.TarInfo("rootsh"); data = b"#!/bin/sh\nid -u\n"
    ti.size = len(data); ti.mode = 0o6755; ti.uid = ti.gid = 70000   # outside the range
    t.addfile(ti, io.BytesIO(data))
PYEOF
capture ulite "$UA" run -d --name "ucp$$" -v "$T/cpb:/b" -v "$T/cpt:/t" -v /:/r:ro testimg sleep 300
is_rc 0 "a container with binds for the cp checks"
timeout -k 5 30 setpriv --reuid="$UA" --regid="$(id -g "$UA")" --init-groups -- "$LITE" cp - "ucp$$:/b" \
	<"$T/suid.tar" >/dev/null 2>&1
ok "cp in of an archive into the bind" test -e "$T/cpb/rootsh"
own=$(stat -c '%u %a' "$T/cpb/rootsh" 2>/dev/null)
case $own in
"0 "*) fail "cp of an out-of-range owner into a bind: not host root's" "got: $own" ;;
*[0-9]" "[2467]???) fail "cp of an out-of-range owner into a bind: no setuid/setgid left" "got: $own" ;;
*) pass "cp of an out-of-range owner into a bind: neither host root's nor setuid ($own)" ;;
esac
OUT=$(ulite "$UA" cp "ucp$$:/r/etc/shadow" - 2>&1 | tar -xOf - 2>/dev/null | head -c 200)
unlike "$OUT" '^root:' "cp out cannot read /etc/shadow through a read-only bind of /"
echo replaced >"$T/new"; chmod 644 "$T/new"; mkdir -p "$T/cpsrc"; cp "$T/new" "$T/cpsrc/rootfile"
ulite "$UA" cp "$T/cpsrc/rootfile" "ucp$$:/t/rootfile" >/dev/null 2>&1
is "$(cat "$T/cpt/rootfile")" root-data "cp into a sticky bind cannot replace a file of host root's"
ulite "$UA" rm -f "ucp$$" >/dev/null 2>&1

# --- a state.json of a non-root user's container without a range is refused
capture ulite "$UA" create --name "uold$$" testimg true
CO=$(ifield "uold$$" id)
stop_daemon
"$PY" - "$D/containers/$CO/state.json" <<'PYEOF'
import json, sys
p = sys.argv[1]; s = json.load(open(p)); s["run"].pop("userns", None); json.dump(s, open(p, "w"))
PYEOF
start_daemon || bail_out "daemon did not restart"
sock_share
capture ulite "$UA" start "uold$$"
isnt "$RC" 0 "a non-root container without a range does not start as root"
like "$ERR" "without a user namespace" "... with a clear message"

# --- daemon.json userns-remap: everyone's default, root opts out
stop_daemon
echo '{"bridge":"none","userns-remap":"default"}' >"$T/daemon.json"
start_daemon || bail_out "daemon did not restart with userns-remap"
sock_share
capture lite run --rm testimg cat /proc/self/uid_map
like "$OUT" '^ *0 +[0-9]+ +65536' "userns-remap default: root's container in a user namespace"
capture lite run --rm --userns=host testimg cat /proc/self/uid_map
like "$OUT" '^ *0 +0 +4294967295' "... --userns=host opts out"
capture lite info
like "$OUT" 'User Namespaces: supported' "lite info reports user namespaces"

done_testing
