#!/bin/bash
# lite pull resumes a blob: docker-registry behind cutproxy.py, which closes
# the connection after 1 MiB of the first GET of the large layer. The first
# pull fails and keeps the partial blob in DATA_ROOT/tmp/pull-partial; the
# second sends Range: bytes=1048576-, gets 206, verifies the digest, stores
# and runs the image.
source "$(dirname "$0")/lib.sh"
source "$SRCDIR/tests/integration/lib-registry.sh"
export BASE_TAR=$T/img.tar
need_tools docker-registry skopeo
CUT=1048576

"$PY" "$SRCDIR/tests/integration/mkoci.py" docker "$T/big.tar" lite/big:1 1 8 || bail_out "mkoci.py failed"
start_registry open
push "docker-archive:$T/big.tar" "127.0.0.1:$PORT/lite/big:1"
"$PY" "$SRCDIR/tests/integration/cutproxy.py" "$T/proxy.port" "$PORT" "$CUT" "$T/proxy.log" 2>"$T/proxy.err" &
PROXY_PID=$!
for i in $(seq 50); do [ -s "$T/proxy.port" ] && break; sleep 0.1; done
[ -s "$T/proxy.port" ] || bail_out "cutproxy.py did not start: $(tail -n3 "$T/proxy.err")"
R=127.0.0.1:$(cat "$T/proxy.port")

# --- the first pull is cut off: a clear error, the partial blob kept
capture lite pull --insecure "$R/lite/big:1"
isnt "$RC" 0 "a pull whose connection is closed mid-blob fails"
like "$ERR" "registry '$R': transfer closed with [0-9]+ bytes remaining" "the error says the transfer was cut"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "the error is one line"
CUTLINE=$(grep "sent=$CUT\$" "$T/proxy.log")
like "$CUTLINE" '^GET /v2/lite/big/blobs/sha256:[0-9a-f]{64} range=- status=200' "the proxy cut the first GET of the large blob"
HEX=$(printf '%s\n' "$CUTLINE" | sed -n 's/.*sha256:\([0-9a-f]\{64\}\).*/\1/p')
is "$(stat -c %s "$D/tmp/pull-partial/$HEX" 2>/dev/null)" "$CUT" "the partial blob holds what arrived"
capture lite image inspect "$R/lite/big:1"
isnt "$RC" 0 "nothing tagged after the failed pull"

# --- the second pull resumes with Range
: >"$T/proxy.log"
capture lite pull --insecure "$R/lite/big:1"
is_rc 0 "the second pull succeeds"
like "$(grep "$HEX" "$T/proxy.log")" "^GET .* range=bytes=$CUT- status=206 sent=[0-9]+\$" "it asked for the rest (Range, 206)"
SIZE=$(stat -c %s "$T"/reg-open/docker/registry/v2/blobs/sha256/??/"$HEX"/data)
is "$(grep "$HEX" "$T/proxy.log" | sed 's/.*sent=//')" "$((SIZE - CUT))" "only the missing bytes were sent"
ok "the partial file is gone" test ! -e "$D/tmp/pull-partial/$HEX"
is "$(lite run --rm "$R/lite/big:1" sh -c 'ls /data0 | wc -l')" 8 "the resumed image runs, its layer complete"

kill "$PROXY_PID"
stop_registries
done_testing
