#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: PostgreSQL (started by the tests
# themselves), Node.js for the SDK compatibility suite (and checks that it is new enough), the compatibility
# suite's npm packages, and Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; never
# `playwright install`).
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

# The compatibility suite needs the Node.js of tests/compat/package.json "engines" (its test runner options;
# @commet/node itself needs 18). Debian 12's own nodejs package is 18, so on a machine with only that, say what
# to do now rather than fail later with an unknown-option error.
if [ -f tests/compat/package.json ]; then
  wanted=$(sed -n 's/.*"node": *">= *\([0-9][0-9.]*\)".*/\1/p' tests/compat/package.json | head -1)
  wanted=${wanted:-20}
  have=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
  if [ "$(printf '%s\n%s\n' "$wanted" "$have" | sort -V | head -1)" != "$wanted" ]; then
    echo "setup: Node.js $have is too old: the compatibility tests (tests/compat) need Node.js $wanted or newer." >&2
    echo "setup: install a newer Node.js, e.g. the nodejs package of https://github.com/nodesource/distributions" >&2
    echo "setup: (or nvm: 'nvm install ${wanted%%.*}'), make sure 'node --version' shows it, then run scripts/setup.sh again." >&2
    exit 1
  fi
fi

if [ ! -d tests/compat/node_modules ] && [ -f tests/compat/package.json ]; then
  echo "setup: installing the compatibility suite's npm packages"
  (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
fi
