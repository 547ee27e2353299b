#!/bin/bash
# Health checks (issue 6): --health-* flags, starting -> healthy ->
# unhealthy, ps and inspect, the timeout killing a hanging check,
# --no-healthcheck, bad values, resuming after a daemon restart.
source "$(dirname "$0")/lib.sh"

health() { ifield "$1" state.health.status; }
health_is() { [ "$(health "$1")" = "$2" ]; }

lite run -d --name h1 --health-cmd 'test -e /tmp/ok' --health-interval 300ms --health-retries 2 \
	--health-timeout 2s testimg sh -c 'touch /tmp/ok; sleep 600' >/dev/null
ok "h1 runs" wait_for 10 is_running h1
is "$(ifield h1 config.healthcheck.retries)" 2 "inspect shows the check's config"
ok "h1 becomes healthy" wait_for 10 health_is h1 healthy
like "$(lite ps --filter name=h1)" 'Up .*\(healthy\)' "ps shows (healthy)"
is "$(ifield h1 state.health.failing_streak)" 0 "no failing streak"
is "$(ifield h1 state.health.log.0.exit_code)" 0 "the log has exit code 0"
lite exec h1 rm /tmp/ok
ok "h1 becomes unhealthy when the file goes" wait_for 10 health_is h1 unhealthy
like "$(lite ps --filter name=h1)" 'Up .*\(unhealthy\)' "ps shows (unhealthy)"
n=$(ifield h1 state.health.log | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')
ok "the log keeps at most 5 results" test "$n" -le 5
ok "the failing streak reaches the retries" test "$(ifield h1 state.health.failing_streak)" -ge 2
lite exec h1 touch /tmp/ok
ok "healthy again once the file is back" wait_for 10 health_is h1 healthy

# --- output is logged
lite run -d --name h2 --health-cmd 'echo out-$((1+1)); exit 1' --health-interval 200ms --health-retries 1 \
	testimg sleep 600 >/dev/null
ok "h2 becomes unhealthy" wait_for 10 health_is h2 unhealthy
like "$(ifield h2 state.health.log.0.output)" 'out-2' "the check's output is in the log"
is "$(ifield h2 state.health.log.0.exit_code)" 1 "with its exit code"

# --- timeout kills a hanging check
lite run -d --name h3 --health-cmd 'touch /tmp/ran; sleep 100' --health-interval 300ms --health-timeout 500ms \
	--health-retries 1 testimg sleep 600 >/dev/null
ok "a hanging check makes it unhealthy" wait_for 15 health_is h3 unhealthy
like "$(ifield h3 state.health.log.0.output)" 'exceeded timeout' "the log says the check timed out"
is "$(ifield h3 state.health.log.0.exit_code)" -1 "exit code -1"
sleep 2 # several checks have timed out by now; unkilled ones would pile up
n=$(lite exec h3 ps | grep -c 'sleep 100')
ok "hanging checks are killed (at most the current one runs: $n)" test "$n" -le 1

# --- start period: failures do not count
lite run -d --name h4 --health-cmd 'false' --health-interval 200ms --health-retries 1 --health-start-period 1m \
	testimg sleep 600 >/dev/null
sleep 1.5
is "$(health h4)" starting "failures inside the start period keep it starting"
like "$(lite ps --filter name=h4)" '\(health: starting\)' "ps shows (health: starting)"

# --- no check, --no-healthcheck, bad values
lite run -d --name h5 testimg sleep 600 >/dev/null
is "$(ifield h5 state.health)" "" "no health without a check"
capture lite run -d --name h6 --health-interval 5x testimg sleep 1
is "$RC" 125 "a bad --health-interval exits 125"
like "$ERR" 'invalid --health-interval "5x"' "naming the flag and value"
capture lite run -d --name h6 --health-retries 0 --health-cmd true testimg sleep 1
is "$RC" 125 "a bad --health-retries exits 125"
not_ok "nothing was created" lite inspect h6
OUT=$(echo '{"id":1,"method":"run","params":{"image":"testimg","health_cmd":"true","health_timeout":"1q"}}' | rawreq)
like "$OUT" 'invalid --health-timeout' "the daemon checks durations too"

# --- the image config's Healthcheck, and --no-healthcheck
"$LITE" save testimg > "$T/img.tar"
"$PY" - "$T/img.tar" "$T/hc.tar" <<'PYEOF'
import hashlib, io, json, sys, tarfile
src = tarfile.open(sys.argv[1]); files = {m.name: (m, src.extractfile(m).read() if m.isfile() else None) for m in src}
man = json.loads(files["manifest.json"][1]); cfg = json.loads(files[man[0]["Config"]][1])
cfg["config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "test -e /tmp/img-ok"], "Interval": 200000000, "Retries": 1}
b = json.dumps(cfg).encode(); name = hashlib.sha256(b).hexdigest() + ".json"
del files[man[0]["Config"]]; man[0]["Config"] = name; man[0]["RepoTags"] = ["hcimg:latest"]
out = tarfile.open(sys.argv[2], "w")
for n, (m, data) in list(files.items()) + [(name, (tarfile.TarInfo(name), b))]:
    if n == "manifest.json": data = json.dumps(man).encode()
    if data is None: out.addfile(m); continue
    m.size = len(data); out.addfile(m, io.BytesIO(data))
PYEOF
"$LITE" load -i "$T/hc.tar" >/dev/null
lite run -d --name h7 hcimg sh -c 'touch /tmp/img-ok; sleep 600' >/dev/null
ok "the image's Healthcheck applies" wait_for 10 health_is h7 healthy
is "$(ifield h7 config.healthcheck.retries)" 1 "with the image's retries"
lite run -d --name h8 --no-healthcheck hcimg sleep 600 >/dev/null
is "$(ifield h8 state.health)" "" "--no-healthcheck disables it"
lite run -d --name h9 --health-interval 300ms --health-retries 4 hcimg sleep 600 >/dev/null
is "$(ifield h9 config.healthcheck.retries)" 4 "flags override the image's fields"
is "$(ifield h9 config.healthcheck.interval)" 300000000 "interval in ns"

# --- stops with the container, resumes after a daemon restart
lite stop -t 1 h2 >/dev/null
unlike "$(lite ps -a --filter name=h2)" 'healthy' "a stopped container shows no health in ps"
stop_daemon
start_daemon
ok "after a daemon restart h1 is checked again" wait_for 10 health_is h1 healthy

done_testing
