#!/usr/bin/env bash
# Single usage events on PostgreSQL at one concurrency, with the CPU each event costs the server and PostgreSQL, and
# optionally a perf profile of the server (docs/benchmarks.md, "Single events on PostgreSQL: EF Core's savepoint…").
# One server on a fresh database, 200 customers seeded by bench/usage/seed.py, a 40 s wrk warm-up (tiered JIT takes
# 35–40 s under load), then 20 s measured; CPU read from /proc before and after (the server's process, every
# postgres process). For A/B runs of two builds, alternate the builds.
# Needs wrk, psql, python3, PostgreSQL on 127.0.0.1:5433 (scripts/postgres.sh start); perf for BENCH_PERF=1.
# usage: bench/usage-cpu.sh <path to Commet.Server.dll> [connections, default 32]
#   BENCH_PERF=1 OUT=<prefix>   also records a perf profile (12 s, 499 Hz, call graphs) to <prefix>.data, with perf maps
#   BENCH_SERVER_ENV="..."      extra environment for the server
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
"${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
# shellcheck disable=SC2086
env $SERVER_RUNTIME_ENV ${BENCH_SERVER_ENV:-} "${PERF_ENV[@]}" COMMET_DATABASE_URL="Host=127.0.0.1;Port=5433;Username=postgres;Database=$PG_DB" \
  COMMET_BOOTSTRAP_SANDBOX_KEY=$KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 \
  Commet__RateLimits__Burst=10000000 dotnet "$DLL" --urls "$BASE" >>"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null' EXIT
for _ in $(seq 600); do curl -s -o /dev/null --max-time 1 "$BASE/healthz" && break; sleep 0.1; done
python3 bench/usage/seed.py "$BASE" "$KEY" 200 >"$WORK/seed.json"
wrk -t$T -c"$C" -d40s -s bench/wrk/track.lua "$BASE/api/v1/usage/events" -- w 200 >/dev/null
pg_cpu() { for p in $(pgrep -x postgres); do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null; done | paste -sd+ | bc; }
s0=$(awk '{print $14+$15}' "/proc/$PID/stat"); g0=$(pg_cpu)
wrk -t$T -c"$C" -d20s --latency -s bench/wrk/track.lua "$BASE/api/v1/usage/events" -- m 200 >"$OUT.wrk" &
W=$!
if [[ ${BENCH_PERF:-0} == 1 ]]; then sleep 3; perf record -F 499 -g -p "$PID" -o "$OUT.data" -- sleep 12 2>/dev/null; fi
wait $W
s1=$(awk '{print $14+$15}' "/proc/$PID/stat"); g1=$(pg_cpu)
tick=$(getconf CLK_TCK)
n=$(grep -o "[0-9]* requests in" "$OUT.wrk" | cut -d' ' -f1)
echo "c$C: $(grep Requests/sec "$OUT.wrk" | awk '{print $2}') events/s, p99 $(grep ' 99%' "$OUT.wrk" | awk '{print $2}'), server $(( (s1-s0)*1000000/tick/n )) µs/event, PostgreSQL $(( (g1-g0)*1000000/tick/n )) µs/event, $(grep -o 'Non-2xx.*' "$OUT.wrk" || echo 'no non-2xx')"
