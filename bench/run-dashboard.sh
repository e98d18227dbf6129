#!/usr/bin/env bash
# Dashboard at scale (docs/benchmarks.md, "Dashboard at scale"): the merchant's list pages and home page with
# 10,000 customers and 100,000 paid invoices (and their transactions) in one organization, on SQLite and
# PostgreSQL, each beside the ceiling measured in the same run (GET /healthz through the same server).
#
# For each database: starts the Release server on a fresh store with an owner (COMMET_ADMIN_EMAIL), seeds it
# (bench/dashboard/seed.py: the customers through the batch API, the subscriptions, invoices and transactions
# straight into the database), signs in with curl, checks every page once (200, the expected content), then
# measures each with wrk: the customers list (first page), a customer search by exact email, a search by a part of
# the name, the invoices list (first page and a page deep in the list by cursor), and the home page over 30 and 365
# days. The machine's load average is printed with each database's ceiling. Prints a Markdown table; exits
# non-zero on any non-2xx/3xx answer, socket error or failed check.
#
# Knobs (environment):
#   BENCH_DBS="sqlite postgres"  BENCH_CUSTOMERS=10000  BENCH_INVOICES=100000
#   BENCH_THREADS=2  BENCH_CONNS=8  BENCH_DURATION=10s  BENCH_WARMUP=2s
#   BENCH_PORT=5187  BENCH_PG_PORT=5433 (PostgreSQL must answer there: scripts/postgres.sh start)
#   BENCH_SKIP_BUILD=1  use the existing Release build
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source bench/lib/server-env.sh

DBS=${BENCH_DBS:-"sqlite postgres"}
CUSTOMERS=${BENCH_CUSTOMERS:-10000}
INVOICES=${BENCH_INVOICES:-100000}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-8}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
PORT=${BENCH_PORT:-5187}
PG_PORT=${BENCH_PG_PORT:-5433}
BASE="http://127.0.0.1:$PORT"
DLL="$ROOT/src/Commet.Server/bin/Release/net10.0/Commet.Server.dll"
KEY=ck_test_bench_dashboard_0123456789abcdef
OWNER=owner@bench.example.com
PASSWORD="bench owner password"
ORG=/dashboard/org_default/sandbox
WORK=$(mktemp -d /tmp/commet-bench-dashboard.XXXXXX)

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

if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  dotnet build src/Commet.Server -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
fi

start_server() {
  if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then echo "something already answers on $BASE" >&2; exit 1; fi
  env "$@" $SERVER_RUNTIME_ENV COMMET_BOOTSTRAP_SANDBOX_KEY=$KEY COMMET_ADMIN_EMAIL=$OWNER COMMET_ADMIN_PASSWORD="$PASSWORD" Logging__LogLevel__Default=Warning \
    Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 Commet__RateLimits__ExpensiveConcurrency=100000 Commet__RateLimits__ExpensiveQueue=100000 \
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

# Signs the owner in as a browser does (the sign-in form with its antiforgery token) and keeps the session cookie.
sign_in() {
  local jar="$WORK/jar" token
  rm -f "$jar"
  token=$(curl -sf -c "$jar" -b "$jar" "$BASE/dashboard/sign-in" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  [[ -n $token ]] || { echo "no antiforgery token on the sign-in page" >&2; exit 1; }
  curl -sf -o /dev/null -c "$jar" -b "$jar" "$BASE/dashboard/sign-in" --data-urlencode "email=$OWNER" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "__RequestVerificationToken=$token"
  COMMET_BENCH_DASHBOARD_COOKIE=$(awk '$6 == "commet_dashboard" { print $7 }' "$jar")
  export COMMET_BENCH_DASHBOARD_COOKIE
  [[ -n $COMMET_BENCH_DASHBOARD_COOKIE ]] || { echo "no dashboard session cookie" >&2; exit 1; }
}

# check <path> <text that must be in the page>: one request, 200, the text there; prints the page's size in bytes.
check() {
  local code
  code=$(curl -s -o "$WORK/page.html" -w '%{http_code}' -b "commet_dashboard=$COMMET_BENCH_DASHBOARD_COOKIE" "$BASE$1")
  [[ $code == 200 ]] || { echo "GET $1 answered $code" >&2; exit 1; }
  grep -qF -- "$2" "$WORK/page.html" || { echo "GET $1 does not show '$2'" >&2; exit 1; }
  wc -c <"$WORK/page.html"
}

server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

# run <name> <url> [wrk args]: prints "rps p50ms p99ms cpu_us_per_request bad"
run() {
  local name=$1 url=$2; shift 2
  [[ $WARMUP != 0 ]] && wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" --timeout 30s "$@" "$url" >/dev/null
  local before after
  before=$(server_ticks)
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 30s --latency "$@" "$url" >"$WORK/$name.txt"
  after=$(server_ticks)
  python3 - "$WORK/$name.txt" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
found = re.search(r"Requests/sec:\s+([\d.]+)", t)
if not found:
    print("0 0 0 0 wrk-failed"); sys.exit(0)
def pct(p):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, t, re.M)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else 0
total = int(re.search(r"(\d+) requests in", t).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
errors = re.search(r"Socket errors: (.*)", t)
flag = (bad.group(1) if bad else "0") + ("," + errors.group(1).replace(" ", "") if errors else "")
print(f"{float(found.group(1)):.0f} {pct(50):.1f} {pct(99):.1f} {ticks * 1e6 / hz / max(total, 1):.0f} {flag}")
PY
}

echo "| database | page | bytes | requests/s | p50 ms | p99 ms | server CPU µs/request | ceiling (GET /healthz) req/s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
status=0
for db in $DBS; do
  if [[ $db == postgres ]]; then
    PG_DB="commet_bench_dash_$RANDOM$RANDOM"
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
    start_server COMMET_DATABASE_URL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB;Maximum Pool Size=64"
    target="-h 127.0.0.1 -p $PG_PORT -U postgres -d $PG_DB"
  else
    mkdir -p "$WORK/sqlite"
    start_server COMMET_DATA_DIR="$WORK/sqlite"
    target="$WORK/sqlite/commet.db"
  fi
  seed_start=$(date +%s.%N)
  seeded=$(python3 bench/dashboard/seed.py "$BASE" "$KEY" "$db" "$target" "$CUSTOMERS" "$INVOICES")
  seed_secs=$(python3 -c "print(f'{$(date +%s.%N) - $seed_start:.0f}')")
  echo "$db seeded in ${seed_secs}s: $seeded" >&2
  sign_in
  last=$((CUSTOMERS - 1))
  # A cursor deep in the invoices list: the page after the 50,000th newest invoice's ID.
  deep=$(python3 -c "import base64; print('cur_' + base64.urlsafe_b64encode(b'inv_bench$(printf %08d $((INVOICES / 2)))').decode().rstrip('='))")
  deep_txn=$(python3 -c "import base64; print('cur_' + base64.urlsafe_b64encode(b'txn_bench$(printf %08d $((INVOICES / 2)))').decode().rstrip('='))")
  declare -A paths=(
    [customers]="$ORG/customers"
    [search-email]="$ORG/customers?q=bench-$last%40example.com"
    [search-name]="$ORG/customers?q=customer%20$last"
    [invoices]="$ORG/invoices"
    [invoices-deep]="$ORG/invoices?cursor=$deep"
    [transactions]="$ORG/transactions"
    [transactions-deep]="$ORG/transactions?cursor=$deep_txn"
    [home-30]="$ORG"
    [home-365]="$ORG?days=365"
  )
  declare -A expect=(
    [customers]="Bench Customer" [search-email]="bench-$last@example.com" [search-name]="Bench Customer $last"
    [invoices]="BENCH-$(printf %07d $((INVOICES - 1)))" [invoices-deep]="BENCH-$(printf %07d $((INVOICES / 2 - 1)))" [home-30]="data-revenue=\"USD\"" [home-365]="data-revenue=\"USD\""
    [transactions]="txn_bench$(printf %08d $((INVOICES - 1)))" [transactions-deep]="txn_bench$(printf %08d $((INVOICES / 2 - 1)))"
  )
  declare -A bytes=()
  for name in customers search-email search-name invoices invoices-deep transactions transactions-deep home-30 home-365; do
    bytes[$name]=$(check "${paths[$name]}" "${expect[$name]}")
  done
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  read -r c_rps c_p50 c_p99 c_cpu c_bad <<<"$(run "ceiling-$db" "$BASE/healthz")"
  echo "| $db | ceiling: GET /healthz (load average $load) | | $c_rps | $c_p50 | $c_p99 | $c_cpu | |"
  [[ $c_bad == 0 ]] || { echo "ceiling: $c_bad" >&2; status=1; }
  for name in customers search-email search-name invoices invoices-deep transactions transactions-deep home-30 home-365; do
    read -r rps p50 p99 cpu bad <<<"$(run "$name-$db" "$BASE${paths[$name]}" -s bench/wrk/dashboard-page.lua)"
    rel=${paths[$name]#$ORG}; [[ $rel == /* ]] || rel="/$rel"
    echo "| $db | $name: GET …$rel | ${bytes[$name]} | $rps | $p50 | $p99 | $cpu | $c_rps |"
    [[ $bad == 0 ]] || { echo "$name on $db: non-2xx/3xx or socket errors: $bad" >&2; status=1; }
  done
  unset paths expect bytes
  stop_server
  if [[ $db == postgres ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null; PG_DB=""
  fi
done
echo
echo "$CUSTOMERS customers, $INVOICES paid invoices and transactions, one organization; wrk -t$THREADS -c$CONNS -d$DURATION --timeout 30s --latency (after a $WARMUP warm-up); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
exit $status
