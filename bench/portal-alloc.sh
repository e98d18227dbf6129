#!/usr/bin/env bash
# Bytes allocated per request of the portal link and the overview page (docs/benchmarks.md, "Customer portal: the
# overview in three round trips"): allocations hold up on a loaded machine where rates and p99s do not. Starts the
# server, sets up the same customer as bench/run-portal.sh (bench/lib/portal-customer.sh), and for each scenario
# runs wrk (-t2 -c32, 3 s warm-up, 8 s measured) while dotnet-counters collects dotnet.gc.heap.total_allocated; prints KB per request (the counter
# window is 12 s; the idle server's rate (the window's lowest second) is taken off for the seconds wrk did not run).
# Needs wrk and dotnet-counters (dotnet tool install -g dotnet-counters); PostgreSQL on 127.0.0.1:5433 for postgres.
# usage: bench/portal-alloc.sh <label> <path to Commet.Server.dll> <sqlite|postgres>
set -euo pipefail
label=$1; DLL=$2; db=$3
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/server-env.sh
PORT=${BENCH_PORT:-5398}; BASE="http://127.0.0.1:$PORT"
export COMMET_BENCH_KEY=ck_test_bench_portal_0123456789abcdef
WORK=$(mktemp -d /tmp/portal-alloc.XXXXXX)
COUNTERS=$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")
PG_DB=""
env_db=()
if [[ $db == postgres ]]; then
  PG_DB="commet_alloc_$RANDOM$RANDOM"
  psql -h 127.0.0.1 -p 5433 -U postgres -d postgres -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
  env_db=(COMMET_DATABASE_URL="Host=127.0.0.1;Port=5433;Username=postgres;Database=$PG_DB;Maximum Pool Size=64")
else
  env_db=(COMMET_DATA_DIR="$WORK")
fi
env "${env_db[@]}" $SERVER_RUNTIME_ENV COMMET_BOOTSTRAP_SANDBOX_KEY=$COMMET_BENCH_KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 \
  Commet__Portal__LinkRequestsPerSecond=10000000 Commet__Portal__LinkRequestBurst=10000000 dotnet "$DLL" --urls "$BASE" >>"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; [[ -n $PG_DB ]] && psql -h 127.0.0.1 -p 5433 -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null; rm -rf $WORK' EXIT
for _ in $(seq 600); do curl -s -o /dev/null --max-time 1 "$BASE/healthz" && break; sleep 0.1; done
source bench/lib/portal-customer.sh
arrange_portal_customer "$BASE" "$WORK"
measure() {
  local name=$1; shift
  wrk -t2 -c32 -d3s "$@" >/dev/null   # warm-up
  rm -f "$WORK/c.csv"
  "$COUNTERS" collect -p $PID --counters System.Runtime --format csv -o "$WORK/c.csv" --refresh-interval 1 --duration 00:00:00:12 >/dev/null 2>&1 &
  local cpid=$!
  sleep 2
  wrk -t2 -c32 -d8s "$@" >"$WORK/w.txt"
  wait $cpid 2>/dev/null || true
  python3 - "$WORK/c.csv" "$WORK/w.txt" "$label" "$db" "$name" <<'PY'
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1])))
sel = [r for r in rows[1:] if 'total_allocated' in r[2] or 'Allocat' in r[2]]
names = sorted({(r[2], r[3]) for r in sel})
vals = [float(r[-1]) for r in sel]
# Per-second allocation rates over the 12 s window; wrk runs 8 s of it. What the idle server allocates (the lowest
# second's rate) is taken off for the seconds wrk did not run.
idle = min(vals) if vals else 0
total = sum(vals) - idle * max(len(vals) - 8, 0)
gen0 = [float(r[-1]) for r in rows[1:] if 'gc.collections' in r[2] and 'gen0' in r[2]]
w = open(sys.argv[2]).read()
n = int(re.search(r"(\d+) requests in", w).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", w).group(1))
print(f"{sys.argv[3]} {sys.argv[4]} {sys.argv[5]}: {n} requests ({rps:.0f}/s), counters {names}, allocated ~{total/ max(n,1)/1024:.1f} KB/request (idle rate {idle/1024:.0f} KB/s taken off)")
PY
}
measure link -s bench/wrk/portal-link.lua "$BASE"
measure overview -s bench/wrk/portal-page.lua "$BASE/portal"
