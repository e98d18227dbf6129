#!/usr/bin/env bash
# Webhook delivery benchmark (results in docs/benchmarks.md, "Webhook delivery").
#
# Builds the server once in Release. For each database: starts the server on a fresh store, seeds it through the
# API (bench/usage/seed.py: a usage feature, a credits plan, BENCH_CUSTOMERS customers with active subscriptions),
# creates a webhook endpoint for payment_method.updated pointing at a loopback receiver (bench/webhooks/bench.py
# receiver, a threaded Python HTTP server answering 200), and measures, with events made by attaching sandbox test
# cards (POST /api/v1/sandbox/payment-methods: one payment_method.updated each; the seed made one per customer too):
#   - drain: BENCH_EVENTS events recorded with the dispatcher off (a backlog in the outbox), then the server is
#     restarted with the dispatcher on; deliveries per second from the first arrival to the last
#   - latency: BENCH_LAT_EVENTS events made at BENCH_LAT_RATE events/s with the dispatcher on; the delay from the
#     event's timestamp (set in the transaction that commits it) to its arrival at the receiver, p50/p90/p99/max
# Every run checks that each event arrived exactly once. The load average is printed before each measurement.
# Writes bench/results/webhooks-<UTC stamp>.json (raw outputs in bench/results/webhooks-<stamp>/).
#
# Knobs (environment):
#   BENCH_DBS="sqlite postgres"  BENCH_EVENTS=5000  BENCH_LAT_EVENTS=1000  BENCH_LAT_RATE=50  BENCH_CUSTOMERS=50
#   BENCH_PORT=5196  BENCH_RECEIVER_PORT=5197  BENCH_PG_PORT=5433  BENCH_SKIP_BUILD=1  BENCH_SERVER_ENV="K=V ..."
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source bench/lib/server-env.sh

DBS=${BENCH_DBS:-"sqlite postgres"}
EVENTS=${BENCH_EVENTS:-5000}
LAT_EVENTS=${BENCH_LAT_EVENTS:-1000}
LAT_RATE=${BENCH_LAT_RATE:-50}
CUSTOMERS=${BENCH_CUSTOMERS:-50}
PORT=${BENCH_PORT:-5196}
RPORT=${BENCH_RECEIVER_PORT:-5197}
PG_PORT=${BENCH_PG_PORT:-5433}
KEY=ck_test_webhookbench_0123456789abcd
BASE="http://127.0.0.1:$PORT"
DLL="$ROOT/src/Commet.Server/bin/Release/net10.0/Commet.Server.dll"
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
WORK="$ROOT/bench/results/webhooks-$STAMP"
RESULT_FILE="$ROOT/bench/results/webhooks-$STAMP.json"
mkdir -p "$WORK"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nFATAL: %s\n' "$*" >&2; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
for tool in curl jq python3 psql; do command -v $tool >/dev/null || die "$tool is missing"; done

SERVER_PID=""; RECEIVER_PID=""; PG_DB=""; TMP_DIRS=()
cleanup() {
  set +e
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n $RECEIVER_PID ]] && kill "$RECEIVER_PID" 2>/dev/null && wait "$RECEIVER_PID" 2>/dev/null
  [[ -n $PG_DB ]] && psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1
  for d in "${TMP_DIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  log "dotnet build src/Commet.Server -c Release"
  dotnet build src/Commet.Server -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "build failed"; }
fi
[[ -f $DLL ]] || die "Release build not found"

start_server() {  # start_server <logfile> <dispatcher true|false> <env...>
  local logfile=$1 dispatcher=$2; shift 2
  # shellcheck disable=SC2086
  env "$@" $SERVER_RUNTIME_ENV COMMET_BOOTSTRAP_SANDBOX_KEY=$KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 Commet__RateLimits__ExpensiveConcurrency=100000 Commet__RateLimits__ExpensiveQueue=100000 Commet__Billing__Worker=false \
    Commet__Webhooks__Dispatcher="$dispatcher" ${BENCH_SERVER_ENV:-} dotnet "$DLL" --urls "$BASE" >>"$logfile" 2>&1 &
  SERVER_PID=$!
  local deadline=$(( SECONDS + 90 ))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/readyz" || true) == 200 ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$logfile" >&2; die "server exited during start"; }
    (( SECONDS < deadline )) || die "server not ready after 90 s"
    sleep 0.1
  done
}
stop_server() { [[ -n $SERVER_PID ]] || return 0; kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }
start_receiver() {  # start_receiver <out.jsonl>
  : >"$1"
  python3 bench/webhooks/bench.py receiver "$RPORT" "$1" &
  RECEIVER_PID=$!
  until curl -s -o /dev/null -X POST --max-time 1 "http://127.0.0.1:$RPORT/ping" -d '{"id":"ping","timestamp":"2000-01-01T00:00:00Z"}'; do sleep 0.1; done
  : >"$1"
}
stop_receiver() { [[ -n $RECEIVER_PID ]] && kill "$RECEIVER_PID" 2>/dev/null; wait "$RECEIVER_PID" 2>/dev/null || true; RECEIVER_PID=""; }
wait_for() {  # wait_for <file> <lines>
  local deadline=$(( SECONDS + 600 ))
  until (( $(wc -l <"$1") >= $2 )); do (( SECONDS < deadline )) || die "only $(wc -l <"$1") of $2 deliveries arrived"; sleep 0.2; done
}

RESULTS=()
for db in $DBS; do
  envs=()
  case $db in
    sqlite) dir=$(mktemp -d /tmp/commet-whbench.XXXXXX); TMP_DIRS+=("$dir"); envs=(COMMET_DATA_DIR="$dir") ;;
    postgres)
      PG_DB="commet_whbench_$(date +%s)_$$"
      psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
      envs=(COMMET_DATABASE_URL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB") ;;
    *) die "unknown database $db" ;;
  esac
  slog="$WORK/$db-server.log"

  log "$db: seed $CUSTOMERS customers, endpoint, $EVENTS more events into the outbox with the dispatcher off (load $(loadavg))"
  start_server "$slog" false "${envs[@]}"
  python3 bench/usage/seed.py "$BASE" "$KEY" "$CUSTOMERS" >"$WORK/$db-seed.json"
  python3 bench/webhooks/bench.py endpoint "$BASE" "$KEY" "http://127.0.0.1:$RPORT/hook" >"$WORK/$db-endpoint.txt"
  ingest=$(python3 bench/webhooks/bench.py ingest "$BASE" "$KEY" "$EVENTS" 8 0 "$CUSTOMERS")
  echo "    ingested: $ingest" >&2
  stop_server

  drain_out="$WORK/$db-drain.jsonl"
  start_receiver "$drain_out"
  la_drain=$(loadavg)
  log "$db: drain the backlog (load $la_drain)"
  start_server "$slog" true "${envs[@]}"
  backlog=$(( EVENTS + CUSTOMERS ))  # the seed's cards are in the backlog too
  wait_for "$drain_out" "$backlog"
  sleep 1  # anything beyond the expected count (a duplicate) would arrive now
  drain=$(python3 bench/webhooks/bench.py report "$drain_out" "$backlog" drain)
  echo "    drain: $drain" >&2
  stop_receiver

  lat_out="$WORK/$db-latency.jsonl"
  start_receiver "$lat_out"
  la_lat=$(loadavg)
  log "$db: latency at $LAT_RATE events/s (load $la_lat)"
  python3 bench/webhooks/bench.py ingest "$BASE" "$KEY" "$LAT_EVENTS" 4 "$LAT_RATE" "$CUSTOMERS" >"$WORK/$db-latency-ingest.json"
  wait_for "$lat_out" "$LAT_EVENTS"
  sleep 1
  latency=$(python3 bench/webhooks/bench.py report "$lat_out" "$LAT_EVENTS" latency)
  echo "    latency: $latency" >&2
  stop_receiver
  stop_server

  for r in "$drain" "$latency"; do
    [[ $(jq '.received == .expected and .distinct == .expected' <<<"$r") == true ]] || die "$db: deliveries do not match the events exactly once: $r"
  done
  RESULTS+=("$(jq -nc --arg db "$db" --argjson ingest "$ingest" --argjson drain "$drain" --argjson latency "$latency" \
    --arg la_drain "$la_drain" --arg la_lat "$la_lat" --argjson rate "$LAT_RATE" \
    '{db:$db, ingest:$ingest, drain:($drain + {loadavg:$la_drain}), latency:($latency + {loadavg:$la_lat, rate_per_s:$rate})}')")
  if [[ $db == postgres ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null; PG_DB=""
  fi
done

printf '%s\n' "${RESULTS[@]}" | jq -s --arg started "$STAMP" --arg commit "$(git rev-parse --short HEAD)" \
  --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" --argjson cpus "$(nproc)" --arg la_end "$(loadavg)" \
  '{started_utc:$started, commit:$commit, machine:{cpu:$cpu, cpus:$cpus}, loadavg_end:$la_end, databases:.}' >"$RESULT_FILE"
echo
jq -r '.databases[] | "| \(.db) | \(.drain.delivered_per_s) | \(.latency.p50_ms) | \(.latency.p99_ms) | \(.latency.max_ms) | \(.drain.loadavg) / \(.latency.loadavg) |"' "$RESULT_FILE"
echo "results: ${RESULT_FILE#$ROOT/}"
