#!/bin/bash
# Issue 14, logging: --log-driver none hands the client's pipes to the
# container (no copy: the container writes to them itself); with a log, a
# burst then exit loses nothing (client and `logs` against the data).
source "$(dirname "$0")/lib.sh"

# --- the hand-off: the container's stdout is the client's own pipe
fds=$({ lite run --rm --log-driver none testimg readlink /proc/self/fd/1; readlink /proc/self/fd/1; } | cat)
is "$(echo "$fds" | sort -u | wc -l)" 1 "none: the container's stdout is the client's pipe ($(echo "$fds" | tr '\n' ' '))"
like "$(echo "$fds" | head -n 1)" '^pipe:' "... a pipe"
fds=$({ lite run --rm testimg readlink /proc/self/fd/1; readlink /proc/self/fd/1; } | cat)
is "$(echo "$fds" | sort -u | wc -l)" 2 "with a log: the shim's pipe (tee into the log)"

# --- output complete, exit code right, stderr apart
n=$(lite run --rm --log-driver none testimg sh -c 'head -c 30m /dev/zero; echo end; exit 3' | wc -c)
is "$n" $((30 * 1048576 + 4)) "none: 30 MiB and the last line, every byte"
lite run --rm --log-driver none testimg sh -c 'echo x; exit 3' | cat >/dev/null
is "${PIPESTATUS[0]}" 3 "none: the exit code comes back"
lite run --rm --log-driver none testimg nonexistent-cmd 2>"$T/nx.txt" | cat >/dev/null
is "${PIPESTATUS[0]}" 127 "none: a command that is not there: 127"
like "$(cat "$T/nx.txt")" 'nonexistent-cmd' "... and the error names it"
is "$(lite run --rm --log-driver none --init testimg sh -c 'echo via-init; exit 4' | cat)" via-init "none with --init: the pipe reaches the command"
out=$(lite run --rm --log-driver none testimg sh -c 'echo out; echo err >&2' 2>"$T/err.txt" | cat)
is "$out" out "none, stderr to a file: stdout through the pipe"
is "$(cat "$T/err.txt")" err "... stderr in frames, apart"
is "$(lite run --rm --log-driver none testimg sh -c 'echo out; echo err >&2' 2>&1 | sort | tr '\n' ' ')" "err out " \
	"none, 2>&1 into one pipe: both handed over, both arrive"
is "$(echo hello | timeout 30 "$LITE" run --rm -i --log-driver none testimg cat | cat)" hello "none: stdin still goes through the shim"
is "$(lite run --rm --log-driver none testimg echo to-a-file >"$T/f.txt"; cat "$T/f.txt")" to-a-file \
	"none, stdout a file: no hand-off, frames as before"

# --- no log: logs says so
lite run --name ho1 --log-driver none testimg echo gone | cat >/dev/null
capture lite logs ho1
is_rc 1 "logs of a handed-off run fails"
like "$ERR" 'log-driver none' "... and says why"

# --- a client that asks for the hand-off and leaves before offering: init
# starts anyway (with its own pipes) and its exit is recorded
"$PY" - "$SOCK" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
req = {"id": 1, "method": "run", "params": {"image": "testimg", "name": "ho2", "cmd": ["sh", "-c", "exit 7"],
       "attach": True, "pass_fd": True, "direct_start": True, "log_driver": "none"}}
s.sendall((json.dumps(req) + "\n").encode())
msg, fds, _, _ = socket.recv_fds(s, 65536, 4)
for fd in fds:
    socket.socket(fileno=fd).close()  # the shim's socket, closed without a word
PY
ok "a client gone before its offer: the container still runs and exits" wait_for 20 is_exited ho2
is "$(ifield ho2 state.exit_code)" 7 "... with its own exit code"

# --- with a log: a burst then exit loses nothing
sum=$(seq 1 300000 | md5sum)
got=$(lite run --name burst testimg sh -c 'seq 1 300000' | md5sum)
is "$got" "$sum" "a burst through the client's pipe: every byte"
is "$(lite logs burst | md5sum)" "$sum" "... and the same bytes in logs"
got=$(lite run --name burst2 testimg sh -c 'seq 1 300000' | (sleep 1; md5sum))
is "$got" "$sum" "a burst to a slow reader, then exit: every byte"
is "$(lite logs burst2 | md5sum)" "$sum" "... and in logs"
lite run -d --name burst3 testimg sh -c 'seq 1 300000' >/dev/null
ok "burst3 exits" wait_for 20 is_exited burst3
is "$(lite logs burst3 | md5sum)" "$sum" "detached burst: logs hold every byte"

lite rm -f ho1 ho2 burst burst2 burst3 >/dev/null 2>&1
done_testing
