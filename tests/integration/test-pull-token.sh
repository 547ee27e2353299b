#!/bin/bash
# lite pull against docker-registry with token auth: a self-signed cert is
# the registry's rootcertbundle; JWTs (RS256, the cert in the header's x5c)
# are minted here with openssl and served by busybox httpd as the realm, a
# CGI that logs its query. 401 + Bearer challenge -> token -> retry; an
# expired token and a token from an untrusted key are clear errors.
source "$(dirname "$0")/lib.sh"
source "$SRCDIR/tests/integration/lib-registry.sh"
export BASE_TAR=$T/img.tar
need_tools docker-registry skopeo openssl busybox

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# jwt KEY CERT EXP: grants repository:lite/tok:pull,push until EXP.
jwt() {
	local hdr claims
	hdr=$(printf '{"typ":"JWT","alg":"RS256","x5c":["%s"]}' "$(openssl x509 -in "$2" -outform DER | openssl base64 -A)" | b64url)
	claims=$(printf '{"iss":"lite-test-issuer","sub":"lite","aud":"lite-test","exp":%s,"iat":%s,"jti":"%s",%s}' \
		"$3" "$(date +%s)" "$RANDOM$RANDOM" \
		'"access":[{"type":"repository","name":"lite/tok","actions":["pull","push"]}]' | b64url)
	printf '%s.%s.%s' "$hdr" "$claims" "$(printf '%s.%s' "$hdr" "$claims" | openssl dgst -sha256 -sign "$1" -binary | b64url)"
}
serve_token() { printf '{"token":"%s","access_token":"%s"}' "$1" "$1" >"$T/www/token.json"; }
mkcert() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.pem" -days 3650 -subj "/CN=$1" 2>/dev/null ||
	bail_out "openssl req failed"; }

mkcert issuer
mkcert stranger
TOKEN=$(jwt "$T/issuer.key" "$T/issuer.pem" $(( $(date +%s) + 10 * 365 * 86400 )))

# The token server: busybox httpd, /cgi-bin/token logs QUERY_STRING.
mkdir -p "$T/www/cgi-bin"
cat >"$T/www/cgi-bin/token" <<SH
#!/bin/sh
echo "\$QUERY_STRING" >>"$T/token-queries.log"
printf 'Content-Type: application/json\r\n\r\n'
cat "$T/www/token.json"
SH
chmod +x "$T/www/cgi-bin/token"
serve_token "$TOKEN"
TPORT=$(free_port)
busybox httpd -f -p "127.0.0.1:$TPORT" -h "$T/www" >"$T/httpd.log" 2>&1 &
HTTPD_PID=$!
wait_port "$TPORT" "$T/httpd.log"

start_registry tok "  token:
    realm: http://127.0.0.1:$TPORT/cgi-bin/token
    service: lite-test
    issuer: lite-test-issuer
    rootcertbundle: $T/issuer.pem"
R=127.0.0.1:$PORT
"$PY" "$SRCDIR/tests/integration/mkoci.py" oci "$T/oci.tar" || bail_out "mkoci.py failed"
push "oci-archive:$T/oci.tar" "$R/lite/tok:1" --dest-registry-token "$TOKEN"

# --- 401 with a Bearer challenge, the token from the realm, retry
capture curl -s -o /dev/null -D - "http://$R/v2/lite/tok/manifests/1"
like "$OUT" '^HTTP/1.1 401' "the registry answers 401 without a token"
like "$OUT" "Www-Authenticate: Bearer realm=\"http://127.0.0.1:$TPORT/cgi-bin/token\"" "with a Bearer challenge"
: >"$T/token-queries.log"
capture lite pull --insecure "$R/lite/tok:1"
is_rc 0 "pull through token auth"
like "$OUT" "Pulled: $R/lite/tok:1" "the image is tagged"
is "$(cat "$T/token-queries.log")" "service=lite-test&scope=repository%3Alite%2Ftok%3Apull" \
	"the token server was asked once, with the challenge's service and scope"
is "$(lite run --rm "$R/lite/tok:1")" "hello from zstd" "the pulled image runs"
like "$(cat "$T/reg-tok.log")" 'authorized request.*lite/tok' "the registry logged authorized requests"

# --- tokens the registry refuses: one clear line each, nothing tagged
lite rmi "$R/lite/tok:1" >/dev/null
serve_token "$(jwt "$T/issuer.key" "$T/issuer.pem" $(( $(date +%s) - 3600 )))"
capture lite pull --insecure "$R/lite/tok:1"
isnt "$RC" 0 "an expired token: the pull fails"
like "$ERR" "registry '$R' rejected the token from http://127.0.0.1:$TPORT/cgi-bin/token \(invalid_token\)" \
	"expired token: a clear error"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "the error is one line"
serve_token "$(jwt "$T/stranger.key" "$T/stranger.pem" $(( $(date +%s) + 3600 )))"
capture lite pull --insecure "$R/lite/tok:1"
like "$ERR" "rejected the token" "a token signed by an untrusted key: rejected"
echo "not json" >"$T/www/token.json"
capture lite pull --insecure "$R/lite/tok:1"
like "$ERR" "the token server \(HTTP 200\) gave no token" "a token server without a token: a clear error"
capture lite image inspect "$R/lite/tok:1"
isnt "$RC" 0 "nothing tagged after the failed pulls"
# --- login and push through the token flow (issue 12)
serve_token "$TOKEN"
: >"$T/token-queries.log"
capture sh -c "echo pw | LITE_CONFIG='$T/cfg' timeout 30 '$LITE' login -u lite --password-stdin $R"
is_rc 0 "login through a Bearer challenge"
is "$OUT" "Login Succeeded" "login: Login Succeeded"
is "$(head -n1 "$T/token-queries.log")" "service=lite-test" "login asks the token server for no repository"
lite tag testimg "$R/lite/tok:pushed" >/dev/null
: >"$T/token-queries.log"
capture env LITE_CONFIG="$T/cfg" timeout 30 "$LITE" push "$R/lite/tok:pushed"
is_rc 0 "push through token auth"
like "$(cat "$T/token-queries.log")" 'scope=repository%3Alite%2Ftok%3Apull%2Cpush' "push asks for pull,push"
kill "$HTTPD_PID"
capture lite pull --insecure "$R/lite/tok:1"
like "$ERR" "token server http://127.0.0.1:$TPORT/cgi-bin/token: cannot connect" "the token server down: named"

stop_registries
done_testing
