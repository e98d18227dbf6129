#!/usr/bin/env bash
# Runs the @commet/node compatibility suite against a server built from this repository.
#   COMMET_SERVER_DLL          the server DLL to run (CI builds once and passes it); when unset the suite uses
#                              `dotnet run --project src/Commet.Server -c Release` per test file.
#   COMMET_TEST_DATABASE_URL   optional: run against fresh PostgreSQL databases made through this admin connection.
# The output of `node --test` ends with `# pass N` / `# fail N`.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
npm test
