#!/bin/bash
# lite login/logout, push and pull on run, against Debian's docker-registry:
# an open registry and one with htpasswd (Basic) auth. push -> rmi -> pull
# round trip keeps the image id; login stores credentials 0600 in Docker's
# auths format and pull/push send them; a bad password is one clear line;
# run --pull missing|always|never; registry-mirrors for docker.io images;
# a failed pull stores nothing.
source "$(dirname "$0")/lib.sh"
source "$SRCDIR/tests/integration/lib-registry.sh"
need_tools docker-registry htpasswd openssl curl
export LITE_CONFIG=$T/cfg HOME=$T/home
mkdir -p "$HOME"
layers() { ls "$D/layers/sha256" | grep -c '^[0-9a-f]\{64\}$'; }
store_state() { (cd "$D" && ls layers/sha256 images/sha256; cat repositories.json) 2>/dev/null | md5sum; }
ID0=$(lite image inspect testimg | jget Id)

# --- an open registry: push, rmi, pull; the id survives
start_registry open
R=127.0.0.1:$PORT
ok "tag for the registry" lite tag testimg "$R/lite/app:1"
tp=$(date +%s.%N)
capture lite push "$R/lite/app:1"
is_rc 0 "push to the open registry"
is "$(lite events --since "$tp" --until "$(date +%s.%N)" --filter type=image --filter event=push --format '{{.Actor.ID}}')" \
	"$R/lite/app:1" "an image push event names the reference (issue 13)"
like "$OUT" 'Pushed' "push shows progress"
like "$OUT" "lite/app:1: digest: sha256:[0-9a-f]{64} size: [0-9]+" "push prints the digest, as docker"
capture lite push "$R/lite/app:1"
is_rc 0 "a second push"
like "$OUT" 'Layer already exists' "blobs the registry has are skipped (HEAD)"
unlike "$OUT" 'Pushed' "nothing uploaded again"
ok "the registry serves the manifest" curl -sf -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"http://$R/v2/lite/app/manifests/1"
lite rmi "$R/lite/app:1" >/dev/null
capture lite pull "$R/lite/app:1"
is_rc 0 "pull the pushed image back"
is "$(lite image inspect "$R/lite/app:1" | jget Id)" "$ID0" "push -> rmi -> pull keeps the image id"
DIGEST=$(printf '%s\n' "$OUT" | sed -n 's/^Digest: //p')
capture lite run --rm "$R/lite/app@$DIGEST" true
is_rc 0 "run NAME@DIGEST finds the pulled image (its repo digest)"
like "$(echo '{"id":1,"method":"images"}' | rawreq)" "\"$R/lite/app@$DIGEST\"" "images lists the repo digest"
unlike "$ERR" 'Unable to find' "NAME@DIGEST: no pull"
capture lite push "$R/lite/nosuch:1"
isnt "$RC" 0 "push of a missing image fails"
like "$ERR" 'no such image' "push: missing image named"

# --- run/create --pull
lite rmi "$R/lite/app:1" >/dev/null
before=$(store_state)
capture lite run --rm --pull never "$R/lite/app:1" true
is "$RC" 125 "--pull never with a missing image: 125"
like "$ERR" 'no such image.*--pull=never' "--pull never: a clear error"
is "$(store_state)" "$before" "--pull never: nothing stored"
capture lite run --rm "$R/lite/app:1" sh -c 'echo ran'
is_rc 0 "run pulls a missing image (default --pull missing)"
is "$OUT" ran "stdout is the container's only"
like "$ERR" "Unable to find image '$R/lite/app:1' locally" "Docker's message on stderr"
like "$ERR" '^1: Pulling from lite/app$' "then TAG: Pulling from REPO"
like "$ERR" "Status: Downloaded newer image for $R/lite/app:1" "then the pull's status"
capture lite run --rm "$R/lite/app:1" true
unlike "$ERR" 'Unable to find' "a present image is not pulled again"
capture lite run --rm --pull always "$R/lite/app:1" true
is_rc 0 "--pull always"
like "$ERR" 'Digest: sha256:' "--pull always pulls even when present"
lite rmi "$R/lite/app:1" >/dev/null
capture lite create --name pc1 "$R/lite/app:1" true
is_rc 0 "create pulls a missing image too"
lite rm -f pc1 >/dev/null 2>&1
capture lite run --rm --pull sometimes testimg true
is "$RC" 125 "--pull with a bad value: 125"
like "$ERR" 'invalid.*--pull' "bad --pull value: the flag is named"
before=$(store_state)
capture lite run --rm "$R/lite/absent:1" true
is "$RC" 125 "run of an image the registry lacks: 125"
is "$(printf '%s\n' "$ERR" | grep -c '^lite: ')" 1 "one error line"
like "$ERR" 'manifest unknown' "the error says why"
is "$(store_state)" "$before" "a failed pull stores nothing"
capture lite run --rm "127.0.0.1:$(free_port)/x:1" true
is "$RC" 125 "run with an unreachable registry: 125"

# --- htpasswd: login, push, pull with stored credentials
htpasswd -Bbn lite s3cret >"$T/htpasswd"
start_registry auth "$(printf '  htpasswd:\n    realm: lite-test\n    path: %s' "$T/htpasswd")"
A=127.0.0.1:$PORT
lite tag testimg "$A/lite/auth:1"
capture lite push "$A/lite/auth:1"
isnt "$RC" 0 "push without credentials fails"
like "$ERR" 'requires authentication' "push: authentication required, clearly"
capture sh -c "echo wrong | timeout 30 '$LITE' login -u lite --password-stdin $A"
is "$RC" 1 "login with a wrong password exits 1"
is "$ERR" "lite: login $A: unauthorized: incorrect username or password" "one clear line"
ok "nothing stored after a failed login" test ! -e "$LITE_CONFIG/config.json"
capture sh -c "echo s3cret | timeout 30 '$LITE' login -u lite --password-stdin $A"
is_rc 0 "login with the right password"
is "$OUT" "Login Succeeded" "Login Succeeded"
is "$(stat -c %a "$LITE_CONFIG/config.json")" 600 "credentials file mode 0600"
is "$(stat -c %a "$LITE_CONFIG")" 700 "config dir mode 0700"
is "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"])' "$LITE_CONFIG/config.json" "$A")" \
	"$(printf 'lite:s3cret' | base64)" "Docker's auths format"
capture lite push "$A/lite/auth:1"
is_rc 0 "push with the stored credentials"
lite rmi "$A/lite/auth:1" >/dev/null
capture lite run --rm "$A/lite/auth:1" true
is_rc 0 "run pulls with the stored credentials"
is "$(lite image inspect "$A/lite/auth:1" | jget Id)" "$ID0" "login + push + rmi + pull: the same image"
ok "the daemon kept no credentials" sh -c "! grep -rqs s3cret '$D' '$E' '$DAEMON_LOG'"
capture lite logout "$A"
is "$OUT" "Removing login credentials for $A" "logout"
lite rmi "$A/lite/auth:1" >/dev/null
capture lite pull "$A/lite/auth:1"
isnt "$RC" 0 "after logout pull needs credentials again"
# ~/.docker/config.json is read when lite's config has no entry
mkdir -p "$HOME/.docker"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$A" "$(printf 'lite:s3cret' | base64)" >"$HOME/.docker/config.json"
capture lite pull "$A/lite/auth:1"
is_rc 0 "credentials from ~/.docker/config.json"

# --- insecure-registries: a TLS registry with a self-signed certificate
# on 127.0.0.2 (not "local", so HTTPS by default)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tls.key" -out "$T/tls.pem" -days 3650 -subj "/CN=reg" \
	2>/dev/null || bail_out "openssl req failed"
TPORT=$(free_port)
mkdir -p "$T/reg-tls"
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.2:%s\n  tls:\n    certificate: %s\n    key: %s\n' \
	"$T/reg-tls" "$TPORT" "$T/tls.pem" "$T/tls.key" >"$T/reg-tls.yml"
docker-registry serve "$T/reg-tls.yml" >"$T/reg-tls.log" 2>&1 &
REG_PIDS="$REG_PIDS $!"
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.2/$TPORT) 2>/dev/null && break; sleep 0.1; done
S=127.0.0.2:$TPORT
lite tag testimg "$S/lite/tls:1"
capture lite push "$S/lite/tls:1"
isnt "$RC" 0 "push to a self-signed TLS registry not listed: refused"
like "$ERR" 'certificate' "the certificate is named"
# and a plain-HTTP one on 127.0.0.3: listed, it is reached over HTTP
HPORT=$(free_port)
mkdir -p "$T/reg-h3"
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.3:%s\n' "$T/reg-h3" "$HPORT" >"$T/reg-h3.yml"
docker-registry serve "$T/reg-h3.yml" >"$T/reg-h3.log" 2>&1 &
REG_PIDS="$REG_PIDS $!"
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.3/$HPORT) 2>/dev/null && break; sleep 0.1; done
H3=127.0.0.3:$HPORT
stop_daemon
printf '{"bridge":"none","insecure-registries":["%s","%s"]}\n' "$S" "$H3" >"$T/daemon.json"
start_daemon || bail_out "daemon restart with insecure-registries failed"
capture lite push "$S/lite/tls:1"
is_rc 0 "listed in insecure-registries: push over TLS without certificate checks"
ok "it went over TLS" curl -skf -o /dev/null "https://$S/v2/lite/tls/tags/list"
lite rmi "$S/lite/tls:1" >/dev/null
capture lite run --rm "$S/lite/tls:1" true
is_rc 0 "and run pulls it back"
is "$(lite image inspect "$S/lite/tls:1" | jget Id)" "$ID0" "the same image"
lite tag testimg "$H3/lite/plain:1"
capture lite push "$H3/lite/plain:1"
is_rc 0 "a listed registry without TLS: plain HTTP"
lite rmi "$H3/lite/plain:1" >/dev/null
capture lite pull "$H3/lite/plain:1"
is_rc 0 "pulled back over plain HTTP"

# --- registry-mirrors: a docker.io image from a mirror
stop_daemon
printf '{"bridge":"none","registry-mirrors":["http://127.0.0.1:%s","http://%s/"]}\n' "$(free_port)" "$R" >"$T/daemon.json"
start_daemon || bail_out "daemon restart with registry-mirrors failed"
lite tag testimg "$R/library/mirrored:1"
lite push "$R/library/mirrored:1" >/dev/null 2>&1
capture lite pull mirrored:1
is_rc 0 "a docker.io image pulled through the second mirror (the first is down)"
like "$OUT" 'mirror: failed' "the failing mirror is reported"
is "$(lite image inspect docker.io/library/mirrored:1 | jget Id)" "$ID0" "stored under its familiar name"
stop_daemon
printf '{"bridge":"none","registry-mirrors":["ftp://x"]}\n' >"$T/daemon.json"
capture timeout 10 "$CONTAINERD_LITE" -H "unix://$T/bad.sock" --data-root "$T/bad" --exec-root "$T/bad-e" \
	--config-file "$T/daemon.json" --cgroup-parent "$CGP"
isnt "$RC" 0 "a bad registry-mirrors URL stops the daemon"
like "$ERR$OUT" 'registry-mirrors' "the error names the key"
printf '{"bridge":"none"}\n' >"$T/daemon.json"
start_daemon || bail_out "daemon restart failed"

stop_registries
done_testing
