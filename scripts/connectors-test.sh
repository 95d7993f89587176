#!/usr/bin/env bash
# Compatibility check: runs two real third-party connectors from PyPI — Airbyte's source-facebook-marketing and
# singer's tap-facebook — against `metasync sandbox`, and checks that each reads every record the sandbox holds
# (campaigns, ad sets, ads, ad creatives, ads_insights and the age/gender and country insights streams) with no error.
# Builds metasync if needed, installs each connector into its own venv under .build/ (their pins conflict), starts the
# sandbox on a free loopback port with a fixed token and a frozen clock, runs scripts/connectors_test.py, and always
# stops the sandbox it started. Prints "N passed, M failed" last and exits non-zero on any failure.
#   AIRBYTE_VERSION, TAP_VERSION   connector versions (6.1.9, 1.26.0)
#   PENDING_STREAMS                streams reported as pending instead of run (comma list, default empty)
set -euo pipefail
cd "$(dirname "$0")/.."

AIRBYTE_VERSION=${AIRBYTE_VERSION:-6.1.9}
TAP_VERSION=${TAP_VERSION:-1.26.0}
AIRBYTE_VENV=.build/connectors-venv/airbyte
TAP_VENV=.build/connectors-venv/tap
BIN=.build/debug/metasync
TOKEN=connectors-test-token
SEED=42

echo "building metasync (no-op when up to date)" >&2
swift build --product metasync >&2

# Airbyte's connector requires Python >=3.10,<3.14: take the first interpreter on PATH in that range.
PYTHON=
for candidate in python3 python3.13 python3.12 python3.11 python3.10; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] < (3, 14)))'; then
    PYTHON=$candidate
    break
  fi
done
if [ -z "$PYTHON" ]; then
  echo "connectors-test needs Python 3.10-3.13 (Airbyte's source-facebook-marketing requires it); install one, e.g. apt-get install python3.12-venv" >&2
  echo "0 passed, 1 failed (no suitable Python)"
  exit 1
fi

# shellcheck source=scripts/python-venv.sh
source scripts/python-venv.sh
# install VENV PACKAGE==VERSION EXECUTABLE: a venv per connector, reused while it holds that version.
install() {
  local venv=$1 requirement=$2 executable=$3
  if [ -x "$venv/bin/$executable" ] && [ "$(cat "$venv/.requirement" 2>/dev/null)" = "$requirement" ]; then return; fi
  echo "installing $requirement into $venv" >&2
  python_venv "$PYTHON" "$venv" "$requirement"
  echo "$requirement" >"$venv/.requirement"
}
install "$AIRBYTE_VENV" "airbyte-source-facebook-marketing==$AIRBYTE_VERSION" source-facebook-marketing
install "$TAP_VENV" "tap-facebook==$TAP_VERSION" tap-facebook

# The sandbox's "today" is yesterday (UTC) and frozen: both connectors read up to their own today, so every day with
# data lies inside their range whatever the hour, and repeated reads give identical rows. With --days 7, objects were
# created up to 90 days before the reference date, so the connectors start 100 days back (Airbyte also filters objects
# by updated_time from its start date). The world is small on purpose: Airbyte spends about 15 ms of CPU per record,
# and the age/gender stream has 18 rows per ad and day.
DAYS=7
REFERENCE=$(date -u -d yesterday +%F)
START=$(date -u -d "$REFERENCE - $(( DAYS + 93 )) days" +%F)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
WORK=$(mktemp -d)
"$BIN" sandbox --port "$PORT" --seed "$SEED" --accounts 1 --campaigns 4 --adsets-per-campaign 2 --ads-per-adset 2 --days "$DAYS" \
  --reference-date "$REFERENCE" --freeze-clock --access-token "$TOKEN" --async-polls 1 --no-rate-limits \
  >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
cleanup() {
  kill "$SANDBOX_PID" 2>/dev/null || true
  wait "$SANDBOX_PID" 2>/dev/null || true
  if [ -n "${KEEP_WORK:-}" ]; then echo "outputs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)))" 2>/dev/null; then break; fi
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then cat "$WORK/sandbox.log" >&2; echo "0 passed, 1 failed (sandbox did not start)"; exit 1; fi
  sleep 0.1
done
ACCOUNT=$(grep -Eo 'act_[0-9]+' "$WORK/sandbox.log" | head -1)

SANDBOX_URL="http://127.0.0.1:$PORT" SANDBOX_TOKEN="$TOKEN" SANDBOX_ACCOUNT="${ACCOUNT#act_}" START_DATE="$START" \
  AIRBYTE_BIN="$PWD/$AIRBYTE_VENV/bin/source-facebook-marketing" TAP_BIN="$PWD/$TAP_VENV/bin/tap-facebook" \
  SHIM_DIR="$PWD/scripts/connectors" WORK_DIR="$WORK" PENDING_STREAMS="${PENDING_STREAMS:-}" \
  python3 scripts/connectors_test.py
