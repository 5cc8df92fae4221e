#!/usr/bin/env bash
# Builds every image docker/compose.yaml needs without an image registry, from Debian packages and Maven Central:
#
#   almanac/jre:17          Debian bookworm (debootstrap --variant=minbase) with openjdk-17-jre-headless and curl
#   almanac/kafka:4.3.1     Kafka 4.3.1 from the kafka_2.13 jars, configured by KAFKA_* variables like apache/kafka
#   almanac/almanac:local   Almanac: the self-contained target/almanac.jar on almanac/jre:17
#
# Usage: docker/build-images.sh [--rebuild] [base] [kafka] [almanac]     (no names: all three)
#
# Idempotent: each image carries a label with a hash of its inputs and is rebuilt only when they changed
# (--rebuild: always). The jar is built with `mvn -B -q -DskipTests package` when it is missing or older than
# the sources. Needs root (debootstrap) for the base image only, a running Docker engine, and Maven for the jars.
# Where a registry is reachable none of this is needed: see docs/docker.md.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE="${ALMANAC_BASE_IMAGE:-almanac/jre:17}"
KAFKA_IMAGE="${ALMANAC_KAFKA_IMAGE:-almanac/kafka:4.3.1}"
ALMANAC_IMAGE="${ALMANAC_IMAGE:-almanac/almanac:local}"
SUITE=bookworm
PACKAGES=openjdk-17-jre-headless,curl
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LABEL=dev.almanac.inputs

rebuild=false
targets=()
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    base|kafka|almanac) targets+=("$arg") ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-images.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
(( ${#targets[@]} )) || targets=(base kafka almanac)
wanted() { [[ " ${targets[*]} " == *" $1 "* ]]; }

docker info >/dev/null 2>&1 || { echo "build-images.sh: no Docker engine answers (is dockerd running?)" >&2; exit 1; }

# The hash recorded on an existing image, or nothing when there is no such image.
recorded() { docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

# Up to date when the image exists with the same input hash (and no --rebuild).
current() {
  local image="$1" hash="$2"
  if ! $rebuild && [[ "$(recorded "$image")" == "$hash" ]]; then
    echo "$image: up to date ($LABEL=$hash)"
    return 0
  fi
  return 1
}

if wanted base; then
  hash="$(echo "$SUITE $PACKAGES" | sha256sum | cut -c1-16)"
  if ! current "$BASE_IMAGE" "$hash"; then
    command -v debootstrap >/dev/null || { echo "build-images.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
    start=$(date +%s)
    root="$(mktemp -d /tmp/almanac-rootfs.XXXXXX)"
    trap 'rm -rf "$root"' EXIT
    echo "$BASE_IMAGE: debootstrap --variant=minbase --include=$PACKAGES $SUITE (about 80 s) ..."
    debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$MIRROR" > "$root.log" 2>&1 \
      || { tail -20 "$root.log" >&2; echo "build-images.sh: debootstrap failed; log in $root.log" >&2; exit 1; }
    # Package lists and caches are not needed at run time.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | docker import \
      --change "LABEL $LABEL=$hash" \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
      --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$root" "$root.log"
    trap - EXIT
    echo "$BASE_IMAGE: built in $(seconds_since "$start") s"
  fi
fi

if wanted kafka; then
  hash="$(hash_of docker/kafka/Dockerfile docker/kafka/pom.xml docker/kafka/run docker/kafka/bin/* docker/kafka/config/* <(echo "$BASE_IMAGE $(recorded "$BASE_IMAGE")"))"
  if ! current "$KAFKA_IMAGE" "$hash"; then
    start=$(date +%s)
    echo "$KAFKA_IMAGE: copying the Kafka jars from Maven (docker/kafka/pom.xml) ..."
    rm -rf docker/kafka/target/libs
    mvn -B -q -f docker/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/libs
    docker build -q --build-arg BASE_IMAGE="$BASE_IMAGE" --label "$LABEL=$hash" -t "$KAFKA_IMAGE" docker/kafka >/dev/null
    echo "$KAFKA_IMAGE: built in $(seconds_since "$start") s"
  fi
fi

if wanted almanac; then
  jar=target/almanac.jar
  if [[ ! -f "$jar" || -n "$(find pom.xml src/main schemas topologies -newer "$jar" -print -quit)" ]]; then
    start=$(date +%s)
    echo "$jar: missing or older than the sources; mvn -B -q -DskipTests package ..."
    mvn -B -q -DskipTests package
    echo "$jar: built in $(seconds_since "$start") s"
  fi
  hash="$(hash_of "$jar" docker/Dockerfile docker/almanac/* <(find data -type f -print0 | sort -z | xargs -0 cat) <(echo "$BASE_IMAGE $(recorded "$BASE_IMAGE")"))"
  if ! current "$ALMANAC_IMAGE" "$hash"; then
    start=$(date +%s)
    docker build -q -f docker/Dockerfile --target prebuilt --build-arg RUNTIME_IMAGE="$BASE_IMAGE" \
      --label "$LABEL=$hash" -t "$ALMANAC_IMAGE" . >/dev/null
    echo "$ALMANAC_IMAGE: built in $(seconds_since "$start") s"
  fi
fi
