#!/usr/bin/env bash
# Cold start: time from process spawn to the first 200 from /readyz, on SQLite with an existing database.
# Usage: bench/run-startup.sh [runs]   (default 3; BENCH_PORT, default 5191; BENCH_NO_BUILD=1 to skip the build;
# BENCH_DLL to time another build of the server, e.g. a published ReadyToRun one)
# Prints one line per run and the median. The machine's load average is printed too: on a busy machine cold start
# swings by seconds, so compare runs taken back to back.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/server-env.sh
runs=${1:-3}
port=${BENCH_PORT:-5191}
dll=${BENCH_DLL:-src/Commet.Server/bin/Release/net10.0/Commet.Server.dll}
if [ -z "${BENCH_NO_BUILD:-}" ] && [ -z "${BENCH_DLL:-}" ]; then
  dotnet build src/Commet.Server -c Release -nologo -v q -clp:ErrorsOnly
fi
data=$(mktemp -d /tmp/commet-startup.XXXXXX)
trap 'rm -rf "$data"' EXIT
export COMMET_DATA_DIR=$data COMMET_BOOTSTRAP_SANDBOX_KEY=ck_startup_bench_key_0123456789 Logging__LogLevel__Default=Warning
unset COMMET_DATABASE_URL DATABASE_URL ConnectionStrings__Commet || true

now_ms() { date +%s%3N; }
cpu_ms() { # user+system CPU of a process so far, in ms
  awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"
}
start_once() { # prints "wall-ms cpu-ms" from spawn to the first 200 on /readyz
  local t0 pid t1 cpu
  t0=$(now_ms)
  env $SERVER_RUNTIME_ENV dotnet "$dll" --urls "http://127.0.0.1:$port" >"$data/server.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    if ! kill -0 $pid 2>/dev/null; then echo "server exited; log:" >&2; cat "$data/server.log" >&2; exit 1; fi
    sleep 0.01
  done
  t1=$(now_ms)
  cpu=$(cpu_ms $pid)
  kill $pid; wait $pid 2>/dev/null || true
  echo "$((t1 - t0)) $cpu"
}

read -r w c <<<"$(COMMET_MIGRATE_ON_STARTUP=true start_once)"
echo "first start, empty database (migrations): ${w} ms wall, ${c} ms CPU"
walls=(); cpus=()
for i in $(seq 1 "$runs"); do
  read -r w c <<<"$(start_once)"
  walls+=("$w"); cpus+=("$c")
  echo "run $i, existing database: ${w} ms wall, ${c} ms CPU (load average $(cut -d' ' -f1-3 /proc/loadavg))"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "cold start, existing database: median $(median "${walls[@]}") ms wall, $(median "${cpus[@]}") ms CPU, of ${runs} (target <= 1500 ms wall on a quiet machine)"
