#!/usr/bin/env bash
# Checks docker/compose.yaml end to end, as a user would run it: starts the project (its own name, fresh volumes,
# a random API token), waits until Kafka and Almanac are healthy and the bundled data is loaded, asks the SQL API
# on the published port for Beijing's registered models (209), reads a derived topic's bytes from the host
# through the published Kafka port and resolves their schema id in the published registry, then removes the
# project with its volumes. Run by .ci/run after docker/build-images.sh; exits non-zero on the first failure.
#
# Ports: 8088, 8081 and 9092 on 127.0.0.1 when free, otherwise free ones (printed).
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=(docker-compose)
fi
project="almanac-compose-test-$$"
dc() { "${compose[@]}" -f docker/compose.yaml -p "$project" "$@"; }
t0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t0 )) s"; }
fail() {
  echo "compose-test: FAILED: $*" >&2
  dc ps >&2 || true
  dc logs --tail 40 >&2 || true
  exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pick() { if port_in_use "$1"; then free_port; else echo "$1"; fi; }
export ALMANAC_HTTP_HOST_PORT="$(pick 8088)" ALMANAC_REGISTRY_HOST_PORT="$(pick 8081)" KAFKA_HOST_PORT="$(pick 9092)"
ALMANAC_API_TOKEN="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export ALMANAC_API_TOKEN
api="http://127.0.0.1:$ALMANAC_HTTP_HOST_PORT"
registry="http://127.0.0.1:$ALMANAC_REGISTRY_HOST_PORT"

trap 'dc down -v --remove-orphans >/dev/null 2>&1 || true' EXIT
echo "compose-test: ${compose[*]} -p $project up -d (SQL API :$ALMANAC_HTTP_HOST_PORT, registry :$ALMANAC_REGISTRY_HOST_PORT, Kafka :$KAFKA_HOST_PORT)"
dc up -d >/dev/null 2>&1 || fail "up"

# Waits until a command succeeds, for at most $1 seconds.
wait_for() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || fail "$what not within $seconds s"
    sleep 2
  done
  echo "compose-test: $what after $(elapsed)"
}
health() { [[ "$(docker inspect --format '{{.State.Health.Status}}' "$(dc ps -q "$1")")" == healthy ]]; }
loaded() { [[ "$(docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$(dc ps -q load)")" == "exited 0" ]]; }
sql() {
  curl -fsS --max-time 30 -H "Authorization: Bearer $ALMANAC_API_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"sql\": \"$1\"}" "$api/query"
}
beijing='SELECT value FROM current WHERE indicator = '"'"'registered_llm_count'"'"' AND region = '"'"'CN-BJ'"'"''
beijing_is_209() { sql "$beijing" | grep -q '"rows":\[\[209.0\]\]'; }

wait_for 300 "kafka healthy" health kafka
wait_for 300 "almanac healthy" health almanac
wait_for 300 "bundled data loaded (load exited 0)" loaded
wait_for 180 "SQL: Beijing's registered models = 209" beijing_is_209
echo "compose-test: $beijing -> $(sql "$beijing" | sed 's/,"truncated".*//')"
status="$(curl -s -o /dev/null -w '%{http_code}' -d '{"sql": "SELECT 1"}' "$api/query")"
[[ "$status" == 401 ]] || fail "the SQL API answered $status without the token (expected 401)"

# The Kafka tools' jars for the host-side consumer: build-images.sh copies them only when it rebuilds the
# Kafka image, so a fresh clone that reuses the image has none yet.
if ! compgen -G 'docker/kafka/target/libs/kafka-tools-*.jar' >/dev/null; then
  mvn -B -q -f docker/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/libs \
    || fail "cannot copy the Kafka tools' jars for the host-side consumer"
fi
# A derived topic's first record, read on the host through the published Kafka port: Confluent wire format
# (magic byte 0, 4-byte schema id), the id known to the registry on its published port.
bytes="$(timeout 120 java -Xmx256m -Dlog4j2.configurationFile=docker/kafka/config/tools-log4j2.properties \
    -cp 'docker/kafka/target/libs/*' org.apache.kafka.tools.consumer.ConsoleConsumer \
    --bootstrap-server "127.0.0.1:$KAFKA_HOST_PORT" --topic almanac.shares --from-beginning --max-messages 1 \
    --timeout-ms 60000 2>/dev/null | head -c 5 | od -An -tx1 | tr -d ' \n')" || true
[[ "$bytes" =~ ^00[0-9a-f]{8}$ ]] || fail "almanac.shares through 127.0.0.1:$KAFKA_HOST_PORT: first bytes '$bytes', expected 00 + schema id"
id=$(( 16#${bytes:2} ))
curl -fsS --max-time 10 "$registry/schemas/ids/$id" | grep -q ShareOfParent \
  || fail "schema id $id of almanac.shares is not ShareOfParent in $registry"
echo "compose-test: almanac.shares via 127.0.0.1:$KAFKA_HOST_PORT: magic byte 0, schema id $id = ShareOfParent in the registry"

dc down -v --remove-orphans >/dev/null 2>&1 || fail "down"
trap - EXIT
echo "compose-test: OK in $(elapsed) (up, healthy, loaded, queried, read, removed)"
