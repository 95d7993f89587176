#!/usr/bin/env bash
# Load benchmark (not a test) of POST /webhooks/meta: wrk with a Lua script that signs every body (HMAC-SHA256),
# against a release-built `metasync serve` on loopback with a fresh database (SQLite file by default). Prints
# requests/s, latency percentiles, the machine's load average, the CPU time of the server and of wrk, and checks that
# the events in the database equal the events sent (each request carries one unique change).
#
# Usage: scripts/bench-webhooks.sh [duration=10s] [connections=32] [threads=1]
#   One wrk thread by default: on a 2-core machine a second wrk thread takes CPU the server needs.
#   METASYNC_BIN=path        the binary to run (default .build/release/metasync, built with `swift build -c release` if missing)
#   PORT=n                   the port (default 18181)
#   BENCH_WORKER=off         serve with --no-webhook-worker (receive and queue only) to measure the endpoint alone
#   BENCH_DATABASE_URL=url   a postgres:// URL (e.g. from scripts/services.sh start): the run uses a fresh schema in it
#                            (dropped afterwards) instead of a SQLite file
#   BENCH_LOG_LEVEL=level    the server's log level (default warning)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-10s}
CONNECTIONS=${2:-32}
THREADS=${3:-1}
PORT=${PORT:-18181}
BIN=${METASYNC_BIN:-.build/release/metasync}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to count the stored events" >&2; exit 1; }
if [ ! -x "$BIN" ]; then
    echo "building $BIN (release)..." >&2
    swift build -c release --product metasync
fi

WORK=$(mktemp -d)
export METASYNC_APP_ID=1000000000000001
export METASYNC_APP_SECRET=bench-app-secret
export METASYNC_API_KEY=bench-api-key-0123456789abcdef
export METASYNC_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export BENCH_APP_SECRET=$METASYNC_APP_SECRET

SCHEMA=
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
    command -v psql >/dev/null || { echo "psql is needed with BENCH_DATABASE_URL" >&2; exit 1; }
    SCHEMA=bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
    PSQL_URL=${BENCH_DATABASE_URL%%\?*}
    psql "$PSQL_URL" -q -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $SCHEMA"
    case "$BENCH_DATABASE_URL" in *\?*) DATABASE="$BENCH_DATABASE_URL&search_path=$SCHEMA" ;; *) DATABASE="$BENCH_DATABASE_URL?search_path=$SCHEMA" ;; esac
    count() { psql "$PSQL_URL" -At -c "SET search_path TO $SCHEMA; $1" | tail -1; }
    BACKEND="PostgreSQL (schema $SCHEMA)"
else
    DATABASE="sqlite://$WORK/bench.sqlite"
    count() {
        python3 - "$WORK/bench.sqlite" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
print(db.execute(sys.argv[2]).fetchone()[0])
PY
    }
    BACKEND="SQLite file"
fi

EXTRA=()
if [ "${BENCH_WORKER:-on}" = off ]; then EXTRA+=(--no-webhook-worker); fi
"$BIN" serve "${EXTRA[@]}" --host 127.0.0.1 --port "$PORT" --database "$DATABASE" --log-level "${BENCH_LOG_LEVEL:-warning}" \
    --log-format text >"$WORK/serve.log" 2>&1 &
SERVER=$!
cleanup() {
    kill -TERM "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    if [ -n "$SCHEMA" ]; then psql "$PSQL_URL" -q -c "DROP SCHEMA $SCHEMA CASCADE" || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
    sleep 0.1
done
curl -fs "http://127.0.0.1:$PORT/health" >/dev/null || { echo "server did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICKS_BEFORE=$(cpu_ticks)
echo "machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share it)"
echo "database: $BACKEND; worker: ${BENCH_WORKER:-on}"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency against POST http://127.0.0.1:$PORT/webhooks/meta"
/usr/bin/time -f "%U %S" -o "$WORK/wrk.time" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/bench-webhooks.lua \
    "http://127.0.0.1:$PORT/webhooks/meta" | tee "$WORK/wrk.txt"
TICKS_AFTER=$(cpu_ticks)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Every 200 answer means its change was committed before the answer; let in-flight requests settle, then count.
sleep 1
LINE=$(grep '^BENCH ' "$WORK/wrk.txt")
SENT=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$LINE")
NON200=$(sed -E 's/.*non200=([0-9]+).*/\1/' <<<"$LINE")
GENERATED=$(sed -E 's/.*generated=([0-9]+).*/\1/' <<<"$LINE")
# The server's own count of deliveries it committed and answered (or was answering) 200.
ACCEPTED_BY_SERVER=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^metasync_webhook_requests_total\{result="accepted"\}/ { print int($2) }')
EVENTS=$(count "SELECT count(*) FROM webhook_events")
QUEUED=$(count "SELECT count(*) FROM work_queue WHERE queue = 'webhooks'")
DONE=$(count "SELECT count(*) FROM work_queue WHERE queue = 'webhooks' AND state = 'done'")
ACCEPTED=$((SENT - NON200))
echo "requests answered: $SENT (non-200: $NON200); requests sent: $GENERATED (wrk stops at the deadline without reading the answers still in flight)"
echo "events sent: $GENERATED; accepted by the server (metrics): $ACCEPTED_BY_SERVER; events in webhook_events: $EVENTS; queue items: $QUEUED (done by the worker: $DONE)"
HZ=$(getconf CLK_TCK)
CPU_SECONDS=$(awk -v t=$((TICKS_AFTER - TICKS_BEFORE)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
WRK_CPU=$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/wrk.time")
echo "server CPU during the run: ${CPU_SECONDS} s = $(awk -v c="$CPU_SECONDS" -v n="$SENT" 'BEGIN { printf "%.0f", c * 1e6 / n }') µs per request; wrk CPU: ${WRK_CPU} s"
if [ "$NON200" -eq 0 ] && [ "$EVENTS" -eq "$GENERATED" ] && [ "$QUEUED" -eq "$GENERATED" ]; then
    echo "lost: 0 (events stored = events sent = $GENERATED)"
elif [ "$EVENTS" -ge "$ACCEPTED" ] && [ "$EVENTS" -eq "$ACCEPTED_BY_SERVER" ] && [ "$QUEUED" -eq "$EVENTS" ]; then
    echo "lost: 0 (stored = accepted by the server = $EVENTS >= answered 200 to wrk = $ACCEPTED; $((GENERATED - EVENTS)) generated by wrk at the deadline were not accepted: wrk closed their connections)"
else
    echo "LOST: $((ACCEPTED - EVENTS)) events answered 200 but not stored"
    exit 1
fi
