#!/usr/bin/env bash
# The whole test suite: domain unit tests, HTTP integration tests on SQLite and PostgreSQL, the customer portal
# in headless Chromium (screenshots in tests/Commet.Browser.Tests/screenshots), and two SDKs against a running server
# on SQLite and PostgreSQL: the official @commet/node and our .NET SDK (tests/Commet.Sdk.Tests, with a pack-and-restore check),
# and the commet command line (tests/Commet.Cli.Tests, with a pack-and-install check).
# Ends with one line: "N passed, N failed, N skipped". Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")"
root=$PWD
results=$root/.test-results
rm -rf "$results"; mkdir -p "$results"

scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

started_pg=0
pg_port=${COMMET_TEST_PG_PORT:-5433}
if ! (exec 3<>/dev/tcp/127.0.0.1/$pg_port) 2>/dev/null; then started_pg=1; fi
scripts/postgres.sh start || { echo "PostgreSQL did not start"; echo "0 passed, 1 failed"; exit 1; }
export COMMET_TEST_PG=${COMMET_TEST_PG:-"Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"}
cleanup() { [ $started_pg = 1 ] && scripts/postgres.sh stop; }
trap cleanup EXIT

passed=0; failed=0; skipped=0; crashed=0
# The server tests' benchmark pass (BenchmarkPass.cs) writes its figures here; they are printed after that project.
export COMMET_BENCH_OUT=$results/benchmarks.txt
# The hostile-input suite (HostileInputTests.cs) writes its figures here; they are printed after that project too.
export COMMET_HOSTILE_OUT=$results/hostile.txt
# The multi-node and crash suites (MultiNodeTests.cs, CrashTests.cs) write their figures here; printed likewise.
export COMMET_RELIABILITY_OUT=$results/reliability.txt

echo "== build (Release)"
if ! dotnet build Commet.slnx -c Release -nologo -v q -clp:ErrorsOnly; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# A failed test prints its name, message and the first lines of its stack (40 lines), so a CI log says why.
# A test that hangs (a wait with no bound, a lock nobody releases) must fail the run, not stall it: after this long
# in one test, the test host and the server processes it started are killed and the hanging test is named.
hang_timeout=${COMMET_TEST_HANG_TIMEOUT:-15m}

for project in tests/Commet.Domain.Tests tests/Commet.Server.Tests tests/Commet.Sdk.Tests tests/Commet.Cli.Tests tests/Commet.Browser.Tests; do
  name=$(basename $project)
  echo "== $name"
  dotnet test $project -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --blame-hang-timeout "$hang_timeout" --blame-hang-dump-type none \
    | awk '/^[[:space:]]+Failed / { n = 40 } n > 0 { print; n--; next } /Passed!|Failed!|error|aborted|running when/ { print }' || true
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx")
    p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
    f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
    t=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
    e=$(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$counters")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - e))
  else
    echo "$name produced no results"; crashed=$((crashed + 1))
  fi
  if [ $name = Commet.Server.Tests ] && [ -f "$COMMET_BENCH_OUT" ]; then
    echo "-- benchmark pass (figures, not a gate; the machine's load shows in each header)"
    cat "$COMMET_BENCH_OUT"
  fi
  if [ $name = Commet.Server.Tests ] && [ -f "$COMMET_HOSTILE_OUT" ]; then
    echo "-- hostile input (requests sent by category; 5xx other than the documented 501s fail the suite)"
    cat "$COMMET_HOSTILE_OUT"
  fi
  if [ $name = Commet.Server.Tests ] && [ -f "$COMMET_RELIABILITY_OUT" ]; then
    echo "-- multi-node and crash suites (docs/reliability.md)"
    cat "$COMMET_RELIABILITY_OUT"
  fi
done

if [ -f tests/compat/package.json ]; then
  export COMMET_SERVER_DLL=$root/src/Commet.Server/bin/Release/net10.0/Commet.Server.dll
  for db in sqlite postgres; do
    echo "== compat ($db)"
    log="$results/compat-$db.log"
    if [ $db = postgres ]; then export COMMET_TEST_DATABASE_URL=$COMMET_TEST_PG; else unset COMMET_TEST_DATABASE_URL; fi
    (cd tests/compat && node --test --test-concurrency=1 --test-reporter=tap test/) >"$log" 2>&1
    grep -E "^not ok|^# (tests|pass|fail)" "$log" | grep -v "^# tests" || true
    p=$(grep -E "^# pass [0-9]+" "$log" | tail -1 | awk '{print $3}')
    f=$(grep -E "^# fail [0-9]+" "$log" | tail -1 | awk '{print $3}')
    s=$(grep -E "^# skipped [0-9]+" "$log" | tail -1 | awk '{print $3}')
    if [ -z "$p" ]; then echo "compat ($db) did not run; see $log"; tail -20 "$log"; crashed=$((crashed + 1)); continue; fi
    passed=$((passed + p)); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  done
fi

failed=$((failed + crashed))
if [ $skipped -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
