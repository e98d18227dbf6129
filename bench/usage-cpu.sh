#!/usr/bin/env bash
# Usage events on PostgreSQL (single, or batches of 100 with BENCH_BATCH=1) at one concurrency, with the CPU each event
# costs the server and PostgreSQL, and optionally perf profiles of either side (docs/benchmarks.md, "Single events on
# PostgreSQL: EF Core's savepoint…" and "Batch CPU measured on its own…").
# One server on a fresh database, 200 customers seeded by bench/usage/seed.py, a 40 s wrk warm-up (tiered JIT takes
# 35–40 s under load), then 20 s measured; CPU read from /proc before and after (the server's process; every
# postgres process, background workers and exited ones included). For A/B runs of two builds, alternate the builds.
# Needs wrk, psql, python3, PostgreSQL on 127.0.0.1:5433 (scripts/postgres.sh start); perf for the profiles.
# usage: bench/usage-cpu.sh <path to Commet.Server.dll> [connections, default 32]
#   BENCH_PERF=1 OUT=<prefix>   also records a perf profile (12 s, 499 Hz, call graphs) to <prefix>.data, with perf maps
#   BENCH_SERVER_ENV="..."      extra environment for the server
#   BENCH_BATCH=1               batches of 100 events (bench/wrk/track-batch.lua, 10 customers each) instead of single
#                               events; CPU is still reported per event
#   BENCH_PG_PERF=1 OUT=<prefix> also records a perf profile of every postgres process to <prefix>.pg.data
#   BENCH_PG_STATEMENTS=1       also prints, for the measured 20 s, each statement of the benchmark database from
#                               pg_stat_statements: calls, rows per call and executor µs per call (wall time, so a
#                               lock wait counts). Needs the library preloaded; the script says how when it is not.
# Prints: events/s, p99, server and PostgreSQL CPU µs per event, non-2xx count.
set -euo pipefail
DLL=$1; C=${2:-32}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/server-env.sh
PORT=${BENCH_PORT:-5397}; BASE="http://127.0.0.1:$PORT"
KEY=ck_test_usagebench_0123456789abcdef; export COMMET_BENCH_KEY=$KEY
WORK=$(mktemp -d /tmp/usage-cpu.XXXXXX); OUT=${OUT:-$WORK/run}
T=$(( C < 2 ? C : 2 ))
PERF_ENV=(); [[ ${BENCH_PERF:-0} == 1 ]] && PERF_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
PSQL=(psql -h 127.0.0.1 -p 5433 -U postgres -qAt)
PG_DB="commet_usagecpu_$RANDOM$RANDOM"
if [[ ${BENCH_PG_STATEMENTS:-0} == 1 ]] && ! "${PSQL[@]}" -d postgres -c "SHOW shared_preload_libraries" | grep -q pg_stat_statements; then
  echo "BENCH_PG_STATEMENTS=1 needs pg_stat_statements preloaded: psql -h 127.0.0.1 -p 5433 -U postgres -c \"ALTER SYSTEM SET" \
    "shared_preload_libraries = 'pg_stat_statements'\", then scripts/postgres.sh stop && scripts/postgres.sh start" \
    "(ALTER SYSTEM RESET shared_preload_libraries and the same restart undo it)" >&2
  exit 2
fi
"${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
# shellcheck disable=SC2086
env $SERVER_RUNTIME_ENV ${BENCH_SERVER_ENV:-} "${PERF_ENV[@]}" COMMET_DATABASE_URL="Host=127.0.0.1;Port=5433;Username=postgres;Database=$PG_DB" \
  COMMET_BOOTSTRAP_SANDBOX_KEY=$KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 \
  Commet__RateLimits__Burst=10000000 dotnet "$DLL" --urls "$BASE" >>"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null' EXIT
for _ in $(seq 600); do curl -s -o /dev/null --max-time 1 "$BASE/healthz" && break; sleep 0.1; done
python3 bench/usage/seed.py "$BASE" "$KEY" 200 >"$WORK/seed.json"
if [[ ${BENCH_BATCH:-0} == 1 ]]; then
  ROUTE=/api/v1/usage/events/batch; SCRIPT=bench/wrk/track-batch.lua; PER=100; WARM=(w 200 10); MEASURE=(m 200 10)
else
  ROUTE=/api/v1/usage/events; SCRIPT=bench/wrk/track.lua; PER=1; WARM=(w 200); MEASURE=(m 200)
fi
wrk -t$T -c"$C" -d40s -s $SCRIPT "$BASE$ROUTE" -- "${WARM[@]}" >/dev/null
# Every postgres process alive, plus what the postmaster's exited children used (its cutime + cstime): an autovacuum
# worker or a backend that ends between the two reads still counts, and one that vanishes mid-read is skipped.
pg_cpu() {
  local pm; pm=$(pgrep -o -x postgres)
  { for p in $(pgrep -x postgres); do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || true; done
    awk '{print $16+$17}' "/proc/$pm/stat"; } | paste -sd+ | bc
}
if [[ ${BENCH_PG_STATEMENTS:-0} == 1 ]]; then
  "${PSQL[@]}" -d postgres -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
fi
s0=$(awk '{print $14+$15}' "/proc/$PID/stat"); g0=$(pg_cpu)
wrk -t$T -c"$C" -d20s --latency -s $SCRIPT "$BASE$ROUTE" -- "${MEASURE[@]}" >"$OUT.wrk" &
W=$!; PERFS=()
sleep 3
if [[ ${BENCH_PERF:-0} == 1 ]]; then perf record -F 499 -g -p "$PID" -o "$OUT.data" -- sleep 12 2>/dev/null & PERFS+=($!); fi
if [[ ${BENCH_PG_PERF:-0} == 1 ]]; then perf record -F 499 -g -p "$(pgrep -d, -x postgres)" -o "$OUT.pg.data" -- sleep 12 2>/dev/null & PERFS+=($!); fi
wait $W "${PERFS[@]}"
s1=$(awk '{print $14+$15}' "/proc/$PID/stat"); g1=$(pg_cpu)
tick=$(getconf CLK_TCK)
n=$(( $(grep -o "[0-9]* requests in" "$OUT.wrk" | cut -d' ' -f1) * PER ))
if grep -Eq "batch_failed_items [1-9]" "$OUT.wrk"; then echo "failed batch items: $(grep batch_failed_items "$OUT.wrk")" >&2; exit 1; fi
echo "c$C: $(grep Requests/sec "$OUT.wrk" | awk -v per=$PER '{printf "%.0f", $2*per}') events/s, p99 $(grep ' 99%' "$OUT.wrk" | awk '{print $2}'), server $(( (s1-s0)*1000000/tick/n )) µs/event, PostgreSQL $(( (g1-g0)*1000000/tick/n )) µs/event, $(grep -o 'Non-2xx.*' "$OUT.wrk" || echo 'no non-2xx')"
if [[ ${BENCH_PG_STATEMENTS:-0} == 1 ]]; then
  echo "statements of $PG_DB over the measured window (calls, rows per call, executor µs per call, statement):"
  "${PSQL[@]}" -d postgres -F $'\t' -c "SELECT s.calls, round(s.rows::numeric / s.calls, 1), round((1000 * s.total_exec_time / s.calls)::numeric),
      left(regexp_replace(s.query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$PG_DB' AND s.calls >= 100
    ORDER BY s.total_exec_time DESC LIMIT 20"
fi
