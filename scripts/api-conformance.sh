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

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$WORK"
echo "syncing the sandbox into $WORK/metasync.sqlite" >&2
"$BIN" sync --sandbox --sandbox-campaigns 4 --sandbox-adsets-per-campaign 2 --sandbox-ads-per-adset 2 --sandbox-days 14 \
  --reports age_gender >sync.log 2>&1 || { cat sync.log >&2; echo "0 passed, 1 failed (sandbox sync failed)"; exit 1; }

PORT=$("$ROOT/$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
METASYNC_API_KEY=$API_KEY METASYNC_APP_ID=$APP_ID METASYNC_APP_SECRET=$APP_SECRET METASYNC_WEBHOOK_VERIFY_TOKEN=api-conformance \
  "$BIN" serve --host 127.0.0.1 --port "$PORT" >serve.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat serve.log >&2; echo "0 passed, 1 failed (serve did not start)"; exit 1; fi
  sleep 0.1
done

API_URL="http://127.0.0.1:$PORT" API_KEY=$API_KEY SECRETS="$APP_SECRET,EAASandbox" \
  "$ROOT/$VENV/bin/python" "$ROOT/scripts/api_conformance.py"
