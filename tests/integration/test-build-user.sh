#!/bin/bash
# lite build by users other than root: RUN runs in the caller's user
# namespace (root inside, an unprivileged range outside), COPY --chown ids
# are the container's, the result runs, and one user's build cache never
# answers another user's build.
source "$(dirname "$0")/lib.sh"

SOCK_GROUP=lb$$s
TUSERS=()
_build_user_cleanup() {
	local u pid
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		LITE_TIMEOUT=20 lite ps -aq 2>/dev/null | xargs -r timeout 30 "$LITE" rm -f >/dev/null 2>&1
	fi
	for u in "${TUSERS[@]}"; do
		for pid in $(ps -o pid= -u "$u" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		userdel "$u" 2>/dev/null
	done
	groupdel "$SOCK_GROUP" 2>/dev/null
}
trap '_bu_rc=$?; _build_user_cleanup; (exit $_bu_rc); _cleanup' EXIT
groupadd "$SOCK_GROUP" || bail_out "groupadd $SOCK_GROUP"
chgrp "$SOCK_GROUP" "$SOCK" && chmod 660 "$SOCK" || bail_out "cannot share the socket"
chmod 711 "$T"
user_add() {
	useradd -M -N -s /bin/sh -G "$SOCK_GROUP" "$1" || bail_out "useradd $1"
	TUSERS+=("$1")
}
ulite() { local u=$1; shift; timeout -k 5 120 setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$LITE" "$@" </dev/null; }

build_test_image
UA=lb$$a; user_add "$UA"
UB=lb$$b; user_add "$UB"
CTX=$T/ctx
mkdir -p "$CTX"
echo data >"$CTX/f"
cat >"$CTX/Dockerfile" <<'DF'
FROM testimg
COPY --chown=1000:1000 f /home/f
RUN echo "inside as $(id -u)" > /built; cat /proc/self/uid_map | awk '{ print "map " $1 " " ($2 != 0) }'
CMD ["cat", "/built"]
DF
chown -R "$UA" "$CTX"
chmod -R a+rX "$CTX"

capture ulite "$UA" build --progress plain -t ua/app "$CTX"
is_rc 0 "a non-root user builds"
like "$OUT" 'map 0 1' "RUN runs in the user's namespace: root inside maps to a host range, not to root"
is "$(ulite "$UA" run --rm ua/app)" "inside as 0" "the result runs for its user"
is "$(ulite "$UA" run --rm ua/app stat -c '%u:%g' /home/f)" "1000:1000" "COPY --chown ids are the container's"

capture ulite "$UA" build --progress plain -t ua/app "$CTX"
like "$OUT" 'Using cache' "the user's second build is cached"
capture ulite "$UB" build --progress plain -t ub/app "$CTX"
is_rc 0 "another user builds the same Dockerfile"
unlike "$OUT" 'Using cache' "one user's cache never answers another user's build"
capture lite build --progress plain -t root/app "$CTX"
unlike "$OUT" 'Using cache' "nor root's"

capture ulite "$UA" builder prune -f
like "$OUT" 'Deleted build cache entries: [1-9]' "a user prunes its own cache"
capture ulite "$UB" build --progress plain -t ub/app "$CTX"
like "$OUT" 'Using cache' "and not another user's"

done_testing
