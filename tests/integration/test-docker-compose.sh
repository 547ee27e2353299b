#!/bin/bash
# Issue 16: docker-compose 1.29 (Debian's) drives lite through the Docker
# socket: a three-service project (a web server with a published port on
# 127.0.0.1, a health check and a restart policy; a depends_on client that
# resolves it by name on the project network; a worker built from a
# Dockerfile, scaled to two) with a named volume that survives down and
# up, and an environment: up -d, ps, logs, exec -T, --scale, down, up,
# down -v, with the state checked after each.
LIB_NETNS=1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-docker.sh"

if ! command -v docker-compose >/dev/null; then
	fail "docker-compose present" "install docker-compose (scripts/install-deps.sh --test)"
	done_testing
	exit 1
fi
pass "docker-compose present ($(docker-compose version --short 2>/dev/null))"

P=lc$$
PORT=$((20000 + RANDOM % 20000))
mkdir -p "$T/proj/worker"
cat >"$T/proj/worker/Dockerfile" <<'DF'
FROM testimg
ENV ROLE=worker
COPY job.sh /job.sh
CMD ["sh", "/job.sh"]
DF
printf 'echo "$ROLE up"; exec sleep 300\n' >"$T/proj/worker/job.sh"
cat >"$T/proj/docker-compose.yml" <<YML
version: "3.8"
services:
  web:
    image: testimg
    command: ["sh", "-c", "echo web up; echo boot >> /data/boots; mkdir -p /www; echo hello-\$\$GREETING > /www/index.html; cp /www/index.html /data/; httpd -f -p 80 -h /www"]
    environment:
      GREETING: compose
    ports:
      - "127.0.0.1:$PORT:80"
    volumes:
      - data:/data
    networks: [back]
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "test", "-f", "/www/index.html"]
      interval: 1s
      timeout: 2s
      retries: 3
  client:
    image: testimg
    command: ["sh", "-c", "echo client up; sleep 300"]
    depends_on: [web]
    networks: [back]
  worker:
    build: ./worker
    image: ${P}-worker
    networks: [back]
volumes:
  data:
networks:
  back:
YML
# dc ARGS : docker-compose on the test daemon, in the test's network namespace
dc() { in_ns env DOCKER_HOST="unix://$DSOCK" COMPOSE_INTERACTIVE_NO_CLI=1 timeout -k 5 120 docker-compose -p "$P" -f "$T/proj/docker-compose.yml" "$@" </dev/null; }

capture dc up -d --scale worker=2
is_rc 0 "docker-compose up -d --scale worker=2 (builds the worker)"
[ "$RC" = 0 ] || diag "$ERR"
capture lite images --format '{{.Repository}}'
like "$OUT" "${P}-worker" "the worker image was built through the Docker API"
capture dc ps
is_rc 0 "docker-compose ps"
is "$(grep -c ' Up' <<<"$OUT")" 4 "ps: web, client and two workers are Up"
like "$OUT" "127.0.0.1:$PORT->80/tcp" "ps: the published port"
capture lite ps --format '{{.Names}}'
like "$OUT" "${P}_web_1" "lite ps shows compose's container names"
like "$OUT" "${P}_worker_2" "the second worker runs"
capture lite network ls --format '{{.Name}}'
like "$OUT" "${P}_back" "the project network exists"
capture lite volume ls --format '{{.Name}}'
like "$OUT" "${P}_data" "the named volume exists"
is "$(lite inspect -f '{{.HostConfig.RestartPolicy.Name}}' "${P}_web_1")" unless-stopped "web's restart policy"
web_healthy() { [ "$(lite inspect -f '{{.State.Health.Status}}' "${P}_web_1" 2>/dev/null)" = healthy ]; }
web_booted() { [ "$(lite exec "${P}_web_1" cat /data/boots 2>/dev/null | wc -l)" = "$1" ]; }
ok "web becomes healthy (compose's CMD health check)" wait_for 30 web_healthy
wait_for 20 in_ns sh -c "curl -s http://127.0.0.1:$PORT/ | grep -q hello-compose"
is "$(in_ns curl -s --max-time 10 "http://127.0.0.1:$PORT/")" hello-compose "the published port on 127.0.0.1 answers, with the environment applied"
capture dc logs --no-color
like "$OUT" 'web up' "docker-compose logs: web's output"
like "$OUT" 'client up' "docker-compose logs: client's output"
like "$OUT" 'worker up' "docker-compose logs: the built worker's output (its ENV and COPY)"
capture dc exec -T client sh -c 'wget -qO- http://web/'
is "$OUT" hello-compose "docker-compose exec -T: the client reaches web by name on the project network"
capture dc exec -T web cat /data/index.html
is "$OUT" hello-compose "docker-compose exec -T: the named volume is mounted"
capture dc up -d --scale worker=1
is_rc 0 "docker-compose up -d --scale worker=1"
capture lite ps --format '{{.Names}}'
unlike "$OUT" "${P}_worker_2" "scaled down: the second worker is gone"
capture dc down
is_rc 0 "docker-compose down (the volume stays)"
capture lite volume ls --format '{{.Name}}'
like "$OUT" "${P}_data" "down: the named volume survives"
capture dc up -d
is_rc 0 "docker-compose up -d again"
wait_for 20 web_booted 2
capture dc exec -T web cat /data/boots
is "$OUT" "boot
boot" "the volume kept the first run's data across down and up"
capture dc down -v
is_rc 0 "docker-compose down -v"
capture lite ps -a --format '{{.Names}}'
unlike "$OUT" "${P}_" "down: the containers are gone"
capture lite network ls --format '{{.Name}}'
unlike "$OUT" "${P}_back" "down: the network is gone"
capture lite volume ls --format '{{.Name}}'
unlike "$OUT" "${P}_data" "down -v: the volume is gone"

done_testing
