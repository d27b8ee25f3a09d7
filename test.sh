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
as_postgres() { su postgres -s /bin/sh -c "$1"; }

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
fi

step "starting PostgreSQL"
service postgresql start >/dev/null || fail "PostgreSQL did not start"
for _ in $(seq 1 60); do pg_isready -q -h "$MM_PG_HOST" -p "$MM_PG_PORT" && break; sleep 1; done
pg_isready -q -h "$MM_PG_HOST" -p "$MM_PG_PORT" || fail "PostgreSQL is not accepting connections on $MM_PG_HOST:$MM_PG_PORT"
if [ "$MM_PG_USER" = postgres ]; then
  as_postgres "psql -qc \"ALTER USER postgres PASSWORD '$MM_PG_PASSWORD'\"" || fail "could not set the postgres password"
else
  as_postgres "psql -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$MM_PG_USER') THEN CREATE ROLE \\\"$MM_PG_USER\\\" LOGIN SUPERUSER; END IF; END \\\$\\\$\"" || fail "could not create role $MM_PG_USER"
  as_postgres "psql -qc \"ALTER USER \\\"$MM_PG_USER\\\" PASSWORD '$MM_PG_PASSWORD'\"" || fail "could not set the password of $MM_PG_USER"
fi
# Test classes run in parallel, each with its own databases and connection pools.
if [ "$(as_postgres "psql -tAc 'SHOW max_connections'")" -lt 300 ]; then
  step "raising PostgreSQL max_connections to 300"
  as_postgres "psql -qc 'ALTER SYSTEM SET max_connections = 300'" || fail "could not raise max_connections"
  service postgresql restart >/dev/null || fail "PostgreSQL did not restart"
  for _ in $(seq 1 60); do pg_isready -q -h "$MM_PG_HOST" -p "$MM_PG_PORT" && break; sleep 1; done
fi

step "starting RabbitMQ"
if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  rabbitmq-server -detached >/dev/null 2>&1 || true
fi
rabbitmqctl -q await_startup --timeout 120 >/dev/null 2>&1 || true
# A previous run may have left the broker application stopped (fault tests stop and start it).
rabbitmq-diagnostics -q check_running >/dev/null 2>&1 || rabbitmqctl -q start_app >/dev/null 2>&1 || true
rabbitmq-diagnostics -q check_running >/dev/null 2>&1 || fail "RabbitMQ is not running"
rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 || fail "RabbitMQ is not accepting AMQP connections"

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
