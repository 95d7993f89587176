#!/usr/bin/env bash
# Throwaway PostgreSQL on loopback for the test suite (after ../shared/reference/services-example.sh).
# Usage: scripts/services.sh install|start|stop
#   install  installs the PostgreSQL server from Debian's packages when it is missing
#   start    starts it and prints `export DATABASE_URL=...` for eval
#   stop     stops it and removes its data
# Works as root (drops to the 'postgres' OS user, since initdb refuses root) or as an ordinary user.
set -euo pipefail
PGPORT=${PGPORT:-55432}
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
  if ! pgbin >/dev/null; then
    echo "installing postgresql from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
}

start() {
  local bin; bin=$(pgbin) || { echo "PostgreSQL server not installed: run scripts/services.sh install" >&2; exit 1; }
  mkdir -p "$STATE"
  rm -rf "$PGDATA"; mkdir -p "$PGDATA"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"; fi
  as_pg "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale >"$STATE/initdb.log"
  as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2
  "$bin/pg_isready" -h 127.0.0.1 -p "$PGPORT" -t 10 >&2
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE app LOGIN PASSWORD 'app'" -c "CREATE DATABASE app_test OWNER app" >&2
  echo "export DATABASE_URL=postgres://app:app@127.0.0.1:$PGPORT/app_test?sslmode=disable"
}

stop() {
  local bin
  if bin=$(pgbin) && [ -d "$PGDATA" ]; then as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >&2 || true; fi
  rm -rf "$STATE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
