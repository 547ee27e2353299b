#!/bin/bash
# lite pull from Debian's docker-registry on 127.0.0.1 (random port, temp
# storage, killed by PID): gzip + zstd layers, a two-platform index (picks
# amd64), pull by digest, shared layers not fetched again, Basic auth via
# htpasswd, clear one-line errors, a tampered blob leaves the store unchanged.
source "$(dirname "$0")/lib.sh"
source "$SRCDIR/tests/integration/lib-registry.sh"
MKOCI="$SRCDIR/tests/integration/mkoci.py"
export BASE_TAR=$T/img.tar
store_state() { (cd "$D" && ls layers/sha256 images/sha256; cat repositories.json) 2>/dev/null | md5sum; }
need_tools docker-registry skopeo htpasswd

"$PY" "$MKOCI" oci "$T/oci.tar" || bail_out "mkoci.py failed"
"$PY" "$MKOCI" oci "$T/idx.tar" --index || bail_out "mkoci.py failed"
start_registry open
R=127.0.0.1:$PORT
push "oci-archive:$T/oci.tar" "$R/lite/gz:1"
push "oci-archive:$T/idx.tar" "$R/lite/idx:1"

# --- gzip + zstd layers, run it
capture lite pull "$R/lite/gz:1"
is_rc 0 "pull an image with gzip and zstd layers"
like "$OUT" "Pulled: $R/lite/gz:1" "pull prints the local name"
like "$OUT" 'Download complete' "progress lines without a TTY"
DIGEST=$(printf '%s\n' "$OUT" | sed -n 's/^Digest: //p')
like "$DIGEST" '^sha256:[0-9a-f]{64}$' "pull prints the manifest digest"
capture lite run --rm "$R/lite/gz:1"
is "$OUT" "hello from zstd" "the pulled image runs (Cmd from its config)"
capture lite run --rm "$R/lite/gz:1" sh -c 'echo $FOO; ls /d; cat /etc/gz-file'
is "$OUT" "from-config
new
gz" "Env, whiteouts and both layers applied"

# --- shared layers are not fetched again; the index picks amd64
capture lite pull "$R/lite/idx:1"
is_rc 0 "pull a two-platform index"
is "$(printf '%s\n' "$OUT" | grep -c 'Already exists')" 3 "layers in the store: Already exists"
unlike "$OUT" 'Download' "no layer downloaded again"
is "$(lite image inspect "$R/lite/idx:1" | jget Architecture)" amd64 "the index's amd64 image was picked"
is "$(lite run --rm "$R/lite/idx:1")" "hello from zstd" "the image from the index runs"

# --- by digest
ID=$(lite image inspect "$R/lite/gz:1" | jget Id)
lite rmi "$R/lite/gz:1" "$R/lite/idx:1" >/dev/null
capture lite pull -q "$R/lite/gz@$DIGEST"
is_rc 0 "pull by digest"
is "$OUT" "$ID" "pull by digest gives the same image"
is "$(lite run --rm "$ID")" "hello from zstd" "the image pulled by digest runs"

# --- errors: one line each, non-zero exit
capture lite pull "$R/lite/nope:1"
isnt "$RC" 0 "pull of an unknown tag fails"
like "$ERR" 'manifest unknown' "unknown tag: manifest unknown"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "the error is one line"
capture lite pull "127.0.0.1:$(free_port)/x:1"
isnt "$RC" 0 "pull from a closed port fails"
like "$ERR" 'cannot connect to registry' "connection refused is named"
capture lite pull 'Bad/Name'
isnt "$RC" 0 "an invalid reference is refused"
like "$ERR" 'invalid reference' "invalid reference error"

# --- Basic auth (htpasswd)
htpasswd -Bbn lite s3cret >"$T/htpasswd"
start_registry auth "$(printf '  htpasswd:\n    realm: lite-test\n    path: %s' "$T/htpasswd")"
A=127.0.0.1:$PORT
push "oci-archive:$T/oci.tar" "$A/lite/auth:1" --dest-creds lite:s3cret
capture lite pull "$A/lite/auth:1"
isnt "$RC" 0 "pull without credentials fails"
like "$ERR" 'requires authentication: use --user' "401 without credentials: a clear error"
capture lite pull --user lite:wrong "$A/lite/auth:1"
like "$ERR" 'authentication failed' "wrong password: authentication failed"
capture lite pull --user lite:s3cret "$A/lite/auth:1"
is_rc 0 "pull with --user"
is "$(lite run --rm "$A/lite/auth:1")" "hello from zstd" "the image from the protected registry runs"
unlike "$(ps -eo args)" 's3cret' "the password is on no command line"

# --- a tampered blob: digest mismatch, store unchanged
lite rmi -f "$ID" "$A/lite/auth:1" >/dev/null 2>&1; lite image prune -a -f >/dev/null
before=$(store_state)
blob=$(find "$T/reg-open/docker/registry/v2/blobs" -name data | while read -r f; do
	head -c2 "$f" | od -An -tx1 | grep -q '28 b5' && echo "$f"; done | head -n1)
if [ -n "$blob" ]; then
	printf 'X' | dd of="$blob" bs=1 seek=20 conv=notrunc 2>/dev/null
	capture lite pull "$R/lite/gz:1"
	isnt "$RC" 0 "a tampered blob is refused"
	like "$ERR" 'digest mismatch' "tampered blob: digest mismatch"
	is "$(store_state)" "$before" "the store is unchanged"
	is "$(ls "$D/tmp/pull-partial" 2>/dev/null | grep -c '')" 2 "only the verified blobs are kept for a resume"
else
	fail "find the zstd blob in the registry's storage"
fi

stop_registries
done_testing
