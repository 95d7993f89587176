#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on loopback for the test suite (after ../shared/reference/services-example.sh).
# Usage: scripts/services.sh install|start|stop
#   install  installs the PostgreSQL and Redis servers from Debian's packages when they are missing
#   start    starts both and prints `export DATABASE_URL=...` and `export REDIS_URL=...` for eval
#   stop     stops both and removes their data
# Ports and state folder: PGPORT (55432), REDIS_PORT (56379), METASYNC_SERVICES_DIR (/tmp/metasync-test-services).
# Works as root (drops to the 'postgres' OS user, since initdb refuses root) or as an ordinary user.
set -euo pipefail
PGPORT=${PGPORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
STATE=${METASYNC_SERVICES_DIR:-/tmp/metasync-test-services}
PGDATA=$STATE/pgdata

pgbin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

install() {
  local packages=()
  pgbin >/dev/null || packages+=(postgresql)
  command -v redis-server >/dev/null || packages+=(redis-server)
  if [ ${#packages[@]} -gt 0 ]; then
    echo "installing ${packages[*]} from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${packages[@]}" >&2
  fi
}

start() {
  local bin; bin=$(pgbin) || { echo "PostgreSQL server not installed: run scripts/services.sh install" >&2; exit 1; }
  command -v redis-server >/dev/null || { echo "redis-server not installed: run scripts/services.sh install" >&2; exit 1; }
  mkdir -p "$STATE"
  # --- PostgreSQL ---
  rm -rf "$PGDATA"; mkdir -p "$PGDATA"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"; fi
  as_pg "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale >"$STATE/initdb.log"
  as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500" \
    start >&2
  "$bin/pg_isready" -h 127.0.0.1 -p "$PGPORT" -t 10 >&2
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE app LOGIN PASSWORD 'app'" -c "CREATE DATABASE app_test OWNER app" >&2
  # --- Redis ---
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$STATE" --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" >&2
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$REDIS_PORT" ping >&2
  echo "export DATABASE_URL=postgres://app:app@127.0.0.1:$PGPORT/app_test?sslmode=disable"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
}

stop() {
  local bin
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if bin=$(pgbin) && [ -d "$PGDATA" ]; then as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >&2 || true; fi
  rm -rf "$STATE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
