#!/usr/bin/env bash
# Adds a migration for both providers: scripts/add-migration.sh <Name>
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/add-migration.sh <Name>}
dotnet tool restore >/dev/null
proj=src/Commet.Server/Commet.Server.csproj
dotnet ef migrations add "$name" --project $proj --context SqliteCommetDb --output-dir Persistence/Migrations/Sqlite
dotnet ef migrations add "$name" --project $proj --context PostgresCommetDb --output-dir Persistence/Migrations/Postgres
