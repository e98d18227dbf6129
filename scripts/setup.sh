#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: PostgreSQL (started by the tests
# themselves), Node.js for the SDK compatibility suite, the compatibility suite's npm packages, and Debian's
# Chromium for the browser tests (Playwright drives /usr/bin/chromium; never `playwright install`).
# Safe to run again; installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v wrk >/dev/null 2>&1 || [ "${COMMET_SETUP_BENCH:-0}" = 0 ] || need+=(wrk)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -d tests/compat/node_modules ] && [ -f tests/compat/package.json ]; then
  echo "setup: installing the compatibility suite's npm packages"
  (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
fi
