#!/usr/bin/env bash
# Prepares a machine for the test suite: each component's set-up is a script in scripts/setup.d/,
# run in name order. Each is idempotent and says what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  bash "$step"
done
