#!/usr/bin/env bash
# Validation of bench/OpenLoop (docs/benchmarks.md, "Open loop at the target rate"), against the bare Kestrel app
# (bench/KestrelCeiling) so that the server's own latency is known and small:
#   (a) GET /healthz at BENCH_RATE (5,000/s): the open-loop p99 should be about a millisecond on a quiet machine;
#   (b) the same app with a known stall (--StallMs=100: every response arriving in the first 100 ms of each second is
#       held until the stall ends): ~10 % of the requests are delayed by 0-100 ms, so the open-loop p90 is near 0 and
#       its p99 near 90 ms; wrk's closed loop, which stops sending during the stall, under-reports it;
#   (c) light load: the open-loop p50 at 1,000/s against wrk -t1 -c1 (one request at a time).
# Each step prints the generator's summary (stderr) and wrk's latency distribution; the CPU seconds of wrk come from
# /usr/bin/time.
# Knobs: BENCH_PORT=5185 BENCH_RATE=5000 BENCH_DURATION=10s BENCH_WARMUP=2s BENCH_SKIP_BUILD=1
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=${BENCH_PORT:-5185}; RATE=${BENCH_RATE:-5000}; DURATION=${BENCH_DURATION:-10s}; WARMUP=${BENCH_WARMUP:-2s}
BASE="http://127.0.0.1:$PORT"
KDLL=bench/KestrelCeiling/bin/Release/net10.0/KestrelCeiling.dll
ODLL=bench/OpenLoop/bin/Release/net10.0/OpenLoop.dll
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  dotnet build bench/KestrelCeiling -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
  dotnet build bench/OpenLoop -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
fi
PID=""
trap '[[ -n $PID ]] && kill -TERM $PID 2>/dev/null; wait 2>/dev/null' EXIT
start() {
  if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then echo "something already answers on $BASE" >&2; exit 1; fi
  dotnet "$KDLL" --urls "$BASE" Logging:LogLevel:Default=Warning "$@" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 300); do curl -s -o /dev/null --max-time 1 "$BASE/healthz" && return; sleep 0.1; done
  echo "KestrelCeiling did not start" >&2; exit 1
}
stop() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
open() { echo "--- OpenLoop $* (load $(cut -d' ' -f1-3 /proc/loadavg))"; local b; b=$(ticks)
  dotnet "$ODLL" --url "$BASE/healthz" --duration "$DURATION" --warmup "$WARMUP" "$@" 2>&1 >/dev/null || echo "(exit $?)"
  echo "  server CPU $(( $(ticks) - b )) ticks"; }
closed() { echo "--- wrk $* (load $(cut -d' ' -f1-3 /proc/loadavg))"
  wrk -d"$WARMUP" "$@" "$BASE/healthz" >/dev/null
  /usr/bin/time -f "  wrk CPU %U s user + %S s system" wrk -d"$DURATION" --latency "$@" "$BASE/healthz" 2>&1 | grep -E "Latency|^ +(50|75|90|99)%|Requests/sec|requests in|wrk CPU"; }

echo "== (a) bare Kestrel, open loop at $RATE/s"
start
open --rate "$RATE" --connections 64
closed -t2 -c32
echo "== (c) light load: open loop at 1000/s against wrk -t1 -c1"
open --rate 1000 --connections 16
closed -t1 -c1
stop
echo "== (b) bare Kestrel with a 100 ms stall once a second"
start --StallMs=100 --StallEveryMs=1000
open --rate "$RATE" --connections 64
closed -t2 -c32
stop
