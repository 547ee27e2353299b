#!/bin/bash
# Issue 16: docker-compose 1.29 (Debian's) drives lite through the Docker
# socket: a two-service project with a user network, a named volume, a
# published port on 127.0.0.1 and an environment: up -d, ps, logs,
# exec -T, down -v, with the state checked after each.
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
mkdir -p "$T/proj"
cat >"$T/proj/docker-compose.yml" <<YML
version: "3.8"
services:
  web:
    image: testimg
    command: ["sh", "-c", "echo web up; mkdir -p /www; echo hello-\$\$GREETING > /www/index.html; cp /www/index.html /data/; httpd -f -p 80 -h /www"]
    environment:
      GREETING: compose
    ports:
      - "127.0.0.1:$PORT:80"
    volumes:
      - data:/data
    networks: [back]
  client:
    image: testimg
    command: ["sh", "-c", "echo client up; sleep 300"]
    depends_on: [web]
    networks: [back]
volumes:
  data:
networks:
  back:
YML
# dc ARGS : docker-compose on the test daemon, in the test's network namespace
dc() { in_ns env DOCKER_HOST="unix://$DSOCK" COMPOSE_INTERACTIVE_NO_CLI=1 timeout -k 5 120 docker-compose -p "$P" -f "$T/proj/docker-compose.yml" "$@" </dev/null; }

capture dc up -d
is_rc 0 "docker-compose up -d"
[ "$RC" = 0 ] || diag "$ERR"
capture dc ps
is_rc 0 "docker-compose ps"
is "$(grep -c ' Up ' <<<"$OUT")" 2 "ps: both services are Up"
like "$OUT" "127.0.0.1:$PORT->80/tcp" "ps: the published port"
capture lite ps --format '{{.Names}}'
like "$OUT" "${P}_web_1" "lite ps shows compose's container names"
capture lite network ls --format '{{.Name}}'
like "$OUT" "${P}_back" "the project network exists"
capture lite volume ls --format '{{.Name}}'
like "$OUT" "${P}_data" "the named volume exists"
wait_for 20 in_ns sh -c "curl -s http://127.0.0.1:$PORT/ | grep -q hello-compose"
is "$(in_ns curl -s --max-time 10 "http://127.0.0.1:$PORT/")" hello-compose "the published port on 127.0.0.1 answers, with the environment applied"
capture dc logs --no-color
like "$OUT" 'web up' "docker-compose logs: web's output"
like "$OUT" 'client up' "docker-compose logs: client's output"
capture dc exec -T client sh -c 'wget -qO- http://web/'
is "$OUT" hello-compose "docker-compose exec -T: the client reaches web by name on the project network"
capture dc exec -T web cat /data/index.html
is "$OUT" hello-compose "docker-compose exec -T: the named volume is mounted"
capture dc down -v
is_rc 0 "docker-compose down -v"
capture lite ps -a --format '{{.Names}}'
unlike "$OUT" "${P}_" "down: the containers are gone"
capture lite network ls --format '{{.Name}}'
unlike "$OUT" "${P}_back" "down: the network is gone"
capture lite volume ls --format '{{.Name}}'
unlike "$OUT" "${P}_data" "down -v: the volume is gone"

done_testing
