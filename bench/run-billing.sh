#!/usr/bin/env bash
# Billing run benchmark (docs/product.md §6: 100,000 due subscriptions renewed in ≤ 30 s on PostgreSQL).
#   bench/run-billing.sh [N ...] [-- extra arguments for the harness, e.g. --profile]
# Default N: 10000 100000. Each N runs in a fresh database on the test PostgreSQL server (127.0.0.1:5433, or
# COMMET_BENCH_PG), is verified with SQL, and is compared with a raw binary COPY of the same rows in the same run.
# Each run is bounded: it fails after 15 minutes. Output is also saved under bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/server-env.sh

sizes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do sizes+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)

scripts/postgres.sh start
dotnet build bench/billing -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
dll=bench/billing/bin/Release/net10.0/Commet.Bench.Billing.dll
mkdir -p bench/results
status=0
logs=()
for n in "${sizes[@]}"; do
  log="bench/results/billing-$(date -u +%Y%m%dT%H%M%SZ)-$n.log"
  logs+=("$log")
  set +e
  timeout --kill-after=30 900 env $SERVER_RUNTIME_ENV dotnet "$dll" "$n" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "FAILED: N=$n did not finish within 15 minutes" | tee -a "$log"; status=1
  elif [ "$rc" != 0 ]; then
    echo "FAILED: N=$n exited with $rc" | tee -a "$log"; status=1
  fi
done
echo
grep -h "^RESULT" "${logs[@]}" 2>/dev/null || true
exit $status
