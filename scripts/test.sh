#!/usr/bin/env bash
# Runs the whole test suite: installs and starts a throwaway PostgreSQL when DATABASE_URL is not set,
# runs `swift test` (extra arguments are passed on), and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/services.sh install
  eval "$(scripts/services.sh start)"
  trap 'scripts/services.sh stop' EXIT
fi
export DATABASE_URL
# Tests that need PostgreSQL refuse to skip when this is set.
export METASYNC_REQUIRE_POSTGRES=1

swift test "$@"
