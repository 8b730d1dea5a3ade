#!/usr/bin/env bash
# kcat (librdkafka's command-line producer and consumer, Debian's package): the independent Kafka
# client the interop tests and `pnpm bench kafka` check Sluice against. Idempotent.
set -euo pipefail

if command -v kcat >/dev/null 2>&1; then
  echo "kcat: installed ($(command -v kcat))"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "kcat: missing; install it as root (apt-get install kcat)" >&2
  exit 1
fi
echo "kcat: installing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q kcat >/dev/null 2>&1 || {
  apt-get update -q >/dev/null
  apt-get install -y -q kcat >/dev/null
}
echo "kcat: installed ($(command -v kcat))"
