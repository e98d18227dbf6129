#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests on 127.0.0.1:${COMMET_TEST_PG_PORT:-5433}
# (trust auth, user postgres) unless one already answers there. Prints nothing on success.
#   scripts/postgres.sh start | stop
set -euo pipefail
PGPORT=${COMMET_TEST_PG_PORT:-5433}
PGDATA=${COMMET_TEST_PG_DATA:-/tmp/commet-pg}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

case "${1:-start}" in
  start)
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
      echo "PostgreSQL is not installed. Run scripts/setup.sh (as root) first." >&2
      exit 1
    fi
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then exit 0; fi
    run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
      rm -rf "$PGDATA"; mkdir -p "$PGDATA"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
      run "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # Tuned for a disposable test server: no fsync, more connections for the concurrency tests.
    run "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" \
      -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      -w start >/dev/null
    ;;
  stop)
    [ -n "$PGBIN" ] && [ -s "$PGDATA/PG_VERSION" ] || exit 0
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null || true
    else "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null || true; fi
    ;;
esac
