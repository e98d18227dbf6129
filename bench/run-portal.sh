#!/usr/bin/env bash
# Customer portal benchmarks (docs/benchmarks.md, "Customer portal"): portal link creation
# (POST /api/v1/portal/request-access) and the overview page (GET /portal with a live session), on SQLite and
# PostgreSQL, each beside the ceiling measured in the same run (GET /healthz: a constant through the same server
# and middleware), plus the overview's page weight. Prints a Markdown table; exits non-zero on any non-2xx answer.
#
# Knobs (environment):
#   BENCH_DBS="sqlite postgres"  BENCH_THREADS=2  BENCH_CONNS=32  BENCH_DURATION=15s  BENCH_WARMUP=3s
#   BENCH_PORT=5185  BENCH_PG_PORT=5433 (PostgreSQL must answer there: scripts/postgres.sh start)
#   BENCH_SKIP_BUILD=1  use the existing Release build
#   BENCH_SERVER_DLL=path  run another build of the server (A/B comparisons; implies nothing is built)
#   BENCH_PG_OPTIONS="Maximum Pool Size=64"  appended to the server's PostgreSQL connection string (pool size, Max Auto Prepare, ...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DBS=${BENCH_DBS:-"sqlite postgres"}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-32}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
PORT=${BENCH_PORT:-5185}
PG_PORT=${BENCH_PG_PORT:-5433}
PG_OPTIONS=${BENCH_PG_OPTIONS:-"Maximum Pool Size=64"}
BASE="http://127.0.0.1:$PORT"
DLL=${BENCH_SERVER_DLL:-"$ROOT/src/Commet.Server/bin/Release/net10.0/Commet.Server.dll"}
export COMMET_BENCH_KEY=ck_test_bench_portal_0123456789abcdef
WORK=$(mktemp -d /tmp/commet-bench-portal.XXXXXX)

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

SERVER_PID=""
PG_DB=""
cleanup() {
  set +e
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n $PG_DB ]] && psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z ${BENCH_SKIP_BUILD:-} && -z ${BENCH_SERVER_DLL:-} ]]; then
  dotnet build src/Commet.Server -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
fi

api() { curl -sf -H "x-api-key: $COMMET_BENCH_KEY" -H "Content-Type: application/json" "$BASE/api/v1$1" -d "$2" >/dev/null; }

start_server() {
  if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then echo "something already answers on $BASE" >&2; exit 1; fi
  # The link rate limit is raised so that it does not cap the measurement (the limiter itself still runs).
  env "$@" COMMET_BOOTSTRAP_SANDBOX_KEY=$COMMET_BENCH_KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 Commet__RateLimits__ExpensiveConcurrency=100000 Commet__RateLimits__ExpensiveQueue=100000 \
    Commet__Portal__LinkRequestsPerSecond=10000000 Commet__Portal__LinkRequestBurst=10000000 \
    dotnet "$DLL" --urls "$BASE" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 600); do
    curl -s -o /dev/null --max-time 1 "$BASE/healthz" && return
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server did not start" >&2; exit 1
}

stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

# A customer on a paid plan with a card, an invoice and the usual overview to render.
arrange() {
  api /customers '{"id":"bench_user","email":"bench@example.com","fullName":"Bench User","timezone":"Europe/Madrid"}'
  api /plan-groups '{"name":"Main"}'
  api /plans/manage '{"code":"basic","name":"Basic","description":"For small teams"}'
  api /plans/basic/prices '{"billingInterval":"monthly","price":1900}'
  api /sandbox/payment-methods '{"customerId":"bench_user","cardNumber":"4242424242424242"}'
  api /subscriptions '{"customerId":"bench_user","planCode":"basic"}'
  local url
  url=$(curl -sf -H "x-api-key: $COMMET_BENCH_KEY" -H "Content-Type: application/json" "$BASE/api/v1/portal/request-access" \
    -d '{"customerId":"bench_user"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["portalUrl"])')
  curl -sf -o /dev/null -c "$WORK/cookies" "$url"
  COMMET_BENCH_COOKIE=$(awk '$6 == "commet_portal" { print $7 }' "$WORK/cookies")
  export COMMET_BENCH_COOKIE
  [[ -n $COMMET_BENCH_COOKIE ]] || { echo "no portal session cookie" >&2; exit 1; }
}

# The server's own CPU time (user + system) in clock ticks: CPU per request does not depend on how busy the
# rest of the machine is, unlike requests per second.
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

# run <name> <wrk args...>: prints "rps p99ms cpu_us_per_request non2xx [socket errors]"
run() {
  local name=$1; shift
  [[ $WARMUP != 0 ]] && wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "$@" >/dev/null
  local before after
  before=$(server_ticks)
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" >"$WORK/$name.txt"
  after=$(server_ticks)
  python3 - "$WORK/$name.txt" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
found = re.search(r"Requests/sec:\s+([\d.]+)", t)
if not found:
    print("0 0 0 1 wrk-failed")
    sys.exit(0)
rps = float(found.group(1))
total = int(re.search(r"(\d+) requests in", t).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", t, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else 0
bad = re.search(r"non2xx=(\d+)", t)
errors = re.search(r"Socket errors: (.*)", t)
print(f"{rps:.0f} {p99:.2f} {ticks * 1e6 / hz / max(total, 1):.0f} {int(bad.group(1)) if bad else 0}{' ' + errors.group(1).replace(' ', '') if errors else ''}")
PY
}

echo "| database | scenario | requests/s | p99 ms | server CPU µs/request | ceiling (GET /healthz) req/s | ratio | target |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
status=0
for db in $DBS; do
  if [[ $db == postgres ]]; then
    PG_DB="commet_bench_portal_$RANDOM$RANDOM"
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
    start_server COMMET_DATABASE_URL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB;$PG_OPTIONS"
  else
    mkdir -p "$WORK/sqlite"
    start_server COMMET_DATA_DIR="$WORK/sqlite"
  fi
  arrange
  weight=$(curl -sf -b "commet_portal=$COMMET_BENCH_COOKIE" "$BASE/portal" | wc -c)
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r c_rps c_p99 c_cpu c_bad _ <<<"$(run "ceiling-$db" "$BASE/healthz")"
  read -r l_rps l_p99 l_cpu l_bad l_err <<<"$(run "links-$db" -s bench/wrk/portal-link.lua "$BASE")"
  read -r o_rps o_p99 o_cpu o_bad o_err <<<"$(run "overview-$db" -s bench/wrk/portal-page.lua "$BASE/portal")"
  ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
  echo "| $db | ceiling: GET /healthz (load average $load at start) | $c_rps | $c_p99 | $c_cpu | | | |"
  echo "| $db | portal link (POST /api/v1/portal/request-access) | $l_rps | $l_p99 | $l_cpu | $c_rps | $(ratio "$l_rps" "$c_rps") | ≥ 5,000/s, p99 ≤ 10 ms |"
  echo "| $db | overview page (GET /portal, $weight bytes) | $o_rps | $o_p99 | $o_cpu | $c_rps | $(ratio "$o_rps" "$c_rps") | ≥ 1,000/s, p99 ≤ 20 ms, ≤ 60 KB |"
  [[ $l_bad == 0 && $o_bad == 0 && -z ${l_err:-} && -z ${o_err:-} ]] || { echo "non-2xx answers or socket errors on $db: links $l_bad ${l_err:-}, overview $o_bad ${o_err:-}" >&2; status=1; }
  stop_server
  if [[ $db == postgres ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null; PG_DB=""
  fi
done
echo
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency (after a $WARMUP warm-up); $(nproc) cores; $(dotnet --version) SDK; $(date -u +%Y-%m-%dT%H:%MZ)"
exit $status
