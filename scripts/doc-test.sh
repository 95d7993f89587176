#!/usr/bin/env bash
# Doc test: runs the MetaSync steps of docs/meta-app-setup.md against a throwaway `metasync sandbox`, so the guide's
# commands cannot rot.
#   - A block runs when the line before its ```sh fence is exactly `<!-- doc-test -->`; other blocks are prose.
#   - Blocks run in order, each in a fresh `bash -euo pipefail` in one temporary working directory (so the guide's
#     `sqlite://metasync.sqlite` is a throwaway database), with `metasync` on PATH and the variables exported by the
#     earlier blocks. The reader's own values come in as APP_ID, APP_SECRET, SYSTEM_USER_TOKEN and PUBLIC_URL; here
#     they are the sandbox's, and METASYNC_GRAPH_URL points at the sandbox instead of graph.facebook.com.
#   - A failing block stops the test and prints the block's text and its output.
#   - Everything started (the sandbox, and `metasync serve` from a block) is stopped at the end.
# METASYNC_BIN (default .build/debug/metasync, built when METASYNC_BIN is unset) picks the binary.
# Prints "doc test: N passed, 0 failed" last.
set -euo pipefail
if [ -n "${METASYNC_BIN:-}" ]; then METASYNC_BIN=$(realpath "$METASYNC_BIN"); fi   # relative to the caller's directory
cd "$(dirname "$0")/.."

DOC=docs/meta-app-setup.md
if [ -z "${METASYNC_BIN:-}" ]; then
  echo "building metasync (no-op when up to date)" >&2
  swift build --product metasync >&2
fi
BIN=$(realpath "${METASYNC_BIN:-.build/debug/metasync}")
[ -x "$BIN" ] || { echo "doc test: $BIN is not an executable (set METASYNC_BIN)" >&2; exit 1; }
if ! command -v curl >/dev/null 2>&1; then
  echo "installing Debian's curl (the guide's steps use it)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends curl ca-certificates >&2
fi

WORK=$(mktemp -d)
GROUPS_FILE="$WORK/process-groups"
: >"$GROUPS_FILE"
cleanup() {
  # Every process this script started runs in a process group of its own (setsid): stop exactly those groups.
  while read -r group; do
    kill -TERM -- "-$group" 2>/dev/null || true
  done <"$GROUPS_FILE"
  sleep 0.5
  while read -r group; do
    kill -KILL -- "-$group" 2>/dev/null || true
  done <"$GROUPS_FILE"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# The sandbox stands in for Meta: a non-expiring system-user token, the app id and secret below.
SANDBOX_PORT=$(free_port)
SERVE_PORT=$(free_port)
APP_ID=1234567890123456
APP_SECRET=doc-test-app-secret
TOKEN=doc-test-system-user-token
setsid "$BIN" sandbox --port "$SANDBOX_PORT" --access-token "$TOKEN" --app-id "$APP_ID" --app-secret "$APP_SECRET" \
  --campaigns 3 --adsets-per-campaign 2 --ads-per-adset 2 --days 14 >"$WORK/sandbox.log" 2>&1 &
echo $! >>"$GROUPS_FILE"
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$SANDBOX_PORT/__stats" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -fs "http://127.0.0.1:$SANDBOX_PORT/__stats" >/dev/null || { cat "$WORK/sandbox.log" >&2; echo "doc test: the sandbox did not start" >&2; exit 1; }

# Extract the marked blocks: block-1.sh, block-2.sh, … in document order.
mkdir "$WORK/blocks" "$WORK/run" "$WORK/bin"
awk -v dir="$WORK/blocks" -v doc="$DOC" '
  in_block && /^```/ { in_block = 0; close(file); next }
  in_block { print > file; next }
  marked && /^```sh[[:space:]]*$/ { n++; file = sprintf("%s/block-%d.sh", dir, n); printf "" > file; in_block = 1; marked = 0; next }
  marked { printf "%s line %d: <!-- doc-test --> must be followed by a ```sh fence\n", doc, NR > "/dev/stderr"; exit 2 }
  /^<!-- doc-test -->[[:space:]]*$/ { marked = 1; next }
  END { if (in_block) { printf "%s: unterminated doc-test block\n", doc > "/dev/stderr"; exit 2 } }
' "$DOC"
BLOCKS=$(find "$WORK/blocks" -name 'block-*.sh' | wc -l)
[ "$BLOCKS" -gt 0 ] || { echo "doc test: no <!-- doc-test --> blocks in $DOC" >&2; exit 1; }

ln -s "$BIN" "$WORK/bin/metasync"
STATE="$WORK/state.sh"
{
  printf 'export PATH=%q\n' "$WORK/bin:$PATH"
  printf 'export APP_ID=%q APP_SECRET=%q SYSTEM_USER_TOKEN=%q\n' "$APP_ID" "$APP_SECRET" "$TOKEN"
  printf 'export PUBLIC_URL=%q\n' "http://127.0.0.1:$SERVE_PORT"
  printf 'export METASYNC_GRAPH_URL=%q METASYNC_PORT=%q\n' "http://127.0.0.1:$SANDBOX_PORT" "$SERVE_PORT"
  printf 'export METASYNC_LOG_LEVEL=warning\n'
} >"$STATE"
# Keep the runner's own environment out of the blocks: only what the state file and the blocks export counts.
unset "${!METASYNC_@}"

passed=0
for i in $(seq 1 "$BLOCKS"); do
  block="$WORK/blocks/block-$i.sh"
  echo "== doc-test block $i/$BLOCKS: $(grep -v '^[[:space:]]*#' "$block" | grep -m1 -v '^[[:space:]]*$')"
  set +e
  (
    cd "$WORK/run"
    setsid bash -euo pipefail -c 'source "$1"; source "$2"; export -p >"$1.next"' doc-test "$STATE" "$block" \
      >"$WORK/out" 2>&1 &
    echo $! >>"$GROUPS_FILE"
    wait $!
  )
  status=$?
  set -e
  if [ "$status" -ne 0 ] || [ ! -s "$STATE.next" ]; then
    echo "doc test: block $i of $DOC failed (exit $status):" >&2
    sed 's/^/    /' "$block" >&2
    echo "  its output:" >&2
    sed 's/^/    /' "$WORK/out" >&2
    echo "doc test: $passed passed, 1 failed"
    exit 1
  fi
  sed 's/^/    /' "$WORK/out"
  mv "$STATE.next" "$STATE"
  passed=$((passed + 1))
done
echo "doc test: $passed passed, 0 failed"
