#!/usr/bin/env bash
# Runs the benchmark harness against real PostgreSQL and RabbitMQ on loopback (installed and started like the tests) and
# writes artifacts/bench/results.json. Pass --quick for a smoke run, --only write|shadow|reconciliation for one scenario.
set -uo pipefail
cd "$(dirname "$0")"
export MM_PG_HOST="${MM_PG_HOST:-127.0.0.1}" MM_PG_PORT="${MM_PG_PORT:-5432}" MM_PG_USER="${MM_PG_USER:-postgres}" MM_PG_PASSWORD="${MM_PG_PASSWORD:-postgres}"
export MM_RABBITMQ_HOST="${MM_RABBITMQ_HOST:-127.0.0.1}" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
fail() { echo "bench.sh: $*" >&2; exit 1; }
step() { echo "bench.sh: $*"; }
# shellcheck source=scripts/start-services.sh
source scripts/start-services.sh
step "running the benchmarks"
exec dotnet run -c Release --project tests/MigrationMiddleware.Benchmarks -- "$@"
