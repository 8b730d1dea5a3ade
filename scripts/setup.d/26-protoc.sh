#!/usr/bin/env bash
# protoc (Debian's protobuf-compiler): the independent Protobuf writer and reader the
# @sluice/protobuf tests check from_protobuf/to_protobuf against (descriptor sets, --encode,
# --decode). Idempotent.
set -euo pipefail

if command -v protoc >/dev/null 2>&1; then
  echo "protoc: installed ($(protoc --version))"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "protoc: missing; install it as root (apt-get install protobuf-compiler)" >&2
  exit 1
fi
echo "protoc: installing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q protobuf-compiler >/dev/null 2>&1 || {
  apt-get update -q >/dev/null
  apt-get install -y -q protobuf-compiler >/dev/null
}
echo "protoc: installed ($(protoc --version))"
