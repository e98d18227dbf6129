#!/usr/bin/env bash
# Customer portal benchmarks (docs/benchmarks.md, "Customer portal"): portal link creation
# (POST /api/v1/portal/request-access) and the overview page (GET /portal with a live session), on SQLite and
# PostgreSQL, each beside the ceiling measured in the same run (GET /healthz: a constant through the same server
# and middleware), plus the overview's page weight. Prints a Markdown table; exits non-zero on any non-2xx answer.
#
# Two kinds of rows. Saturation (wrk, closed loop, -c32): the throughput figure; its p99 is queueing at 100 % CPU.
# Open loop at the target rate (bench/OpenLoop: requests on a fixed schedule, latency from each request's intended
# send time, so stalls are not hidden by coordinated omission): the p99 a client sees at the rate the target names,
# 5,000 links/s and 1,000 overview pages/s. A row marked "NOT at the target rate" means the generator or the server
# could not keep up (achieved more than 2 % short): its percentiles are then not those of the target rate.
#
# Knobs (environment):
#   BENCH_DBS="sqlite postgres"  BENCH_THREADS=2  BENCH_CONNS=32  BENCH_DURATION=15s  BENCH_WARMUP=10s
#   BENCH_PORT=5185  BENCH_PG_PORT=5433 (PostgreSQL must answer there: scripts/postgres.sh start)
#   BENCH_SKIP_BUILD=1  use the existing Release build
#   BENCH_SERVER_DLL=path  run another build of the server (A/B comparisons; implies nothing is built)
#   BENCH_PG_OPTIONS="Maximum Pool Size=64"  appended to the server's PostgreSQL connection string (pool size, Max Auto Prepare, ...)
#   BENCH_OPEN_RATES="link=5000 overview=1000"  open-loop rows (requests/s per scenario); "" for none
#   BENCH_OPEN_DURATION=$BENCH_DURATION  BENCH_OPEN_WARMUP=$BENCH_WARMUP  BENCH_OPEN_CONNS=64 (most requests in flight)
#   BENCH_OPEN_TIMEOUT=10s  how long answers are awaited after the window; later ones count as unanswered
#   BENCH_KEEP=dir  keep each open-loop row's JSON there (max_ms_by_second: when the slow answers happened)
#   BENCH_OPEN_NICE=-10  run the generator at that nice value (needs root): on a loaded machine its own threads then
#                        wait less for a CPU, so less of the p99 is the generator's (docs/benchmarks.md, open loop)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source bench/lib/server-env.sh

DBS=${BENCH_DBS:-"sqlite postgres"}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-32}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-10s}
PORT=${BENCH_PORT:-5185}
PG_PORT=${BENCH_PG_PORT:-5433}
PG_OPTIONS=${BENCH_PG_OPTIONS:-"Maximum Pool Size=64"}
OPEN_RATES=${BENCH_OPEN_RATES-"link=5000 overview=1000"}
OPEN_DURATION=${BENCH_OPEN_DURATION:-$DURATION}
OPEN_WARMUP=${BENCH_OPEN_WARMUP:-$WARMUP}
OPEN_CONNS=${BENCH_OPEN_CONNS:-64}
OPEN_TIMEOUT=${BENCH_OPEN_TIMEOUT:-10s}
OPEN_DLL="$ROOT/bench/OpenLoop/bin/Release/net10.0/OpenLoop.dll"
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
if [[ -n $OPEN_RATES ]]; then
  [[ -n ${BENCH_SKIP_BUILD:-} ]] || dotnet build bench/OpenLoop -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
  [[ -f $OPEN_DLL ]] || { echo "bench/OpenLoop is not built: dotnet build bench/OpenLoop -c Release" >&2; exit 2; }
fi
source bench/lib/portal-customer.sh

start_server() {
  if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then echo "something already answers on $BASE" >&2; exit 1; fi
  # The link rate limit is raised so that it does not cap the measurement (the limiter itself still runs).
  env "$@" $SERVER_RUNTIME_ENV COMMET_BOOTSTRAP_SANDBOX_KEY=$COMMET_BENCH_KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 Commet__RateLimits__ExpensiveConcurrency=100000 Commet__RateLimits__ExpensiveQueue=100000 \
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

# open_run <name> <rate> <OpenLoop args...>: prints "achieved p50 p90 p99 p99.9 max server_cpu_us generator_cpu_us
# kept_up non2xx errors timeouts load" (ms; CPU per request over warm-up and window); the raw JSON in $WORK/<name>.json.
open_run() {
  local name=$1 rate=$2; shift 2
  local before after la rc=0
  la=$(cut -d' ' -f1 /proc/loadavg)
  before=$(server_ticks)
  local nice=()
  [[ -n ${BENCH_OPEN_NICE:-} ]] && nice=(nice -n "$BENCH_OPEN_NICE")
  "${nice[@]}" dotnet "$OPEN_DLL" --rate "$rate" --duration "$OPEN_DURATION" --warmup "$OPEN_WARMUP" --connections "$OPEN_CONNS" --timeout "$OPEN_TIMEOUT" --label "$name" "$@" \
    >"$WORK/$name.json" 2>"$WORK/$name.txt" || rc=$?
  after=$(server_ticks)
  cat "$WORK/$name.txt" >&2
  [[ -n ${BENCH_KEEP:-} ]] && cp "$WORK/$name.json" "$BENCH_KEEP/"
  python3 - "$WORK/$name.json" "$((after - before))" "$(getconf CLK_TCK)" "$la" "$rc" "${OPEN_TARGET_MS:-0}" <<'PY'
import json, sys
try:
    r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
except Exception:
    print(f"0 0 0 0 0 0 0 0 false 0 1 0 {sys.argv[4]} -"); sys.exit(0)
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
# Which seconds of the window held the slow answers: one stall or a steady spread (no spaces: one field)
by_second, target = r.get("max_ms_by_second", []), float(sys.argv[6])
over = [i for i, ms in enumerate(by_second) if ms > target]
worst = max(range(len(by_second)), key=lambda i: by_second[i]) if by_second else 0
seconds = f'{len(over)}/{len(by_second)}s,worst:s{worst}={by_second[worst]:.0f}ms' if by_second else "-"
sent = r["rate_asked"] * (r["warmup_s"] + r["duration_s"])
print(f'{r["rate_achieved"]:.0f} {r["p50_ms"]:.2f} {r["p90_ms"]:.2f} {r["p99_ms"]:.2f} {r["p999_ms"]:.2f} {r["max_ms"]:.1f} '
      f'{ticks * 1e6 / hz / max(sent, 1):.0f} {r["generator_cpu_us_per_request"]:.0f} {str(r["kept_up"]).lower()} '
      f'{r["non2xx"]} {r["errors"]} {r["timeouts"]} {sys.argv[4]} {seconds}')
PY
}
OPEN_ROWS=()
# open_rows <db> <scenario> <label> <target p99 ms> <OpenLoop args...>: one open-loop row if OPEN_RATES names the scenario
open_rows() {
  local db=$1 scenario=$2 label=$3 target=$4; shift 4
  local rate
  rate=$(tr ' ' '\n' <<<"$OPEN_RATES" | awk -F= -v s="$scenario" '$1 == s { print $2 }')
  [[ -n $rate ]] || return 0
  local a p50 p90 p99 p999 max scpu gcpu kept bad err tmo la secs
  read -r a p50 p90 p99 p999 max scpu gcpu kept bad err tmo la secs <<<"$(OPEN_TARGET_MS=$target open_run "open-$scenario-$db" "$rate" "$@")"
  local verdict
  if [[ $kept != true ]]; then verdict="NOT at the target rate (achieved $a/s; $tmo unanswered $OPEN_TIMEOUT after the window)"
  elif python3 -c "import sys; sys.exit(0 if $p99 <= $target else 1)"; then verdict="p99 within $target ms"
  else verdict="p99 over $target ms by $(python3 -c "print(f'{$p99 - $target:.1f}')") ms"; fi
  OPEN_ROWS+=("| $db | $label at $rate/s (load $la at start) | $a | $p50 | $p90 | $p99 | $p999 | $max | $scpu | $gcpu | ${secs//,/, } | $verdict |")
  [[ $bad == 0 && $err == 0 ]] || { echo "open loop $scenario on $db: $bad non-2xx, $err errors" >&2; status=1; }
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
  arrange_portal_customer "$BASE" "$WORK"
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
  open_rows "$db" link "portal link" 10 --url "$BASE/api/v1/portal/request-access" --method POST \
    --header "Content-Type: application/json" --header "x-api-key: $COMMET_BENCH_KEY" \
    --body '{"customerId":"bench_user","returnUrl":"https://app.example.com/account"}'
  open_rows "$db" overview "overview page" 20 --url "$BASE/portal" \
    --header "Cookie: commet_portal=$COMMET_BENCH_COOKIE" --header "Accept: text/html"
  stop_server
  if [[ $db == postgres ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null; PG_DB=""
  fi
done
echo
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency (after a $WARMUP warm-up); $(nproc) cores; $(dotnet --version) SDK; $(date -u +%Y-%m-%dT%H:%MZ)"
if (( ${#OPEN_ROWS[@]} )); then
  echo
  echo "Open loop at the target rate (bench/OpenLoop, latency from each request's intended send time; targets: link p99 ≤ 10 ms at 5,000/s, overview p99 ≤ 20 ms at 1,000/s):"
  echo
  echo "| database | scenario | achieved/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | server CPU µs/request | generator CPU µs/request | seconds with an answer over the target | verdict |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${OPEN_ROWS[@]}"
  echo
  echo "OpenLoop --duration $OPEN_DURATION --warmup $OPEN_WARMUP --connections $OPEN_CONNS${BENCH_OPEN_NICE:+ at nice $BENCH_OPEN_NICE}; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
fi
exit $status
