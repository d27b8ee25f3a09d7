#!/usr/bin/env bash
# Installs PostgreSQL and RabbitMQ from Debian's packages when they are missing, starts them on loopback, and waits until both
# answer. Sourced by test.sh and bench.sh; expects MM_PG_* and MM_RABBITMQ_HOST to be set (they default to loopback there).
# The sourcing script may define fail and step itself (test.sh adds its summary line to failures).
declare -F fail >/dev/null || fail() { echo "start-services: $*" >&2; exit 1; }
declare -F step >/dev/null || step() { echo "start-services: $*"; }
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
# await_startup gives up at once while the Erlang node is not yet registered, so poll until the node answers first.
for _ in $(seq 1 120); do rabbitmq-diagnostics -q ping >/dev/null 2>&1 && break; sleep 1; done
rabbitmqctl -q await_startup --timeout 120 >/dev/null 2>&1 || true
# A previous run may have left the broker application stopped (fault tests stop and start it).
rabbitmq-diagnostics -q check_running >/dev/null 2>&1 || rabbitmqctl -q start_app >/dev/null 2>&1 || true
if ! rabbitmq-diagnostics -q check_running >/dev/null 2>&1; then
  tail -n 20 /var/log/rabbitmq/*.log >&2 2>/dev/null || true
  fail "RabbitMQ is not running"
fi
rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 || fail "RabbitMQ is not accepting AMQP connections"

