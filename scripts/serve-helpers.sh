#!/usr/bin/env bash
# Sourced by the scripts that test a MetaSync process they start (api-conformance.sh, browser-test.sh,
# sdk-conformance.sh), like scripts/python-venv.sh:
#   scratch_dir                   sets WORK to a new temporary folder; on exit (and on INT/TERM, exit 130) the
#                                 background process started by start_background is stopped and WORK is removed
#   free_port                     prints a free loopback TCP port
#   start_background LOG CMD...   runs CMD in the background with its output in LOG; sets SERVER_PID
#   wait_until_ready TARGET [SECONDS]
#                                 waits (default 30 s) until TARGET answers: a URL must answer 200 (e.g. /health), a
#                                 bare port must accept a TCP connection. Fails at once when the process has exited;
#                                 on failure prints the process's log to stderr and returns 1 (the caller says what
#                                 failed in its own summary line)
WORK=""
SERVER_PID=""
SERVER_LOG=""

_serve_helpers_cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
}

scratch_dir() {
  WORK=$(mktemp -d)
  trap _serve_helpers_cleanup EXIT
  trap 'exit 130' INT TERM
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_background() {
  SERVER_LOG=$1
  shift
  "$@" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
}

wait_until_ready() {
  local target=$1 seconds=${2:-30} probe
  if [[ "$target" == http* ]]; then
    probe="import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('$target', timeout=1).status == 200 else 1)"
  else
    probe="import socket, sys; s = socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1', $target)))"
  fi
  local deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if python3 -c "$probe" 2>/dev/null; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "the process did not become ready at $target:" >&2
  cat "$SERVER_LOG" >&2
  return 1
}
