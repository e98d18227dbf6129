#!/usr/bin/env bash
# Usage ingestion benchmark (docs/product.md §6; results in docs/benchmarks.md, "Usage ingestion").
#
# Builds the server (and bench/UsageCeilings) once in Release. For each database: starts the server on a
# fresh store, seeds it through the API (bench/usage/seed.py: a usage feature, a credits plan with
# 10^12 included credits and 1 credit per unit, N customers each with the 4242 test card and an active
# subscription), then measures with wrk:
#   - GET /healthz (the server's own ceiling, through its middleware)
#   - POST /api/v1/usage/events, one event per request (bench/wrk/track.lua), at each of BENCH_CONNS
#   - the same with an Idempotency-Key header too (what the official SDK sends)
#   - POST /api/v1/usage/events/batch, 100 events per request (bench/wrk/track-batch.lua)
#   - single events open loop at the target rate (bench/OpenLoop: a fixed schedule, latency from each request's
#     intended send time): 3,000/s on SQLite, 5,000/s on PostgreSQL, the p99 a client sees at that rate (the wrk
#     rows above are saturation: their rate is the throughput figure, their p99 is queueing at 100 % CPU)
# Every event spends credits (consumption applied) and has a unique idempotencyKey. Then checks that the
# books add up (events = counters = credits spent = ledger), records the server's peak RSS (VmHWM), stops
# the server and measures the database ceilings on the same machine in the same run:
#   PostgreSQL: binary COPY of usage_events rows (bench/UsageCeilings copy) for the batch endpoint, and
#               pgbench single-row INSERT + counter UPDATE transactions (bench/usage/ceiling-insert-update.sql)
#               for single events
#   SQLite:     single-row transactions, INSERT + counter UPDATE, WAL (bench/UsageCeilings sqlite)
# The load average is recorded before every measurement. Writes bench/results/usage-<UTC stamp>.json (raw
# outputs in bench/results/usage-<stamp>/) and prints a Markdown table. Exits non-zero if any request
# answered non-2xx, any batch item failed, wrk saw socket errors, or the books did not add up.
#
# Knobs (environment):
#   BENCH_DBS="sqlite postgres"   BENCH_CONNS="16 32" (single events; "" measures none)   BENCH_BATCH_CONNS="16"
#   BENCH_THREADS=2  BENCH_DURATION=10s  BENCH_WARMUP=10s  BENCH_CUSTOMERS=200  BENCH_BATCH_SPREAD=10
#   BENCH_IDEM=1 (also measure with the Idempotency-Key header)   BENCH_COPY_ROWS=200000
#   BENCH_PORT=5195  BENCH_PG_PORT=5433   BENCH_SKIP_BUILD=1   BENCH_SERVER_ENV="K=V ..." (experiments)
#   BENCH_SERVER_DLL=path  run another build of the server (A/B comparisons; implies nothing is built)
#   BENCH_OPEN_RATES="sqlite=3000 postgres=5000"  open-loop single events per database; "" for none
#   BENCH_OPEN_DURATION=$BENCH_DURATION  BENCH_OPEN_WARMUP=$BENCH_WARMUP  BENCH_OPEN_CONNS=64 (most requests in flight)
#   BENCH_OPEN_NICE=-10  run the generator at that nice value (needs root; less of the p99 is the generator's)
#   BENCH_START_TIMEOUT=60  seconds the server may take to start (migrating a fresh database on a loaded machine)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source bench/lib/server-env.sh

DBS=${BENCH_DBS:-"sqlite postgres"}
CONNS=${BENCH_CONNS-"16 32"}
BATCH_CONNS=${BENCH_BATCH_CONNS:-"16"}
THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-10s}
CUSTOMERS=${BENCH_CUSTOMERS:-200}
SPREAD=${BENCH_BATCH_SPREAD:-10}
IDEM=${BENCH_IDEM:-1}
COPY_ROWS=${BENCH_COPY_ROWS:-200000}
PORT=${BENCH_PORT:-5195}
PG_PORT=${BENCH_PG_PORT:-5433}
KEY=ck_test_usagebench_0123456789abcdef
BASE="http://127.0.0.1:$PORT"
DLL=${BENCH_SERVER_DLL:-"$ROOT/src/Commet.Server/bin/Release/net10.0/Commet.Server.dll"}
CEIL_DLL="$ROOT/bench/UsageCeilings/bin/Release/net10.0/UsageCeilings.dll"
OPEN_RATES=${BENCH_OPEN_RATES-"sqlite=3000 postgres=5000"}
OPEN_DURATION=${BENCH_OPEN_DURATION:-$DURATION}
OPEN_WARMUP=${BENCH_OPEN_WARMUP:-$WARMUP}
OPEN_CONNS=${BENCH_OPEN_CONNS:-64}
OPEN_DLL="$ROOT/bench/OpenLoop/bin/Release/net10.0/OpenLoop.dll"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
export COMMET_BENCH_KEY=$KEY

STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
WORK="$ROOT/bench/results/usage-$STAMP"
RESULT_FILE="$ROOT/bench/results/usage-$STAMP.json"
mkdir -p "$WORK"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nFATAL: %s\n' "$*" >&2; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
secs() { local d=$1; case $d in *m) echo $(( ${d%m} * 60 ));; *s) echo "${d%s}";; *) echo "$d";; esac; }

for tool in wrk curl jq python3 pgbench psql sqlite3; do
  command -v $tool >/dev/null || die "$tool is missing (apt-get install -y wrk curl jq python3 postgresql-client sqlite3)"
done

# ---------------------------------------------------------------- cleanup
SERVER_PID=""
PG_DB=""
TMP_DIRS=()
cleanup() {
  set +e
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; fi
  if [[ -n $PG_DB ]]; then psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1; fi
  for d in "${TMP_DIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
if [[ -z ${BENCH_SKIP_BUILD:-} && -z ${BENCH_SERVER_DLL:-} ]]; then
  log "dotnet build src/Commet.Server and bench/UsageCeilings -c Release"
  { dotnet build src/Commet.Server -c Release -nologo -v q && dotnet build bench/UsageCeilings -c Release -nologo -v q; } >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log"; die "build failed"; }
fi
[[ -f $DLL && -f $CEIL_DLL ]] || die "Release builds not found (BENCH_SKIP_BUILD: build them first with dotnet build src/Commet.Server -c Release and dotnet build bench/UsageCeilings -c Release)"
# the open-loop generator is a bench tool, built even for BENCH_SERVER_DLL runs
if [[ -n $OPEN_RATES ]]; then
  if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
    dotnet build bench/OpenLoop -c Release -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "build of bench/OpenLoop failed"; }
  fi
  [[ -f $OPEN_DLL ]] || die "bench/OpenLoop is not built (dotnet build bench/OpenLoop -c Release)"
fi

# ---------------------------------------------------------------- server
start_server() {
  local logfile=$1; shift
  if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then die "something already answers on $BASE"; fi
  # shellcheck disable=SC2086
  env "$@" $SERVER_RUNTIME_ENV COMMET_BOOTSTRAP_SANDBOX_KEY=$KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 Commet__RateLimits__ExpensiveConcurrency=100000 Commet__RateLimits__ExpensiveQueue=100000 Commet__Billing__Worker=false ${BENCH_SERVER_ENV:-} \
    dotnet "$DLL" --urls "$BASE" >>"$logfile" 2>&1 &
  SERVER_PID=$!
  local deadline=$(( SECONDS + ${BENCH_START_TIMEOUT:-60} ))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true) == 200 ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$logfile" >&2; die "server exited during start"; }
    (( SECONDS < deadline )) || die "server not ready after ${BENCH_START_TIMEOUT:-60} s"
    sleep 0.05
  done
}
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# ---------------------------------------------------------------- measuring
FAILED=0
# run_wrk <db> <name> <label> <conns> <events per request> <path> [lua script -- args...]
run_wrk() {
  local db=$1 name=$2 label=$3 conns=$4 per=$5 path=$6; shift 6
  local script=() args=()
  if [[ $# -gt 0 ]]; then script=(-s "$1"); shift; fi
  if [[ $# -gt 0 && $1 == -- ]]; then shift; args=(-- "$@"); fi
  local out="$WORK/$db-$name.txt" la; la=$(loadavg)
  python3 bench/usage/report.py cpu "$SERVER_PID" "$PG_DB" >"$WORK/cpu-before.json"
  # wrk's own CPU (user + system seconds) too: the load generator shares the machine's cores
  /usr/bin/time -f '%U %S' -o "$out.time" wrk -t"$THREADS" -c"$conns" -d"$DURATION" --timeout 10s --latency "${script[@]}" "$BASE$path" "${args[@]}" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed for $db $name"; }
  python3 bench/usage/report.py cpu "$SERVER_PID" "$PG_DB" >"$WORK/cpu-after.json"
  local parsed cpu wrkcpu
  parsed=$(python3 bench/usage/report.py wrk "$out" "$per")
  cpu=$(python3 bench/usage/report.py cpudiff "$WORK/cpu-before.json" "$WORK/cpu-after.json" "$(secs "$DURATION")")
  wrkcpu=$(awk 'END {print $1 + $2}' "$out.time")
  # CPU per event (ms): the server's, this database's PostgreSQL backends' and wrk's, over the events answered
  echo "$parsed" | jq -c --arg name "$name" --arg lbl "$label" --argjson conns "$conns" --arg la "$la" --argjson cpu "$cpu" \
    --argjson wrk "$wrkcpu" --argjson secs "$(secs "$DURATION")" \
    '. + {name:$name, "label":$lbl, connections:$conns, loadavg:$la} + $cpu + {wrk_cpu_s:$wrk}
     + (if .events_per_s > 0 then (.events_per_s * $secs) as $n
        | {server_ms_per_event: ($cpu.server_cpu_s * 1000 / $n * 10000 | round / 10000),
           pg_db_ms_per_event: ($cpu.postgres_this_db_cpu_s * 1000 / $n * 10000 | round / 10000),
           wrk_ms_per_event: ($wrk * 1000 / $n * 10000 | round / 10000)} else {} end)' >>"$WORK/$db-scenarios.jsonl"
  local n2 se bf
  n2=$(jq '.non2xx' <<<"$parsed"); se=$(jq '.socket_errors' <<<"$parsed"); bf=$(jq '(.batch_failed_items // 0) + (.batch_unreadable_answers // 0)' <<<"$parsed")
  printf '    %-44s %9.0f events/s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %s  socket err %s  failed items %s  (load %s)\n' \
    "$label" "$(jq '.events_per_s' <<<"$parsed")" "$(jq '.rps' <<<"$parsed")" "$(jq '.p50_ms' <<<"$parsed")" "$(jq '.p99_ms' <<<"$parsed")" \
    "$n2" "$se" "$bf" "$la" >&2
  if (( n2 > 0 || se > 0 || bf > 0 )); then
    printf '\n!!!!! %s %s: %s non-2xx, %s socket errors, %s failed batch items (see %s and %s) !!!!!\n' \
      "$db" "$name" "$n2" "$se" "$bf" "$out" "$WORK/$db-server.log" >&2
    FAILED=1
  fi
}
# warm <path> <conns> <lua> -- args: not recorded, but must answer 2xx too
warm() {
  local path=$1 conns=$2 lua=$3; shift 3
  local out="$WORK/warmup-$RANDOM.txt"
  wrk -t"$THREADS" -c"$conns" -d"$WARMUP" --timeout 10s -s "$lua" "$BASE$path" "$@" >"$out" 2>&1 || die "wrk warm-up failed"
  if grep -q "Non-2xx" "$out" || grep -Eq "batch_failed_items [1-9]" "$out"; then
    cat "$out" >&2; echo "!!!!! warm-up answered errors (see $out) !!!!!" >&2; FAILED=1
  fi
}

# run_open <db> <rate>: single events on bench/OpenLoop's fixed schedule (one unique idempotencyKey per request,
# customers round-robin); records a scenario "open_<rate>" whose p99 is the latency from the intended send time.
run_open() {
  local db=$1 rate=$2 la rc=0
  local name="open_$rate" out="$WORK/$db-open_$rate.json"
  la=$(loadavg)
  python3 bench/usage/report.py cpu "$SERVER_PID" >"$WORK/cpu-before.json"
  local nice=()
  [[ -n ${BENCH_OPEN_NICE:-} ]] && nice=(nice -n "$BENCH_OPEN_NICE")
  "${nice[@]}" dotnet "$OPEN_DLL" --url "$BASE/api/v1/usage/events" --method POST --rate "$rate" --duration "$OPEN_DURATION" \
    --warmup "$OPEN_WARMUP" --connections "$OPEN_CONNS" --label "$db $name" \
    --header "x-api-key: $KEY" --header "Content-Type: application/json" \
    --body "{\"customerId\":\"bench_cus_{seq%$CUSTOMERS}\",\"feature\":\"bench_calls\",\"value\":1,\"idempotencyKey\":\"o${db}_{seq}\"}" \
    >"$out" 2>"$WORK/$db-open_$rate.txt" || rc=$?
  python3 bench/usage/report.py cpu "$SERVER_PID" >"$WORK/cpu-after.json"
  sed 's/^/    /' "$WORK/$db-open_$rate.txt" >&2
  [[ -s $out ]] || die "OpenLoop failed for $db (exit $rc, see $WORK/$db-open_$rate.txt)"
  local cpu secs_total
  secs_total=$(python3 -c "print($(secs "$OPEN_DURATION") + $(secs "$OPEN_WARMUP"))")
  cpu=$(python3 bench/usage/report.py cpudiff "$WORK/cpu-before.json" "$WORK/cpu-after.json" "$secs_total")
  jq -c --arg name "$name" --arg la "$la" --argjson cpu "$cpu" \
    '{name:$name, label:("single events, open loop at \(.rate_asked)/s (p90 \(.p90_ms), p99.9 \(.p999_ms), max \(.max_ms) ms"
        + (if .kept_up then ")" else "; NOT at the target rate: achieved \(.rate_achieved)/s, \(.timeouts) unanswered)" end)),
      events_per_s:.rate_achieved, rps:.rate_achieved, p50_ms, p90_ms, p99_ms, p999_ms, max_ms, non2xx, errors, timeouts,
      kept_up, generator_cpu_us_per_request, connections, loadavg:$la} + $cpu' "$out" >>"$WORK/$db-scenarios.jsonl"
  if [[ $(jq '.non2xx + .errors' "$out") != 0 ]]; then
    printf '\n!!!!! %s open loop at %s/s: non-2xx answers or errors (see %s) !!!!!\n' "$db" "$rate" "$out" >&2
    FAILED=1
  fi
  [[ $(jq '.kept_up' "$out") == true ]] || printf '\n!!!!! %s open loop: NOT at the target rate %s/s (achieved %s/s); its p99 is not that of the target rate !!!!!\n' \
    "$db" "$rate" "$(jq '.rate_achieved' "$out")" >&2
}

sql() {  # sql <db> <query>: one value
  case $1 in
    postgres) psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -qAtc "$2" ;;
    sqlite) sqlite3 "$SQLITE_FILE" "$2" ;;
  esac
}

# events = sum of counters = credits spent = usage entries of the ledger, and no event without its spend
check_books() {
  local db=$1 q
  q() { sql "$db" "$1" | sed 's/\.0*$//'; }
  local events counters spent ledger
  events=$(q 'SELECT COUNT(*) FROM usage_events')
  counters=$(q 'SELECT CAST(COALESCE(SUM("Quantity"),0) AS BIGINT) FROM usage_counters')
  spent=$(q "SELECT $CUSTOMERS * 1000000000000 - COALESCE(SUM(\"PlanAmount\" + \"PurchasedAmount\"),0) FROM consumption_accounts")
  ledger=$(q "SELECT -COALESCE(SUM(\"Amount\"),0) FROM ledger_entries WHERE \"Reason\" = 'usage'")
  echo "    books: events $events, counters $events/$counters, credits spent $spent, ledger usage $ledger" >&2
  if [[ $events != "$counters" || $events != "$spent" || $events != "$ledger" ]]; then
    echo "!!!!! $db: the books do not add up !!!!!" >&2; FAILED=1
  fi
  jq -nc --argjson e "$events" --argjson c "$counters" --argjson s "$spent" --argjson l "$ledger" \
    '{events:$e, counters:$c, credits_spent:$s, ledger_usage:$l, ok:($e==$c and $e==$s and $e==$l)}'
}

bench_db() {
  local db=$1 envs=()
  case $db in
    sqlite)
      local dir; dir=$(mktemp -d /tmp/commet-usagebench-sqlite.XXXXXX); TMP_DIRS+=("$dir")
      envs=(COMMET_DATA_DIR="$dir"); SQLITE_FILE="$dir/commet.db"
      ;;
    postgres)
      [[ -n $PGBIN ]] && "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || die "no PostgreSQL on 127.0.0.1:$PG_PORT (scripts/postgres.sh start)"
      PG_DB="commet_usagebench_$(date +%s)_$$"
      psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
      envs=(COMMET_DATABASE_URL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB")
      ;;
    *) die "unknown database $db" ;;
  esac
  : >"$WORK/$db-scenarios.jsonl"
  local slog="$WORK/$db-server.log"

  log "$db: start on an empty store and seed $CUSTOMERS customers"
  start_server "$slog" "${envs[@]}"
  python3 bench/usage/seed.py "$BASE" "$KEY" "$CUSTOMERS" >"$WORK/$db-seed.json" || die "seeding failed"

  local lua_args=(-- "$db" "$CUSTOMERS")
  if [[ $WARMUP != 0 ]]; then
    log "$db: warm-up ($WARMUP each, not recorded)"
    warm /api/v1/usage/events 16 bench/wrk/track.lua -- "w$db" "$CUSTOMERS"
    warm /api/v1/usage/events/batch 8 bench/wrk/track-batch.lua -- "wb$db" "$CUSTOMERS" "$SPREAD"
  fi

  log "$db: measuring (wrk -t$THREADS -d$DURATION --latency)"
  run_wrk "$db" healthz "GET /healthz (server ceiling), c32" 32 1 /healthz
  local c
  for c in $CONNS; do
    run_wrk "$db" "track_c$c" "single events, c$c" "$c" 1 /api/v1/usage/events bench/wrk/track.lua -- "s${c}$db" "$CUSTOMERS"
  done
  if [[ $IDEM == 1 && -n $CONNS ]]; then
    c=${CONNS##* }
    run_wrk "$db" "track_idem_c$c" "single events + Idempotency-Key header, c$c" "$c" 1 /api/v1/usage/events bench/wrk/track.lua -- "i${c}$db" "$CUSTOMERS" idem
  fi
  for c in $BATCH_CONNS; do
    run_wrk "$db" "batch_c$c" "batch of 100 ($SPREAD customers each), c$c" "$c" 100 /api/v1/usage/events/batch bench/wrk/track-batch.lua -- "b${c}$db" "$CUSTOMERS" "$SPREAD"
  done

  local open_rate
  open_rate=$(tr ' ' '\n' <<<"$OPEN_RATES" | awk -F= -v d="$db" '$1 == d { print $2 }')
  if [[ -n $open_rate ]]; then
    log "$db: single events open loop at $open_rate/s (bench/OpenLoop, $OPEN_WARMUP warm-up + $OPEN_DURATION)"
    run_open "$db" "$open_rate"
  fi

  local hwm books
  hwm=$(awk '$1=="VmHWM:" {print $2}' "/proc/$SERVER_PID/status")
  books=$(check_books "$db")
  stop_server

  log "$db: ceilings"
  local ceilings out la
  case $db in
    postgres)
      local conn="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB"
      la=$(loadavg)
      out=$(dotnet "$CEIL_DLL" copy "$conn" "$COPY_ROWS" 3) || die "COPY ceiling failed"
      echo "    binary COPY of $COPY_ROWS usage_events rows (3 runs): $(jq '.rows_per_s_median' <<<"$out") rows/s median (load $la)" >&2
      local copy; copy=$(jq -c --arg la "$la" '{value: .rows_per_s_median, unit: "rows/s", loadavg: $la, detail: .}' <<<"$out")
      psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -q >/dev/null <<SQL
DROP TABLE IF EXISTS ceiling_events; DROP TABLE IF EXISTS ceiling_counters;
CREATE TABLE ceiling_events (LIKE usage_events INCLUDING ALL);
CREATE TABLE ceiling_counters (LIKE usage_counters INCLUDING ALL);
INSERT INTO ceiling_counters SELECT 'sub_' || i, 'feat_bench', '2026-01-01', 0, now() FROM generate_series(0, 199) i;
SQL
      la=$(loadavg)
      pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c8 -T"$(secs "$DURATION")" -f bench/usage/ceiling-insert-update.sql "$PG_DB" \
        >"$WORK/pgbench.txt" 2>&1 || { cat "$WORK/pgbench.txt" >&2; die "pgbench failed"; }
      out=$(python3 bench/usage/report.py pgbench "$WORK/pgbench.txt")
      echo "    pgbench INSERT + counter UPDATE, -c8: $(jq '.tps' <<<"$out") tx/s (load $la)" >&2
      local pgb; pgb=$(jq -c --arg la "$la" '{value: .tps, unit: "tx/s", loadavg: $la, detail: .}' <<<"$out")
      ceilings=$(jq -nc --argjson copy "$copy" --argjson pgb "$pgb" '{"pg_binary_copy": $copy, "pg_insert_update_tx": $pgb}')
      ;;
    sqlite)
      la=$(loadavg)
      out=$(dotnet "$CEIL_DLL" sqlite "$SQLITE_FILE" "$WORK/sqlite-ceiling.db" "$(secs "$DURATION")") || die "SQLite ceiling failed"
      echo "    SQLite single-row transactions (INSERT + counter UPDATE, WAL): $(jq '.tx_per_s' <<<"$out") tx/s (load $la)" >&2
      ceilings=$(jq -c --arg la "$la" '{"sqlite_insert_update_tx": {value: .tx_per_s, unit: "tx/s", loadavg: $la, detail: .}}' <<<"$out")
      ;;
  esac

  # ratios: single events against the single-row transaction ceiling, batches against COPY (PostgreSQL)
  jq -s -c --arg name "$db" --argjson hwm "$hwm" --argjson books "$books" --argjson ceil "$ceilings" \
    '{name:$name, peak_rss_mb: ($hwm/1024 | floor), books:$books, ceilings:$ceil,
      scenarios: map(
        (if .name | startswith("batch") then ($ceil.pg_binary_copy // $ceil.sqlite_insert_update_tx
                                             | {n: (if $ceil.pg_binary_copy then "PG binary COPY" else "SQLite 1-row tx" end), v: .value})
         elif .name | startswith("track") then ($ceil.pg_insert_update_tx // $ceil.sqlite_insert_update_tx
                                             | {n: (if $ceil.pg_insert_update_tx then "pgbench INSERT+UPDATE" else "SQLite 1-row tx" end), v: .value})
         else null end) as $c
        | . + (if $c then {ceiling_name:$c.n, ceiling:$c.v, ratio: ((.events_per_s / $c.v) * 100 | round / 100)} else {} end))}' \
    "$WORK/$db-scenarios.jsonl" >"$WORK/$db.json"

  if [[ $db == postgres ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null
    PG_DB=""
  fi
}

log "load average at start: $(loadavg)"
for db in $DBS; do bench_db "$db"; done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$([[ -n $(git status --porcelain -- src 2>/dev/null) ]] && echo true || echo false)
jq -s -c --arg started "$STAMP" --arg commit "$commit" --argjson dirty "$dirty" \
  --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" --argjson cpus "$(nproc)" \
  --argjson mem "$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)" --arg dotnet "$(dotnet --version)" \
  --arg pg "$(psql --version | awk '{print $3}')" --arg la_end "$(loadavg)" \
  --arg params "server_dll=${BENCH_SERVER_DLL:-build of this tree} threads=$THREADS conns=$CONNS batch_conns=$BATCH_CONNS duration=$DURATION warmup=$WARMUP customers=$CUSTOMERS spread=$SPREAD copy_rows=$COPY_ROWS server_env=${BENCH_SERVER_ENV:-} runtime_env=$SERVER_RUNTIME_ENV" \
  '{started_utc:$started, commit:$commit, src_dirty:$dirty, loadavg_end:$la_end, params:$params,
    machine:{cpu:$cpu, cpus:$cpus, mem_mb:$mem, dotnet_sdk:$dotnet, postgres:$pg}, ok:true, databases:.}' \
  $(for db in $DBS; do echo "$WORK/$db.json"; done) >"$RESULT_FILE"
if (( FAILED )); then jq '.ok = false' "$RESULT_FILE" >"$RESULT_FILE.tmp" && mv "$RESULT_FILE.tmp" "$RESULT_FILE"; fi

echo
python3 bench/usage/report.py table "$RESULT_FILE"
echo
echo "results: ${RESULT_FILE#$ROOT/}   raw outputs and server logs: ${WORK#$ROOT/}/"
if (( FAILED )); then printf '\nFAILED: errors answered or books not adding up (see above).\n' >&2; exit 1; fi
