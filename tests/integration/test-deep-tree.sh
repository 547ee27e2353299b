#!/bin/bash
# Trees a user controls (security review): a 30,000-deep directory chain
# in a container's upper dir and in a volume must not crash the daemon
# (nftw recursed per level: stack overflow) when ps --size, system df -v
# or rm walk them, nor use an fd per level (rm ran the daemon out of fds,
# said ok and left the tree); a big rm must not hold up other clients (the
# tree is renamed into DATA_ROOT/tmp/gc-* and deleted off the loop).
source "$(dirname "$0")/lib.sh"

DEPTH=30000
FILES=20000

daemon_alive() { kill -0 "$DAEMON_PID" 2>/dev/null && LITE_TIMEOUT=10 lite version >/dev/null 2>&1; }
nfds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
no_gc() { ! compgen -G "$D/tmp/gc-*" >/dev/null; }

# --- a deep container and a deep volume
LITE_TIMEOUT=240 capture lite run --name dt-deep -v dt-vol:/vol testimg \
	sh -c "lite-test-helper deep $DEPTH / && lite-test-helper deep $DEPTH /vol"
is_rc 0 "a container makes a $DEPTH-deep chain in its rootfs and in a volume"
ID=$(ifield dt-deep id)
diag "made the deep trees at ${SECONDS}s"

# --- ps --size walks the upper dir: answers, the daemon survives
LITE_TIMEOUT=120 capture lite ps -a --size --format '{{.Names}} {{.Size}}'
is_rc 0 "ps -a --size answers"
like "$OUT" '^dt-deep [0-9]+B$' "ps --size: the container's size shown"
ok "the daemon survives ps --size of a $DEPTH-deep tree" daemon_alive

LITE_TIMEOUT=120 capture lite system df -v
is_rc 0 "system df -v answers"
like "$OUT" 'dt-vol +1 +[0-9.]+[kMG]?B' "system df -v: the deep volume with its size"
ok "the daemon survives volume sizes of a $DEPTH-deep tree" daemon_alive

diag "sizes at ${SECONDS}s"

# --- rm -f: everything gone, no fd left behind, nothing said ok wrongly
before=$(nfds)
LITE_TIMEOUT=120 capture lite rm -f dt-deep
is_rc 0 "rm -f of the deep container exits 0"
ok "the container's directory is out of sight when rm returns" test ! -e "$D/containers/$ID"
ok "its name is free at once" lite create --name dt-deep testimg true
lite rm dt-deep >/dev/null 2>&1
LITE_TIMEOUT=120 capture lite volume rm dt-vol
is_rc 0 "volume rm of the deep volume exits 0"
ok "the deep trees are deleted in the background" wait_for 240 no_gc
ok "the daemon survives rm of a $DEPTH-deep tree" daemon_alive
after=$(nfds)
ok "the daemon's fds are back to normal ($before before, $after after)" test "$after" -le $((before + 2))
not_ok "no \"Too many open files\" in the daemon's log" grep -q "Too many open files" "$DAEMON_LOG"
not_ok "no failed delete logged" grep -q "retried at the next start" "$DAEMON_LOG"

diag "deep rm done at ${SECONDS}s"

# --- a big rm does not hold up another client
LITE_TIMEOUT=240 capture lite run --name dt-many testimg lite-test-helper files $FILES /
is_rc 0 "a container makes $FILES files"
ID=$(ifield dt-many id)
diag "made the files at ${SECONDS}s"
capture lite rm dt-many
is_rc 0 "rm of the $FILES-file container exits 0"
gc_after_rm=0
compgen -G "$D/tmp/gc-ctr-*" >/dev/null && gc_after_rm=1
capture lite version
is_rc 0 "another client's version answers meanwhile"
if [ "$gc_after_rm" = 1 ]; then
	pass "rm returned while its files were still being deleted (tmp/gc-ctr-* existed)"
else
	skip "rm returned while its files were still being deleted" "the delete was over before we looked"
fi
ok "the $FILES files are deleted in the background" wait_for 120 no_gc
ok "the daemon is fine" daemon_alive

done_testing
