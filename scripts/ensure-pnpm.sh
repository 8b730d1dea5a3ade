#!/usr/bin/env bash
# pnpm 10 is the workspace's package manager; corepack cannot fetch it here, npm can.
set -euo pipefail
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm -v)" != 10.* ]]; then
  echo "Installing pnpm 10 with npm…" >&2
  npm install -g pnpm@10 >/dev/null
fi
