#!/usr/bin/env bash
# Where the portal link's long requests on PostgreSQL come from (docs/benchmarks.md, "Portal link stalls"): runs the
# link scenario of bench/run-portal.sh (wrk -t2 -c32, 15 s after a 3 s warm-up) against one server on PostgreSQL while
#  - pg_stat_activity is sampled every 50 ms (the wait events of the benchmark database's active backends),
#  - pg_stat_bgwriter (checkpoints) and pg_stat_wal are read before and after,
#  - dotnet-counters records, second by second, the server's GC (gen2 collections, pause time), its thread pool (queue
#    length, threads), Npgsql's pool (connections in use, pending requests) and the request and command duration
#    percentiles (http.server.request.duration, db.client.operation.duration: p50/p95/p99 of each second).
# Prints wrk's latency distribution, the wait-event totals and the per-second table.
# Needs wrk, psql, dotnet-counters (dotnet tool install -g dotnet-counters); PostgreSQL on 127.0.0.1:5433.
# usage: bench/portal-stalls.sh <path to Commet.Server.dll> [link|overview]
#   BENCH_SERVER_ENV="DOTNET_GCgen0size=0x2000000 ..."  extra environment for the server (GC settings to compare)
set -euo pipefail
DLL=$1; SCENARIO=${2:-link}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/server-env.sh
PORT=${BENCH_PORT:-5397}; BASE="http://127.0.0.1:$PORT"
export COMMET_BENCH_KEY=ck_test_bench_portal_0123456789abcdef
WORK=$(mktemp -d /tmp/portal-stalls.XXXXXX)
COUNTERS=$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")
PSQL=(psql -h 127.0.0.1 -p 5433 -U postgres -qAt)
PG_DB="commet_stalls_$RANDOM$RANDOM"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
# shellcheck disable=SC2086
env $SERVER_RUNTIME_ENV ${BENCH_SERVER_ENV:-} COMMET_DATABASE_URL="Host=127.0.0.1;Port=5433;Username=postgres;Database=$PG_DB;Maximum Pool Size=64" \
  COMMET_BOOTSTRAP_SANDBOX_KEY=$COMMET_BENCH_KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 \
  Commet__RateLimits__ExpensiveConcurrency=100000 Commet__RateLimits__ExpensiveQueue=100000 \
  Commet__Portal__LinkRequestsPerSecond=10000000 Commet__Portal__LinkRequestBurst=10000000 dotnet "$DLL" --urls "$BASE" >>"$WORK/server.log" 2>&1 &
PID=$!
SAMPLER=""
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; [[ -n $SAMPLER ]] && kill $SAMPLER 2>/dev/null; "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null; rm -rf $WORK' EXIT
for _ in $(seq 600); do curl -s -o /dev/null --max-time 1 "$BASE/healthz" && break; sleep 0.1; done
# shellcheck source=bench/lib/portal-customer.sh
source bench/lib/portal-customer.sh
arrange_portal_customer "$BASE" "$WORK"
if [[ $SCENARIO == link ]]; then args=(-s bench/wrk/portal-link.lua "$BASE"); else args=(-s bench/wrk/portal-page.lua "$BASE/portal"); fi

stats() {
  "${PSQL[@]}" -d postgres -F' ' -c "SELECT 'checkpoints timed/requested', checkpoints_timed, checkpoints_req, 'checkpoint write/sync ms', checkpoint_write_time, checkpoint_sync_time, 'buffers backend', buffers_backend, 'backend fsync', buffers_backend_fsync FROM pg_stat_bgwriter"
  "${PSQL[@]}" -d postgres -F' ' -c "SELECT 'wal records/bytes', wal_records, wal_bytes, 'wal buffers full', wal_buffers_full, 'wal write/sync', wal_write, wal_sync FROM pg_stat_wal"
}
wrk -t2 -c32 -d3s "${args[@]}" >/dev/null   # warm-up
echo "before:"; stats
# pg_stat_activity every 50 ms: one line per sample and wait event of the benchmark database's active backends.
"${PSQL[@]}" -d postgres -F' ' >"$WORK/waits.txt" 2>/dev/null <<SQL &
SELECT extract(epoch FROM clock_timestamp()), coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-'), count(*)
FROM pg_stat_activity WHERE datname = '$PG_DB' AND state = 'active' GROUP BY 1, 2, 3 \watch 0.05
SQL
SAMPLER=$!
"$COUNTERS" collect -p $PID --counters System.Runtime,Microsoft.AspNetCore.Hosting,Npgsql --format csv -o "$WORK/c.csv" --refresh-interval 1 --duration 00:00:00:17 >/dev/null 2>&1 &
CPID=$!
sleep 1
wrk -t2 -c32 -d15s --latency "${args[@]}" >"$WORK/w.txt"
kill $SAMPLER 2>/dev/null || true; SAMPLER=""
wait $CPID 2>/dev/null || true
echo "after:"; stats
sed -n '/Latency Distribution/,/Requests\/sec/p' "$WORK/w.txt"
python3 - "$WORK/waits.txt" "$WORK/c.csv" <<'PY'
import collections, csv, sys
samples = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 4:
        samples[p[0]][(p[1], p[2])] = int(p[3])
n = len(samples)
tot = collections.Counter()
for s in samples.values():
    for k, v in s.items():
        tot[k] += v
print(f"pg_stat_activity: {n} samples; mean active backends per sample by wait event:")
for k, v in tot.most_common(12):
    print(f"  {k[0]:>10} {k[1]:<24} {v / max(n, 1):6.2f}  (in {sum(1 for s in samples.values() if k in s)} samples, max {max(s.get(k, 0) for s in samples.values())})")
rows = list(csv.reader(open(sys.argv[2])))
want = ["gc.collections", "gc.pause.time", "thread_pool.queue.length", "thread_pool.thread.count", "request.duration", "operation.duration",
        "connection.count", "pending_requests", "total_allocated", "last_collection.heap.size", "committed", "connections.usage", "timeouts", "lock.contentions"]
series = collections.defaultdict(dict)
for r in rows[1:]:
    name = r[2] + (" " + r[3] if r[3] else "")
    if any(w in r[2] for w in want):
        series[name][r[0]] = r[-1]
times = sorted({t for s in series.values() for t in s})
print("per second (dotnet-counters):")
for name in sorted(series):
    vals = [series[name].get(t, "") for t in times]
    print(f"  {name[:110]}: " + " ".join(f"{float(v):.3g}" if v else "-" for v in vals))
PY
