#!/bin/bash
# lite cp (issue 6): both directions, modes, owners and mtimes, Docker's
# path rules, tar on stdin/stdout, symlinks that must not escape, a stopped
# container (more in test-cp-stopped.sh), and one-line errors.
source "$(dirname "$0")/lib.sh"

T=$(mktemp -d /tmp/lite-cp.XXXXXX)
trap 'rm -rf "$T"; _cleanup' EXIT

lite run -d --name cp1 testimg sh -c 'mkdir -p /d/sub; echo hi > /d/sub/f; chmod 640 /d/sub/f;
	chown 12:34 /d/sub/f; touch -d "2001-02-03 04:05:06" /d/sub/f; ln -s / /d/root; ln -s /etc/passwd /d/pw;
	echo data > /one; chmod 4755 /one; touch -d "2002-01-01 00:00:00" /one; touch /ready; sleep 600' >/dev/null
ok "cp1 runs" wait_for 10 sh -c '"$LITE" exec cp1 test -e /ready 2>/dev/null'

# --- container -> host
capture lite cp cp1:/one "$T/one"
is_rc 0 "cp a file out exits 0"
is "$(cat "$T/one")" data "its content"
is "$(stat -c %a "$T/one")" 4755 "its mode (setuid kept)"
is "$(date -u -r "$T/one" +%Y)" 2002 "its mtime"
capture lite cp cp1:/d "$T/"
is_rc 0 "cp a directory out into an existing directory"
ok "it is nested (DEST/d)" test -f "$T/d/sub/f"
is "$(stat -c '%a %u:%g' "$T/d/sub/f")" "640 12:34" "mode and owner inside"
is "$(date -r "$T/d/sub/f" '+%Y-%m-%d %H:%M:%S')" "2001-02-03 04:05:06" "mtime inside"
is "$(readlink "$T/d/root")" / "a symlink to / is copied as a link"
capture lite cp cp1:/d/root "$T/rootlink"
is_rc 0 "copying a link to / copies the link itself"
is "$(readlink "$T/rootlink")" / "it is a link, not the host's /"
capture lite cp cp1:/d/root/one "$T/via-link"
is "$(cat "$T/via-link" 2>/dev/null)" data "a path through a link to / stays in the container"
mkdir "$T/contents"
capture lite cp cp1:/d/. "$T/contents"
is_rc 0 "SRC/. copies the contents"
ok "contents land directly" test -f "$T/contents/sub/f"
capture lite cp cp1:/d "$T/newdir"
ok "a directory to a missing path creates it" test -f "$T/newdir/sub/f"
capture lite cp cp1:/one "$T/missing/"
is "$RC" 1 "a file to DEST/ that does not exist fails"
like "$ERR" 'does not exist' "it says so"
capture lite cp cp1:/d "$T/one"
is "$RC" 1 "a directory onto a file fails"
like "$ERR" 'cannot copy a directory to a file' "it says so"
capture lite cp cp1:/nope "$T/x"
is "$RC" 1 "a missing path inside fails"
like "$ERR" 'No such file or directory' "it says there is no such file"
is "$(printf %s "$ERR" | wc -l)" 0 "in one line"
capture lite cp nosuchctr:/one "$T/x"
is "$RC" 1 "no such container fails"
like "$ERR" 'nosuchctr' "naming the container"
"$LITE" cp cp1:/d - > "$T/d.tar" </dev/null
ok "cp to - writes a tar" sh -c "tar -tf '$T/d.tar' | grep -qx 'd/sub/f'"

# --- host -> container
mkdir -p "$T/up/inner"
echo up > "$T/up/inner/g"
chmod 600 "$T/up/inner/g"
chown 7:8 "$T/up/inner/g"
touch -d "2003-03-03 03:03:03" "$T/up/inner/g"
capture lite cp "$T/up" cp1:/tmp
is_rc 0 "cp a directory in"
is "$(lite exec cp1 stat -c '%a %u:%g' /tmp/up/inner/g)" "600 7:8" "mode and owner kept inside"
is "$(lite exec cp1 date -r /tmp/up/inner/g '+%Y-%m-%d %H:%M:%S')" "2003-03-03 03:03:03" "mtime kept inside"
capture lite cp "$T/up/." cp1:/tmp/flat
is_rc 0 "SRC/. into a new directory"
is "$(lite exec cp1 cat /tmp/flat/inner/g)" up "contents land in it"
capture lite cp "$T/one" cp1:/d/root/etc/escaped
is_rc 0 "cp through a symlink to / inside"
ok "it stayed inside the container" sh -c "! test -e /etc/escaped"
is "$(lite exec cp1 cat /etc/escaped)" data "it is the container's /etc"
capture lite cp "$T/one" cp1:/one/
is "$RC" 1 "DEST/ that is a file fails"
like "$ERR" '[Nn]ot a directory' "it says not a directory"
tar -C "$T/up" -cf - inner | "$LITE" cp - cp1:/tmp/fromtar
is $? 1 "a tar into a missing directory fails"
lite exec cp1 mkdir /tmp/fromtar
tar -C "$T/up" -cf - inner | "$LITE" cp - cp1:/tmp/fromtar
is $? 0 "a tar on stdin is extracted"
is "$(lite exec cp1 cat /tmp/fromtar/inner/g)" up "its content"

# --- lite-image trusts no bare pid: the init's pidfd must come with it
# (review: an upload held open while the init exits and the caller's own
# process takes its pid would otherwise be unpacked in that process's root)
mkdir -p "$T/pidreuse" && echo pwned >"$T/pidreuse/PWNED"
tar -C "$T/pidreuse" -cf "$T/pidreuse.tar" PWNED
sleep 60 & HOSTPID=$!
capture env -u LITE_PIDFD LITE_CALLER_UID=0 "$BUILDDIR/daemon/lite-image" "$T/none" cp-in "$(printf 'a%.0s' $(seq 64))" \
	"$HOSTPID" "$T/landing" PWNED 0 0 "$T/pidreuse.tar" -
like "$OUT" '^err .*pidfd' "cp-in with a pid but no pidfd of it is refused"
ok "nothing landed in the host process's root" sh -c "! test -e '$T/landing'"
: >"$T/shadow.tar"
capture env -u LITE_PIDFD LITE_CALLER_UID=0 "$BUILDDIR/daemon/lite-image" "$T/none" cp-out "$(printf 'a%.0s' $(seq 64))" \
	"$HOSTPID" /etc/shadow "$T/shadow.tar" -
like "$OUT" '^err .*pidfd' "cp-out with a pid but no pidfd of it is refused"
is "$(stat -c %s "$T/shadow.tar")" 0 "nothing of the host process's files was written"
kill "$HOSTPID"; wait "$HOSTPID" 2>/dev/null

# --- a stopped container is read, and written (issue 16; test-cp-stopped.sh)
lite stop -t 1 cp1 >/dev/null
capture lite cp cp1:/tmp/up/inner/g "$T/stopped"
is_rc 0 "cp out of a stopped container"
is "$(cat "$T/stopped")" up "its content (upper dir)"
capture lite cp cp1:/d/sub/f "$T/stopped2"
is "$(cat "$T/stopped2")" hi "and from a lower layer"
capture lite cp "$T/one" cp1:/tmp
is_rc 0 "cp into a stopped container"
capture lite cp cp1:/tmp/one "$T/stopped3"
is "$(cat "$T/stopped3")" data "it reads back while stopped"
ok "no mount is left behind" sh -c "! grep -q job-mnt /proc/self/mountinfo"

done_testing
