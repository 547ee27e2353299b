#!/bin/bash
# Issue 12: container/network/volume/image/system prune with Docker's
# prompt (-f skips it; the answer is read from a non-tty stdin too), what
# was removed and the reclaimed space; non-root callers prune only theirs.
source "$(dirname "$0")/lib.sh"

lite run --name pr-exit testimg true >/dev/null
lite run -d --name pr-run testimg sleep 300 >/dev/null
ok "pr-run runs" wait_for 10 is_running pr-run
id=$(ifield pr-exit id)

capture lite container prune -f --filter until=1h
unlike "$OUT" "$id" "container prune --filter until=1h keeps a container made just now"
capture lite container prune -f --filter until=sometime
is_rc 125 "until= a bad time is refused"
capture lite container prune -f --filter label=nosuch
unlike "$OUT" "$id" "container prune --filter label= keeps an unlabelled container"
out=$(echo n | timeout 30 "$LITE" container prune)
like "$out" 'WARNING! This will remove all stopped containers\.' "container prune warns"
like "$out" 'Are you sure you want to continue\? \[y/N\]' "...and asks"
ok "answering n keeps the container" lite inspect pr-exit
out=$(echo y | timeout 30 "$LITE" container prune)
like "$out" "Deleted Containers:" "answering y prunes"
like "$out" "$id" "...listing the removed id"
like "$out" 'Total reclaimed space: ' "...and the reclaimed space"
ok "the stopped container is gone" is_gone pr-exit
ok "the running one stays" is_running pr-run

lite volume create --label keep=1 pv-named >/dev/null
lite volume create pv-other >/dev/null
lite run --name pr-anon -v /data testimg true >/dev/null
anon=$(lite inspect pr-anon | jget mounts.0.volume 2>/dev/null)
lite rm pr-anon >/dev/null
capture lite volume prune -f
like "$OUT" 'Total reclaimed space' "volume prune -f: no prompt"
unlike "$OUT" 'pv-named' "volume prune keeps named volumes without -a"
capture lite volume ls -q
like "$OUT" pv-named "pv-named kept"
if [ -n "$anon" ]; then unlike "$OUT" "$anon" "the anonymous volume is pruned"; else skip "anonymous volume" "no mount info"; fi
capture lite volume prune -f -a --filter label=keep=1
like "$OUT" pv-named "volume prune -a --filter label= removes the labelled one"
capture lite volume ls -q
like "$OUT" pv-other "...and not the others"
capture lite volume prune -f -a
like "$OUT" pv-other "volume prune -a removes named volumes"

lite network create pr-net >/dev/null
capture lite network prune -f
like "$OUT" 'Deleted Networks:' "network prune"
like "$OUT" pr-net "...removes the unused network"
capture lite network ls --format '{{.Name}}'
like "$OUT" bridge "the default bridge stays"

out=$(echo n | timeout 30 "$LITE" system prune -a --volumes)
like "$out" 'WARNING! This will remove:' "system prune warns"
like "$out" 'all stopped containers' "...listing containers"
like "$out" 'all anonymous volumes not used by at least one container' "...volumes with --volumes"
like "$out" 'all images without at least one container associated to them' "...all images with -a"
lite run --name pr-exit2 testimg true >/dev/null
capture lite system prune -f
like "$OUT" 'Deleted Containers:' "system prune -f removes stopped containers"
like "$OUT" 'Total reclaimed space' "...and says how much"
ok "testimg is still there (pr-run uses it)" lite image inspect testimg
capture lite system prune --bogus
is_rc 125 "system prune: an unknown flag is an error"

# --- a non-root caller prunes only its own (docs/SECURITY.md)
SOCK_GROUP=lt$$p
PUSER=lt$$q
retry() { local i; for i in $(seq 20); do "$@" 2>/dev/null && return 0; sleep 0.3; done; "$@"; }
_prune_cleanup() {
	local pid
	if id "$PUSER" >/dev/null 2>&1; then
		for pid in $(ps -o pid= -u "$PUSER" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		retry userdel "$PUSER"
	fi
	getent group "$SOCK_GROUP" >/dev/null && retry groupdel "$SOCK_GROUP"
}
trap '_pr_rc=$?; _prune_cleanup; (exit $_pr_rc); _cleanup' EXIT
ulite() { timeout -k 5 30 setpriv --reuid="$PUSER" --regid="$(id -g "$PUSER")" --init-groups -- "$LITE" "$@" </dev/null; }
if retry groupadd "$SOCK_GROUP" && retry useradd -M -N -s /bin/sh -G "$SOCK_GROUP" "$PUSER" &&
	chgrp "$SOCK_GROUP" "$SOCK" && chmod 660 "$SOCK" && chmod 711 "$T"; then
	lite run --name pr-root testimg true >/dev/null
	lite volume create pv-root >/dev/null
	lite network create pr-net2 >/dev/null
	capture ulite container prune -f
	is_rc 0 "non-root: container prune -f"
	unlike "$OUT" "$(ifield pr-root id)" "...does not list root's container"
	ok "...and root's stopped container stays" lite inspect pr-root
	capture ulite volume prune -f -a
	is_rc 0 "non-root: volume prune -f -a"
	ok "non-root: volume prune -a leaves root's volume" lite volume inspect pv-root
	capture ulite network prune -f
	is_rc 0 "non-root: network prune -f"
	like "$(lite network ls --format '{{.Name}}')" pr-net2 "...leaves root's network"
	capture ulite system prune -f --volumes
	is_rc 0 "non-root: system prune -f --volumes"
	ok "...root's container and volume stay" sh -c "$LITE inspect pr-root >/dev/null && $LITE volume inspect pv-root >/dev/null"
	lite rm pr-root >/dev/null 2>&1; lite volume rm pv-root >/dev/null 2>&1; lite network rm pr-net2 >/dev/null 2>&1
else
	skip "non-root prune" "cannot add a test user"
fi

lite rm -f pr-run >/dev/null 2>&1
done_testing
