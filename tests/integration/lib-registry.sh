# tests/integration/lib-registry.sh — sourced after lib.sh by the pull tests:
# Debian's docker-registry on a free 127.0.0.1 port, temp storage, killed by
# PID at exit (lib.sh's trap removes $T).
REG_PIDS=
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# need_tools TOOL...: skip the whole script when one is missing.
need_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null && continue
		skip "pull tests" "$t not installed (scripts/install-deps.sh --test)"
		done_testing
		exit 0
	done
}
# wait_port PORT LOG: until something listens on 127.0.0.1:PORT.
wait_port() {
	local i
	for i in $(seq 50); do
		(exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
		sleep 0.1
	done
	bail_out "nothing listens on port $1: $(tail -n3 "$2")"
}
# start_registry NAME [AUTH_YAML]: sets PORT; logs to $T/reg-NAME.log.
start_registry() {
	PORT=$(free_port)
	mkdir -p "$T/reg-$1"
	{
		printf 'version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: %s\n' "$T/reg-$1"
		printf 'http:\n  addr: 127.0.0.1:%s\n' "$PORT"
		[ -n "${2:-}" ] && printf 'auth:\n%s\n' "$2"
	} >"$T/reg-$1.yml"
	docker-registry serve "$T/reg-$1.yml" >"$T/reg-$1.log" 2>&1 &
	REG_PIDS="$REG_PIDS $!"
	wait_port "$PORT" "$T/reg-$1.log"
}
stop_registries() { local p; for p in $REG_PIDS; do kill "$p" 2>/dev/null; done; }
# push SRC DEST [SKOPEO_ARGS...]: SRC is a skopeo source (oci-archive:F, ...).
push() { skopeo copy -q --all --dest-tls-verify=false "${@:3}" "$1" "docker://$2" >"$T/push.log" 2>&1 ||
	bail_out "skopeo push of $2 failed: $(tail -n2 "$T/push.log")"; }
