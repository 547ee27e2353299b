# tests/integration/lib-users.sh — real host users for a test, sourced after
# lib.sh: a group that may use the test's socket, users in it (Debian's
# useradd gives them /etc/subuid and /etc/subgid entries), and `ulite USER
# ARGS...` to run lite as one of them. Everything is removed at exit, after
# the containers (their processes run as the users' ranges) and before
# lib.sh's own cleanup.
SOCK_GROUP=lt$$s
TUSERS=()
_users_cleanup() {
	local u pid
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		LITE_TIMEOUT=20 lite ps -aq 2>/dev/null | xargs -r timeout 30 "$LITE" rm -f >/dev/null 2>&1
	fi
	for u in "${TUSERS[@]}"; do
		# the test's own unique user: its processes, one by one by pid
		for pid in $(ps -o pid= -u "$u" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		userdel "$u" 2>/dev/null
	done
	groupdel "$SOCK_GROUP" 2>/dev/null
}
trap '_users_rc=$?; _users_cleanup; (exit $_users_rc); _cleanup' EXIT
groupadd "$SOCK_GROUP" || bail_out "groupadd $SOCK_GROUP"
sock_share() { chgrp "$SOCK_GROUP" "$SOCK" && chmod 660 "$SOCK"; }
chmod 711 "$T"

# user_add NAME : a real user of the socket group
user_add() {
	useradd -M -N -s /bin/sh -G "$SOCK_GROUP" "$1" || bail_out "useradd $1"
	TUSERS+=("$1")
}
ulite() { local u=$1; shift; timeout -k 5 "${LITE_TIMEOUT:-30}" setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$LITE" "$@" </dev/null; }
