#!/usr/bin/env bash
# Runs the whole test suite: installs and starts a throwaway PostgreSQL and Redis when DATABASE_URL and
# REDIS_URL are not both set, runs `swift test` (extra arguments are passed on), and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  scripts/services.sh install
  eval "$(scripts/services.sh start)"
  trap 'scripts/services.sh stop' EXIT
fi
export DATABASE_URL REDIS_URL
# Tests that need PostgreSQL or Redis fail instead of skipping when this is set.
export METASYNC_REQUIRE_SERVICES=1 METASYNC_REQUIRE_POSTGRES=1

swift test "$@"
