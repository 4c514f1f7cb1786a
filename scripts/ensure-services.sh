#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis are installed and running on loopback, and that the database the
# tests use exists and accepts password logins. Safe to run again: it only does what is missing.
set -euo pipefail

DB_HOST=127.0.0.1
DB_PORT=5432
DB_NAME=${SLUICE_TEST_DB_NAME:-test}
DB_USER=${SLUICE_TEST_DB_USER:-postgres}
DB_PASSWORD=${SLUICE_TEST_DB_PASSWORD:-postgres}
REDIS_PORT=${SLUICE_TEST_REDIS_PORT:-6379}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && break; sleep 1; done
fi

# A fresh Debian cluster asks for a password on 127.0.0.1 and has no test database.
if ! PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  echo "setting the password of PostgreSQL role $DB_USER"
  as_postgres psql -v ON_ERROR_STOP=1 -q -c "ALTER ROLE \"$DB_USER\" WITH LOGIN PASSWORD '$DB_PASSWORD'" 2>/dev/null \
    || as_postgres psql -v ON_ERROR_STOP=1 -q -c "CREATE ROLE \"$DB_USER\" WITH LOGIN SUPERUSER PASSWORD '$DB_PASSWORD'"
fi
if ! PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$DB_NAME'" | grep -q 1; then
  echo "creating database $DB_NAME"
  PGPASSWORD=$DB_PASSWORD createdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$DB_NAME"
fi

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

echo "PostgreSQL $DB_HOST:$DB_PORT/$DB_NAME and Redis 127.0.0.1:$REDIS_PORT are ready"
