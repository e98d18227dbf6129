#!/usr/bin/env bash
# HTTP benchmarks of the Commet server against SQLite and PostgreSQL (see docs/benchmarks.md).
#
# Builds the server once in Release, then for each database starts it on a fresh store, measures with wrk
# (ceiling = GET /healthz in the same run, then customer create / create with Idempotency-Key / read /
# list), records peak RSS and cold start, and writes bench/results/http-<UTC stamp>.json plus a Markdown
# table on stdout. Exits non-zero if any request answered non-2xx or wrk saw socket errors.
#
# Knobs (environment):
#   BENCH_DBS="sqlite postgres"  which databases     BENCH_THREADS=2  BENCH_CONNS=32  BENCH_DURATION=10s
#   BENCH_WARMUP=3s  warm-up per scenario (0 = none)  BENCH_COLD_RUNS=5  cold starts per database
#   BENCH_WRITE_WARMUP=30s  warm-up of the two create scenarios: on a fresh server the write path took about a minute
#                           to reach its rate (780 → 3,050 creates/s on PostgreSQL, docs/benchmarks.md, nineteenth session)
#   BENCH_PORT=5190  (only 5190-5199)                 BENCH_PG_PORT=5433
#   BENCH_QUIET_WAIT=60 BENCH_QUIET_BUSY=0.15  before each measurement wait up to 60 s for the machine
#                                     to be at most 15% busy (it is shared with other work)
#   BENCH_SKIP_BUILD=1  use the existing Release build
#   BENCH_ONLY="create read_id"  measure only these scenarios (the ceilings always run)
#   BENCH_SERVER_ENV="K=V ..."   extra environment for the server (experiments, e.g. DOTNET_TieredPGO=0)
#   BENCH_PG_EXTRA=";No Reset On Close=true"   appended to the PostgreSQL connection string (experiments)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source bench/lib/server-env.sh

DBS=${BENCH_DBS:-"sqlite postgres"}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-32}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
WRITE_WARMUP=${BENCH_WRITE_WARMUP:-30s}
COLD_RUNS=${BENCH_COLD_RUNS:-5}
QUIET_WAIT=${BENCH_QUIET_WAIT:-60}
QUIET_BUSY=${BENCH_QUIET_BUSY:-0.15}
PORT=${BENCH_PORT:-5190}
PG_PORT=${BENCH_PG_PORT:-5433}
KEY=ck_test_bench_0123456789abcdef
BASE="http://127.0.0.1:$PORT"
DLL="$ROOT/src/Commet.Server/bin/Release/net10.0/Commet.Server.dll"
BARE_DLL="$ROOT/bench/KestrelCeiling/bin/Release/net10.0/KestrelCeiling.dll"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export COMMET_BENCH_KEY=$KEY

if (( PORT < 5190 || PORT > 5199 )); then echo "BENCH_PORT must be within 5190-5199" >&2; exit 2; fi

STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
RESULTS_DIR="$ROOT/bench/results"
WORK="$RESULTS_DIR/http-$STAMP"            # raw wrk outputs and server logs of this run
RESULT_FILE="$RESULTS_DIR/http-$STAMP.json"
mkdir -p "$WORK"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nFATAL: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v curl >/dev/null || need_apt+=(curl)
command -v jq >/dev/null || need_apt+=(jq)
command -v python3 >/dev/null || need_apt+=(python3)
if [[ " $DBS " == *" postgres "* ]] && [[ ! -x $PGBIN/pg_ctl ]]; then need_apt+=(postgresql); fi
if (( ${#need_apt[@]} )); then
  log "installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
PGBIN_CANDIDATE=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[[ -x $PGBIN/pg_ctl ]] || PGBIN=${PGBIN_CANDIDATE:-$PGBIN}

# ---------------------------------------------------------------- cleanup
SERVER_PID=""
STARTED_PG_DATA=""
PG_DB=""
TMP_DIRS=()
cleanup() {
  set +e
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
  fi
  if [[ -n $PG_DB ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1
  fi
  if [[ -n $STARTED_PG_DATA && -z ${BENCH_KEEP_PG:-} ]]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STARTED_PG_DATA" -m fast -w stop >/dev/null 2>&1
  fi
  for d in "${TMP_DIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  log "dotnet build src/Commet.Server -c Release"
  dotnet build src/Commet.Server -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "build failed"; }
  log "dotnet build bench/KestrelCeiling -c Release"
  dotnet build bench/KestrelCeiling -c Release -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "build failed"; }
fi
[[ -f $DLL ]] || die "$DLL not found"
[[ -f $BARE_DLL ]] || die "$BARE_DLL not found (bench/KestrelCeiling is not in the solution: dotnet build bench/KestrelCeiling -c Release)"

# ---------------------------------------------------------------- PostgreSQL
pg_up() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
ensure_pg() {
  if pg_up; then
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT: using it as it is"
    return
  fi
  # The recipe of docs/development.md (and scripts/postgres.sh), in a data directory of our own (stopped again at the end).
  local data=/tmp/commet-bench-pg-$PG_PORT
  log "starting PostgreSQL in $data on port $PG_PORT"
  rm -rf "$data"; mkdir -p "$data"; chown postgres:postgres "$data"
  runuser -u postgres -- "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" -w start >/dev/null
  STARTED_PG_DATA=$data
}
pg_settings_json() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c \
    "select json_object_agg(name, setting) from pg_settings where name in
     ('server_version','fsync','synchronous_commit','full_page_writes','shared_buffers','max_connections','wal_level')"
}

# ---------------------------------------------------------------- server
now_ns() { date +%s%N; }

# start_server <log file> <env assignments...>; sets SERVER_PID and READY_MS (spawn -> first 200 on /healthz)
start_server() {
  local logfile=$1; shift
  if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then die "something already answers on $BASE"; fi
  local t0; t0=$(now_ns)
  # shellcheck disable=SC2086
  env "$@" $SERVER_RUNTIME_ENV COMMET_BOOTSTRAP_SANDBOX_KEY=$KEY Logging__LogLevel__Default=Warning Commet__RateLimits__RequestsPerSecond=10000000 Commet__RateLimits__Burst=10000000 Commet__RateLimits__ExpensiveConcurrency=100000 Commet__RateLimits__ExpensiveQueue=100000 ${BENCH_SERVER_ENV:-} \
    dotnet "$DLL" --urls "$BASE" >>"$logfile" 2>&1 &
  SERVER_PID=$!
  while :; do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true) == 200 ]]; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$logfile" >&2; die "server exited during start"; }
    (( ($(now_ns) - t0) / 1000000 < 60000 )) || die "server not ready after 60 s"
    sleep 0.01
  done
  READY_MS=$(( ($(now_ns) - t0) / 1000000 ))
}
# start_bare <log file>: the bare Kestrel app; sets SERVER_PID and READY_MS
start_bare() {
  local t0; t0=$(now_ns)
  env Logging__LogLevel__Default=Warning dotnet "$BARE_DLL" --urls "$BASE" >>"$1" 2>&1 &
  SERVER_PID=$!
  while :; do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true) == 200 ]]; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "bare Kestrel app exited during start"
    (( ($(now_ns) - t0) / 1000000 < 60000 )) || die "bare Kestrel app not ready after 60 s"
    sleep 0.01
  done
  READY_MS=$(( ($(now_ns) - t0) / 1000000 ))
}
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
proc_kb() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }
# CPU counters of the server, our PostgreSQL backends, wrk (children of this shell) and the machine
snapshot() { python3 bench/lib/wrkreport.py snapshot "${SERVER_PID:-0}" $$ "${PG_DB:-}"; }
machine_ticks() { awk '/^cpu / {idle=$5+$6; total=0; for(i=2;i<=NF;i++) total+=$i; print total, idle}' /proc/stat; }
# The machine is shared (other sessions build and test on it): before each measurement wait, up to
# QUIET_WAIT seconds, for a one-second window in which the machine is at most QUIET_BUSY busy.
# Prints the busy fraction of the last window (recorded as busy_before).
wait_quiet() {
  local deadline=$(( SECONDS + QUIET_WAIT )) a b busy
  while :; do
    a=$(machine_ticks); sleep 1; b=$(machine_ticks)
    busy=$(awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); t=y[1]-x[1]; i=y[2]-x[2]; printf "%.3f", (t>0)?(t-i)/t:0}')
    if awk -v b="$busy" -v q="$QUIET_BUSY" 'BEGIN{exit !(b <= q)}' || (( SECONDS >= deadline )); then break; fi
  done
  if ! awk -v b="$busy" -v q="$QUIET_BUSY" 'BEGIN{exit !(b <= q)}'; then
    printf '    (machine still %.0f%% busy after %ss of waiting: measuring anyway, see other_cpu_s)\n' "$(awk -v b="$busy" 'BEGIN{print b*100}')" "$QUIET_WAIT" >&2
  fi
  echo "$busy"
}

api() { curl -sS --max-time 10 -H "x-api-key: $KEY" -H 'Content-Type: application/json' "$@"; }

# ---------------------------------------------------------------- measuring
FAILED=0
# run_wrk <db> <name> <label> <path> [lua script] [-- lua args...]
# With WARMING=1 the run only warms the server (output kept, not recorded). Otherwise the figures go to
# $WORK/<db>-scenarios.jsonl together with the CPU time the server and PostgreSQL used meanwhile.
WARMING=0
run_wrk() {
  local db=$1 name=$2 label=$3 path=$4; shift 4
  local script=() args=()
  if [[ $# -gt 0 && $1 != -- ]]; then script=(-s "$1"); shift; fi
  if [[ $# -gt 0 && $1 == -- ]]; then shift; args=(-- "$@"); fi
  if [[ -n ${BENCH_ONLY:-} && $name != ceiling* && $name != bare_kestrel && " $BENCH_ONLY " != *" $name "* ]]; then return 0; fi
  local duration=$DURATION out="$WORK/$db-$name.txt"
  if (( WARMING )); then
    duration=$WARMUP; out="$WORK/$db-$name.warmup.txt"
    [[ $name == create* ]] && duration=$WRITE_WARMUP
    # create scenarios get their own id prefix during the warm-up
    if (( ${#args[@]} > 1 )); then args[1]="w${args[1]}"; fi
  fi

  local busy_before=null
  (( WARMING )) || busy_before=$(wait_quiet)
  snapshot >"$WORK/cpu-before.json"
  wrk -t"$THREADS" -c"$CONNS" -d"$duration" --timeout 10s --latency "${script[@]}" "$BASE$path" "${args[@]}" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed for $db $name"; }
  snapshot >"$WORK/cpu-after.json"

  local parsed; parsed=$(python3 bench/lib/wrkreport.py parse "$out")
  local n2 se
  n2=$(echo "$parsed" | jq '.non2xx'); se=$(echo "$parsed" | jq '[.socket_errors[]] | add')
  if (( WARMING )); then
    if (( n2 > 0 || se > 0 )); then
      printf '\n!!!!! %s %s: %s non-2xx responses, %s socket errors during the warm-up (see %s) !!!!!\n' "$db" "$name" "$n2" "$se" "$out" >&2
      FAILED=1
    fi
    return
  fi

  local cpu; cpu=$(python3 bench/lib/wrkreport.py cpu "$WORK/cpu-before.json" "$WORK/cpu-after.json")
  echo "$parsed" | jq -c --arg name "$name" --arg lbl "$label" --arg path "$path" \
      --arg lua "${script[1]:-}" --argjson cpu "$cpu" --argjson quiet "$busy_before" \
      '. + {name:$name, "label":$lbl, path:$path, lua:$lua} + $cpu + {busy_before:$quiet}
         | . + {server_cpu_ms_per_req: (if .requests > 0 then (.server_cpu_s * 1000 / .requests * 1000 | round / 1000) else null end),
                postgres_cpu_ms_per_req: (if .requests > 0 then (.postgres_cpu_s * 1000 / .requests * 1000 | round / 1000) else null end)}' \
      >>"$WORK/$db-scenarios.jsonl"

  printf '    %-36s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %s  socket errors %s\n' "$label" \
    "$(echo "$parsed" | jq '.rps')" "$(echo "$parsed" | jq '.p50_ms')" "$(echo "$parsed" | jq '.p99_ms')" "$n2" "$se" >&2
  if (( n2 > 0 || se > 0 )); then
    printf '\n!!!!! %s %s: %s non-2xx responses, %s socket errors (see %s and the server log) !!!!!\n' "$db" "$name" "$n2" "$se" "$out" >&2
    FAILED=1
  fi
}

bench_db() {
  local db=$1
  local envs=()
  case $db in
    sqlite)
      local dir; dir=$(mktemp -d /tmp/commet-bench-sqlite.XXXXXX); TMP_DIRS+=("$dir")
      envs=(COMMET_DATA_DIR="$dir")
      ;;
    postgres)
      ensure_pg
      PG_DB="commet_bench_$(date +%s)_$$"
      psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$PG_DB\"" >/dev/null
      envs=(COMMET_DATABASE_URL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DB${BENCH_PG_EXTRA:-}")
      ;;
    *) die "unknown database $db" ;;
  esac
  : >"$WORK/$db-scenarios.jsonl"
  local slog="$WORK/$db-server.log"

  log "$db: bare Kestrel reference (bench/KestrelCeiling, GET /healthz)"
  local bare_starts=()
  for _ in 1 2 3; do wait_quiet >/dev/null; start_bare "$WORK/$db-bare-kestrel.log"; bare_starts+=("$READY_MS"); stop_server; done
  echo "    bare Kestrel start to first 200: ${bare_starts[*]} ms" >&2
  start_bare "$WORK/$db-bare-kestrel.log"
  if [[ $WARMUP != 0 ]]; then WARMING=1; run_wrk "$db" bare_kestrel "bare Kestrel: GET /healthz" /healthz; WARMING=0; fi
  run_wrk "$db" bare_kestrel "bare Kestrel: GET /healthz" /healthz
  stop_server

  log "$db: first start on an empty database"
  start_server "$slog" "${envs[@]}"
  local first_ms=$READY_MS
  echo "    ready in $first_ms ms (pid $SERVER_PID)" >&2

  # Fixtures: one customer to read, and 1,000 for the list (10 batches of 100).
  local created cus_id
  created=$(api -X POST "$BASE/api/v1/customers" -d '{"id":"bench_read_1","email":"read1@example.com","fullName":"Bench Reader"}')
  cus_id=$(echo "$created" | jq -er '.data.id') || die "could not create the read fixture: $created"
  local b
  for b in $(seq 0 9); do
    jq -nc --argjson b "$b" '{customers: [range(0;100) | {id: "bench_seed_\($b)_\(.)", email: "seed\($b)_\(.)@example.com", fullName: "Seed User"}]}' \
      | api -X POST "$BASE/api/v1/customers/batch" --data-binary @- | jq -e '.data.successful | length == 100' >/dev/null \
      || die "seeding batch $b failed"
  done

  scenarios() {
    run_wrk "$db" ceiling "ceiling: GET /healthz" /healthz
    run_wrk "$db" create "create customer" /api/v1/customers bench/wrk/create-customer.lua -- "c$db"
    run_wrk "$db" create_idem "create customer + Idempotency-Key" /api/v1/customers bench/wrk/create-customer.lua -- "i$db" idem
    run_wrk "$db" read_id "read customer by cus_ id" "/api/v1/customers/$cus_id" bench/wrk/get.lua
    run_wrk "$db" read_ext "read customer by external id" /api/v1/customers/bench_read_1 bench/wrk/get.lua
    run_wrk "$db" list "list customers (limit=25)" "/api/v1/customers?limit=25" bench/wrk/get.lua
  }
  if [[ $WARMUP != 0 ]]; then
    log "$db: warm-up pass ($WARMUP per scenario, $WRITE_WARMUP for the create scenarios; not recorded)"
    WARMING=1; scenarios; WARMING=0
  fi
  log "$db: measuring (wrk -t$THREADS -c$CONNS -d$DURATION --latency)"
  scenarios
  run_wrk "$db" ceiling_end "ceiling again (drift check)" /healthz

  local hwm rss
  hwm=$(proc_kb "$SERVER_PID" VmHWM); rss=$(proc_kb "$SERVER_PID" VmRSS)
  stop_server

  log "$db: cold start on the existing database ($COLD_RUNS runs)"
  local cold=()
  for _ in $(seq 1 "$COLD_RUNS"); do
    wait_quiet >/dev/null
    start_server "$slog" "${envs[@]}"
    cold+=("$READY_MS")
    stop_server
  done
  echo "    ${cold[*]} ms" >&2

  local pg_settings=null
  [[ $db == postgres ]] && pg_settings=$(pg_settings_json)
  local ceiling_rps
  local ceiling_rps bare_rps
  # the ceiling is the better of the two /healthz measurements (start and end of the run): the conservative choice
  ceiling_rps=$(jq -s 'map(select(.name=="ceiling" or .name=="ceiling_end") | .rps) | max' "$WORK/$db-scenarios.jsonl")
  bare_rps=$(jq -s 'map(select(.name=="bare_kestrel"))[0].rps' "$WORK/$db-scenarios.jsonl")
  jq -s -c --arg name "$db" --argjson ceiling "$ceiling_rps" --argjson bare "$bare_rps" --argjson hwm "$hwm" --argjson rss "$rss" \
      --argjson first "$first_ms" --argjson pg "$pg_settings" --arg cold "${cold[*]}" --arg bare_starts "${bare_starts[*]}" \
      '{name:$name, ceiling_rps:$ceiling, bare_kestrel_rps:$bare,
        scenarios: map(. + {ratio_to_ceiling: ((.rps / $ceiling) * 1000 | round / 1000),
                            ratio_to_bare_kestrel: ((.rps / $bare) * 1000 | round / 1000)}),
        peak_rss_mb: ($hwm / 1024), rss_at_end_mb: ($rss / 1024),
        first_start_ms: $first,
        cold_start_ms: ($cold | split(" ") | map(select(. != "") | tonumber) | sort
                        | {runs: ., min: .[0], max: .[-1], median: (if length > 0 then .[(length/2|floor)] else null end)}),
        bare_kestrel_start_ms: ($bare_starts | split(" ") | map(tonumber) | sort | .[(length/2|floor)]),
        postgres_settings: $pg}' "$WORK/$db-scenarios.jsonl" >"$WORK/$db.json"

  if [[ $db == postgres ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null
    PG_DB=""
  fi
}

for db in $DBS; do bench_db "$db"; done

# ---------------------------------------------------------------- results
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
src_commit=$(git log -1 --format=%H -- src 2>/dev/null || echo unknown)
dirty=$([[ -n $(git status --porcelain -- src 2>/dev/null) ]] && echo true || echo false)
jq -s -c \
  --arg started "$STAMP" --arg commit "$commit" --arg src_commit "$src_commit" --argjson dirty "$dirty" \
  --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" --argjson cpus "$(nproc)" \
  --argjson mem "$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)" --arg kernel "$(uname -r)" \
  --arg dotnet "$(dotnet --version)" --arg wrk "$(wrk -v 2>&1 | head -1)" \
  --arg server_env "${BENCH_SERVER_ENV:-}" --arg runtime_env "$SERVER_RUNTIME_ENV" --arg pg_extra "${BENCH_PG_EXTRA:-}" --arg only "${BENCH_ONLY:-}" \
  --arg threads "$THREADS" --arg conns "$CONNS" --arg duration "$DURATION" --arg warmup "$WARMUP" --arg write_warmup "$WRITE_WARMUP" \
  '{started_utc:$started, commit:$commit, src_commit:$src_commit, src_dirty:$dirty,
    machine:{cpu:$cpu, cpus:$cpus, mem_mb:$mem, kernel:$kernel, dotnet_sdk:$dotnet, wrk:$wrk},
    params:{threads:($threads|tonumber), connections:($conns|tonumber), duration:$duration, warmup:$warmup, write_warmup:$write_warmup, wrk_timeout:"10s",
            server_env:$server_env, runtime_env:$runtime_env, pg_connection_extra:$pg_extra, only:$only},
    ok: true, databases: .}' $(for db in $DBS; do echo "$WORK/$db.json"; done) >"$RESULT_FILE"
if (( FAILED )); then
  jq '.ok = false' "$RESULT_FILE" >"$RESULT_FILE.tmp" && mv "$RESULT_FILE.tmp" "$RESULT_FILE"
fi

echo
python3 bench/lib/wrkreport.py table "$RESULT_FILE"
echo
echo "results: ${RESULT_FILE#$ROOT/}   raw wrk output and server logs: ${WORK#$ROOT/}/"
if (( FAILED )); then
  printf '\nFAILED: some requests answered non-2xx or wrk reported socket errors (see above).\n' >&2
  exit 1
fi
