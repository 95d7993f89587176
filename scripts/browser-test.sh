#!/usr/bin/env bash
# Browser test of the dashboard: headless Chromium (Debian package `chromium`) against a running `metasync serve`.
#   1. installs chromium with apt when it is missing (CI runs as root on a fresh Debian machine);
#   2. builds metasync (no-op when up to date; set METASYNC_BIN to use a binary you built yourself);
#   3. syncs the offline Graph sandbox into a temporary SQLite database (`metasync sync --sandbox`, seed 42);
#   4. starts `metasync serve` on a free loopback port with a random API key;
#   5. scripts/browser_test.py logs in through the form, loads the overview and an account performance page, saves
#      screenshots to artifacts/screenshots/ (override with SCREENSHOT_DIR) and checks the DOM against the database.
# Always stops the server it started. Prints "browser test: N passed, M failed" last; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

SHOTS=${SCREENSHOT_DIR:-artifacts/screenshots}

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
CHROMIUM=$(command -v chromium)

if [ -z "${METASYNC_BIN:-}" ]; then
  echo "building metasync (no-op when up to date)" >&2
  swift build --product metasync >&2
fi
BIN=${METASYNC_BIN:-.build/debug/metasync}

# shellcheck source=scripts/serve-helpers.sh
source scripts/serve-helpers.sh
scratch_dir

METASYNC_ENCRYPTION_KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
API_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
export METASYNC_ENCRYPTION_KEY
DB="$WORK/metasync.sqlite"

start=$(date +%s)
echo "syncing the sandbox into $DB" >&2
"$BIN" sync --sandbox --seed 42 --sandbox-accounts 2 --sandbox-campaigns 12 --sandbox-days 40 \
  --database "sqlite://$DB" --log-level warning --log-format text >"$WORK/sync.log" 2>&1 || {
  cat "$WORK/sync.log" >&2
  exit 1
}

# Breakdown reports for the first account (3 days keep the debug build quick): the Audience view's data.
FIRST_ACCOUNT=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM ad_accounts ORDER BY id LIMIT 1").fetchone()[0])' "$DB")
echo "syncing breakdown reports of $FIRST_ACCOUNT" >&2
"$BIN" sync-performance --sandbox --seed 42 --sandbox-accounts 2 --sandbox-campaigns 12 --sandbox-days 40 \
  --account "$FIRST_ACCOUNT" --levels ad --days 3 --reports age_gender,country,device,monthly_reach \
  --database "sqlite://$DB" --log-level warning --log-format text >>"$WORK/sync.log" 2>&1 || {
  cat "$WORK/sync.log" >&2
  exit 1
}

PORT=$(free_port)
METASYNC_API_KEY="$API_KEY" start_background "$WORK/serve.log" "$BIN" serve --database "sqlite://$DB" --host 127.0.0.1 \
  --port "$PORT" --log-level warning --log-format text
wait_until_ready "http://127.0.0.1:$PORT/health" || { echo "browser test: 0 passed, 1 failed"; exit 1; }

status=0
python3 scripts/browser_test.py "http://127.0.0.1:$PORT" "$API_KEY" "$DB" "$SHOTS" "$CHROMIUM" || status=$?
if [ "$status" != 0 ]; then
  echo "--- metasync serve log" >&2
  tail -n 50 "$WORK/serve.log" >&2
fi
echo "browser test took $(( $(date +%s) - start ))s after the build" >&2
exit "$status"
