#!/usr/bin/env bash
# The Kafka test broker: librdkafka's mock cluster behind a tiny C launcher
# (packages/testing/native/kafka-mock.c). Installs librdkafka-dev when missing (Debian, as root)
# and compiles the launcher into packages/testing/native/build/ (git-ignored). Idempotent: a
# second run only compares timestamps. Skip it all with SLUICE_KAFKA_BROKERS=host:port,… (the
# tests then use that real Kafka instead).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -n "${SLUICE_KAFKA_BROKERS:-}" ]; then
  echo "kafka: SLUICE_KAFKA_BROKERS is set; tests use that broker, no local mock needed"
  exit 0
fi

src=packages/testing/native/kafka-mock.c
out=packages/testing/native/build/kafka-mock

if [ ! -f /usr/include/librdkafka/rdkafka_mock.h ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "kafka: librdkafka-dev is missing; install it as root (apt-get install librdkafka-dev)" >&2
    exit 1
  fi
  echo "kafka: installing librdkafka-dev and a C compiler"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q librdkafka-dev gcc libc6-dev >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q librdkafka-dev gcc libc6-dev >/dev/null
  }
fi

if [ -x "$out" ] && [ "$out" -nt "$src" ]; then
  echo "kafka: mock broker launcher up to date ($out)"
  exit 0
fi
mkdir -p "$(dirname "$out")"
cc -O2 -Wall -o "$out.tmp" "$src" -lrdkafka
mv "$out.tmp" "$out"
echo "kafka: built $out"
