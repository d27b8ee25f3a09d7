#!/usr/bin/env bash
# Runs every test against real PostgreSQL and RabbitMQ on loopback. Installs both from Debian's packages when they are missing,
# starts them, waits until they answer, runs `dotnet test` for the whole solution, and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

export MM_PG_HOST="${MM_PG_HOST:-127.0.0.1}"
export MM_PG_PORT="${MM_PG_PORT:-5432}"
export MM_PG_USER="${MM_PG_USER:-postgres}"
export MM_PG_PASSWORD="${MM_PG_PASSWORD:-postgres}"
export MM_RABBITMQ_HOST="${MM_RABBITMQ_HOST:-127.0.0.1}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fail() { echo "test.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
step() { echo "test.sh: $*"; }
# shellcheck source=scripts/start-services.sh
source scripts/start-services.sh

results="artifacts/test-results"
rm -rf "$results"
step "running dotnet test"
dotnet test MigrationMiddleware.sln -c Release --logger trx --results-directory "$results" "$@"
test_exit=$?

sum() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum passed)
failed=$(( $(sum failed) + $(sum error) + $(sum timeout) + $(sum aborted) ))
skipped=$(sum notExecuted)
if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # dotnet test failed without a failed test (a build error, a crashed test host): that is a failure too.
  failed=1
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
