#!/bin/bash
# Issue 16: lite cp INTO a stopped container (created or exited), as docker
# cp does (`create` + `cp` + `start`): the files are there once it starts,
# with their owners and modes; Docker's destination rules and errors;
# volumes and binds written, read-only ones refused; symlinks resolved
# inside the container, never on the host; start and rm refused while a
# copy is under way; a non-root user's container (user namespace) gets
# exactly what a copy into it running gives.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-users.sh"
sock_share || bail_out "cannot share the socket"

S=$T/src
mkdir -p "$S/dir/sub"
echo one >"$S/f" && chmod 640 "$S/f" && chown 12:34 "$S/f"
echo deep >"$S/dir/sub/g"
no_leftovers() { ! ls "$D/tmp" 2>/dev/null | grep -q job-cpmnt && ! grep -q job-cpmnt /proc/self/mountinfo; }

# --- a created container, never started
lite create --name "cs1$$" testimg sleep 600 >/dev/null
capture lite cp "$S/f" "cs1$$:/etc/newfile"
is_rc 0 "cp a file into a created container"
capture lite cp "$S/dir" "cs1$$:/tmp"
is_rc 0 "cp a directory into it"
tar -C "$S/dir" -cf - sub | "$LITE" cp - "cs1$$:/etc"
is $? 0 "cp - (a tar on stdin) into it"
capture lite cp "$S/f" "cs1$$:/nope/deeper/x"
is "$RC" 1 "a missing destination parent fails"
is "$(printf %s "$ERR" | wc -l)" 0 "in one line: $ERR"
capture lite cp "$S/f" "cs1$$:/etc/newfile/"
is "$RC" 1 "DEST/ that is a file fails"
like "$ERR" '[Nn]ot a directory' "it says not a directory"
capture lite cp "$S/dir" "cs1$$:/etc/newfile"
is "$RC" 1 "a directory onto a file fails"
like "$ERR" 'cannot copy a directory to a file' "it says so"
ok "no mount or staging dir left behind" no_leftovers
is "$(lite inspect -f '{{.State.Status}}' "cs1$$")" created "it is still created"
capture lite start "cs1$$"
is_rc 0 "it starts"
is "$(lite exec "cs1$$" cat /etc/newfile)" one "the file is there"
is "$(lite exec "cs1$$" stat -c '%a %u:%g' /etc/newfile)" "640 12:34" "with its mode and owner"
is "$(lite exec "cs1$$" cat /tmp/dir/sub/g)" deep "the directory too"
is "$(lite exec "cs1$$" cat /etc/sub/g)" deep "and the tar's content"
is "$(lite exec "cs1$$" stat -c '%u:%g %a' /etc)" "0:0 755" "/etc (copied up) keeps its owner and mode"

# --- an exited container; symlinks lead inside it, never to the host
lite exec "cs1$$" sh -c "ln -s / /evil && ln -s ../../../../../../.. /up && ln -s /etc /tmp/etclink" >/dev/null
lite stop -t 1 "cs1$$" >/dev/null
capture lite cp "$S/f" "cs1$$:/tmp/after"
is_rc 0 "cp into an exited container"
capture lite cp "$S/f" "cs1$$:/evil/etc/escaped-$$"
is_rc 0 "cp through a link to / inside"
ok "it is not on the host's /etc" test ! -e "/etc/escaped-$$"
capture lite cp "$S/f" "cs1$$:/up/tmp/escaped-$$"
is_rc 0 "cp through a ../../.. link"
ok "it is not on the host's /tmp" test ! -e "/tmp/escaped-$$"
capture lite cp "$S/dir" "cs1$$:/tmp/etclink"
is_rc 0 "cp into a directory through an absolute link"
lite start "cs1$$" >/dev/null
is "$(lite exec "cs1$$" cat /tmp/after)" one "after start: the file copied while exited"
is "$(lite exec "cs1$$" cat "/etc/escaped-$$")" one "the escape attempt landed in the container's /etc"
is "$(lite exec "cs1$$" cat "/tmp/escaped-$$")" one "and in the container's /tmp"
is "$(lite exec "cs1$$" cat /etc/dir/sub/g)" deep "the link to /etc was followed inside"
lite rm -f "cs1$$" >/dev/null

# --- volumes and binds
mkdir -p "$T/ro" "$T/rw"
echo keep >"$T/ro/k"
lite create --name "cs2$$" -v "csvol$$:/data" -v "$T/ro:/ro:ro" -v "$T/rw:/rw" testimg sleep 600 >/dev/null
capture lite cp "$S/f" "cs2$$:/data/f"
is_rc 0 "cp into a named volume of a created container"
ok "it is in the volume" test -f "$D/volumes/csvol$$/_data/f"
capture lite cp "$S/f" "cs2$$:/rw/f"
is_rc 0 "cp into a read-write bind"
is "$(stat -c '%u:%g' "$T/rw/f" 2>/dev/null)" 12:34 "it is in the host dir, owners kept"
capture lite cp "$S/f" "cs2$$:/ro/x"
is "$RC" 1 "cp into a read-only bind fails"
like "$ERR" '[Rr]ead-only' "it says read-only"
ok "nothing written there" test ! -e "$T/ro/x"
ok "no mount or staging dir left behind" no_leftovers

# --- a read-only root file system stays read-only; its volume does not
lite create --name "csro$$" --read-only -v "csvol2$$:/vol" testimg sleep 600 >/dev/null
capture lite cp "$S/f" "csro$$:/etc/x"
is "$RC" 1 "cp into a --read-only container's rootfs fails"
like "$ERR" '[Rr]ead-only' "it says read-only"
capture lite cp "$S/f" "csro$$:/vol/x"
is_rc 0 "its volume is written"
lite rm -f "csro$$" >/dev/null

# --- start and rm wait for a copy under way
mkfifo "$T/fifo"
("$LITE" cp - "cs2$$:/tmp" <"$T/fifo" >"$T/busy.out" 2>&1; echo $? >"$T/busy.rc") &
exec 7>"$T/fifo"
ok "the copy's upload is spooling" wait_for 10 sh -c "ls '$D/tmp' | grep -q upload-"
capture lite start "cs2$$"
is "$RC" 1 "start is refused while a copy is under way"
like "$ERR" 'busy' "it says busy"
capture lite rm "cs2$$"
is "$RC" 1 "rm is refused too"
capture lite cp "$S/f" "cs2$$:/tmp/second"
is "$RC" 1 "and a second copy"
tar -C "$S" -cf - f >&7
exec 7>&-
wait_for 20 test -s "$T/busy.rc"
is "$(cat "$T/busy.rc")" 0 "the copy ends well: $(cat "$T/busy.out")"
capture lite start "cs2$$"
is_rc 0 "then it starts"
is "$(lite exec "cs2$$" cat /data/f /rw/f /tmp/f)" "one
one
one" "volume, bind and rootfs hold the files"
is "$(lite exec "cs2$$" cat /ro/k)" keep "the read-only bind is intact"
lite rm -f "cs2$$" >/dev/null

# --- a non-root user's container: a user namespace, as when it runs
UA=lt$$a
user_add "$UA"
mkdir -p "$T/u/b" "$T/u/t"
chmod 755 "$T/u" && chmod 777 "$T/u/b" && chmod 1777 "$T/u/t"
echo root-data >"$T/u/t/rootfile" && chmod 644 "$T/u/t/rootfile"
echo hi >"$T/u/cpin" && chmod 644 "$T/u/cpin"
"$PY" - "$T/u/suid.tar" <<'PYEOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name, uid in (("rootsh", 70000), ("u1000", 1000)):   # 70000: outside the range
        ti = tarfile.TarInfo(name); data = b"#!/bin/sh\nid -u\n"
        ti.size = len(data); ti.mode = 0o6755; ti.uid = ti.gid = uid
        t.addfile(ti, io.BytesIO(data))
PYEOF
chmod 644 "$T/u/suid.tar"
ucp() { timeout -k 5 30 setpriv --reuid="$UA" --regid="$(id -g "$UA")" --init-groups -- "$LITE" cp "$@"; }
capture ulite "$UA" create --name "us$$" -v "$T/u/b:/b" -v "$T/u/t:/t" testimg sleep 600
is_rc 0 "a user's container, created"
capture ucp "$T/u/cpin" "us$$:/etc/"
is_rc 0 "the user copies a file into it"
UB=lt$$b
user_add "$UB"
capture timeout -k 5 30 setpriv --reuid="$UB" --regid="$(id -g "$UB")" --init-groups -- "$LITE" cp "$T/u/cpin" "us$$:/etc/other"
is "$RC" 1 "another user cannot copy into it"
like "$ERR" '[Nn]o such container' "it is not theirs to see"
ucp - "us$$:/b" <"$T/u/suid.tar" >/dev/null 2>&1
ok "an archive into its bind" test -e "$T/u/b/rootsh"
own=$(stat -c '%u %a' "$T/u/b/rootsh" 2>/dev/null)
case $own in
"0 "*) fail "an out-of-range owner into a bind: not host root's" "got: $own" ;;
*[0-9]" "[2467]???) fail "an out-of-range owner into a bind: no setuid/setgid left" "got: $own" ;;
*) pass "an out-of-range owner into a bind: neither host root's nor setuid ($own)" ;;
esac
ucp - "us$$:/tmp" <"$T/u/suid.tar" >/dev/null 2>&1
echo replaced >"$T/u/rootfile" && chmod 644 "$T/u/rootfile"
ucp "$T/u/rootfile" "us$$:/t/rootfile" >/dev/null 2>&1
is "$(cat "$T/u/t/rootfile")" root-data "a sticky bind: a file of host root's is not replaced"
CU=$(lite inspect -f '{{.Id}}' "us$$")
BU=$(awk -F: -v u="$UA" '$1 == u { print $2 }' /etc/subuid)
is "$(stat -c %u "$D/containers/$CU/upper/etc/cpin" 2>/dev/null)" "$BU" "on the host, the file is the range's root's"
is "$(stat -c %u "$D/containers/$CU/upper/etc" 2>/dev/null)" "$BU" "and /etc, copied up, too (not host root's)"
capture ulite "$UA" start "us$$"
is_rc 0 "it starts"
is "$(ulite "$UA" exec "us$$" stat -c %u:%g /etc/cpin)" 0:0 "inside, a root-owned file is root's (not nobody)"
is "$(ulite "$UA" exec "us$$" stat -c %u:%g /etc)" 0:0 "/etc (copied up from a layer) is still root's inside"
is "$(ulite "$UA" exec "us$$" stat -c %u:%g /tmp/u1000)" 1000:1000 "an archive's owner 1000 is 1000 inside"
is "$(ulite "$UA" exec "us$$" cat /etc/cpin)" hi "its content"
capture ulite "$UA" exec "us$$" sh -c 'echo more >> /etc/cpin && echo ok'
is "$OUT" ok "container root can write it"
ulite "$UA" rm -f "us$$" >/dev/null 2>&1
ok "no mount or staging dir left behind" no_leftovers

done_testing
