#!/usr/bin/env bash
# The JSON API against its OpenAPI document: syncs the embedded sandbox (and a breakdown report) into a throwaway
# SQLite database, runs `metasync serve` on a free loopback port over it, installs openapi-spec-validator into
# .build/api-venv, and runs scripts/api_conformance.py (every documented operation called; statuses and bodies checked
# against the document; bad input answers a documented 4xx with the error shape; no secret in any answer). Always stops
# the server it started. Prints "N passed, M failed" last and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

VALIDATOR_VERSION=${VALIDATOR_VERSION:-0.9.0}
VENV=.build/api-venv
BIN=$ROOT/.build/debug/metasync
API_KEY=api-conformance-key-0123456789abcdef
APP_ID=1234567890123456
APP_SECRET=api-conformance-app-secret

echo "building metasync (no-op when up to date)" >&2
swift build --product metasync >&2

# shellcheck source=scripts/python-venv.sh
source scripts/python-venv.sh
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import openapi_spec_validator, yaml" 2>/dev/null; then
  echo "installing openapi-spec-validator==$VALIDATOR_VERSION into $VENV" >&2
  python_venv python3 "$VENV" "openapi-spec-validator==$VALIDATOR_VERSION"
fi

# shellcheck source=scripts/serve-helpers.sh
source scripts/serve-helpers.sh
scratch_dir
cd "$WORK"
echo "syncing the sandbox into $WORK/metasync.sqlite" >&2
"$BIN" sync --sandbox --sandbox-campaigns 4 --sandbox-adsets-per-campaign 2 --sandbox-ads-per-adset 2 --sandbox-days 14 \
  --reports age_gender >sync.log 2>&1 || { cat sync.log >&2; echo "0 passed, 1 failed (sandbox sync failed)"; exit 1; }

PORT=$(free_port)
METASYNC_API_KEY=$API_KEY METASYNC_APP_ID=$APP_ID METASYNC_APP_SECRET=$APP_SECRET METASYNC_WEBHOOK_VERIFY_TOKEN=api-conformance \
  start_background serve.log "$BIN" serve --host 127.0.0.1 --port "$PORT"
wait_until_ready "http://127.0.0.1:$PORT/health" || { echo "0 passed, 1 failed (serve did not start)"; exit 1; }

API_URL="http://127.0.0.1:$PORT" API_KEY=$API_KEY SECRETS="$APP_SECRET,EAASandbox" \
  "$ROOT/$VENV/bin/python" "$ROOT/scripts/api_conformance.py"
