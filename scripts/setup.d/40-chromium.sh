#!/usr/bin/env bash
# Chromium for the web UI's browser test (@sluice/ui drives it with playwright-core). Idempotent.
# - SLUICE_CHROMIUM set: the test uses that executable; nothing is installed.
# - /usr/bin/chromium present: used as it is.
# - Otherwise, as root with apt-get, Debian's `chromium` package is installed (fonts come with it).
set -euo pipefail

say() { echo "[40-chromium] $*"; }

if [ -n "${SLUICE_CHROMIUM:-}" ]; then
  say "SLUICE_CHROMIUM is set: the browser test uses $SLUICE_CHROMIUM."
  exit 0
fi

if [ -x /usr/bin/chromium ]; then
  say "$(/usr/bin/chromium --version 2>/dev/null || echo chromium) is installed; the browser test uses it."
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  cat <<'MSG'
[40-chromium] No Chromium at /usr/bin/chromium, and this script can only install it as root with apt-get.
[40-chromium] Install it (`sudo apt-get install chromium` on Debian/Ubuntu), or point the test at a
[40-chromium] Chromium or Chrome you have:   export SLUICE_CHROMIUM=/path/to/chrome
MSG
  exit 1
fi

say "installing Debian's chromium with apt-get…"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing on a fresh machine; a failed update is retried by install's own error.
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
say "$(/usr/bin/chromium --version) installed."
