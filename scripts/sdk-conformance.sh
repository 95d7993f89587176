#!/usr/bin/env bash
# Fidelity check: runs Meta's official Python Business SDK (PyPI facebook-business) against `metasync sandbox`.
# Builds metasync if needed, starts the sandbox on a free loopback port with a fixed token, installs the SDK into
# .build/sdk-venv, runs scripts/sdk-conformance.py, and always stops the sandbox it started.
# Prints "N passed, M failed" last and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

SDK_VERSION=${SDK_VERSION:-26.0.3}
VENV=.build/sdk-venv
BIN=.build/debug/metasync
TOKEN=sdk-conformance-token
APP_ID=1234567890123456
APP_SECRET=sdk-conformance-secret

echo "building metasync (no-op when up to date)" >&2
swift build --product metasync >&2

# shellcheck source=scripts/python-venv.sh
source scripts/python-venv.sh
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import facebook_business" 2>/dev/null; then
  echo "installing facebook-business==$SDK_VERSION into $VENV" >&2
  python_venv python3 "$VENV" "facebook-business==$SDK_VERSION"
fi

# shellcheck source=scripts/serve-helpers.sh
source scripts/serve-helpers.sh
scratch_dir
PORT=$(free_port)
start_background "$WORK/sandbox.log" "$BIN" sandbox --port "$PORT" --seed 42 --accounts 1 --campaigns 23 --adsets-per-campaign 2 \
  --ads-per-adset 3 --days 14 --access-token "$TOKEN" --app-id "$APP_ID" --app-secret "$APP_SECRET" --require-appsecret-proof \
  --async-polls 3
wait_until_ready "$PORT" 10 || { echo "0 passed, 1 failed (sandbox did not start)"; exit 1; }

SANDBOX_URL="http://127.0.0.1:$PORT" SANDBOX_TOKEN="$TOKEN" SANDBOX_APP_ID="$APP_ID" SANDBOX_APP_SECRET="$APP_SECRET" \
  "$VENV/bin/python" scripts/sdk-conformance.py
