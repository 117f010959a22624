#!/usr/bin/env bash
# Run toot 0.52.1's live integration suite (from its PyPI sdist) against a fresh Gazouille
# server on http://localhost:3000 (the URL the suite expects).
#
#   scripts/toot-suite.sh [extra pytest args]
#
# SQLite by default; with GAZOUILLE_TEST_DATABASE_URL set (a PostgreSQL URL), the server gets a
# fresh database on that PostgreSQL server (dropped afterwards) and GAZOUILLE_TEST_REDIS_URL as
# its Redis. Everything downloaded or generated goes under build/ (gitignored). The run passes
# when every failing test is listed, with its reason, in tests/toot-expected-failures.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
TOOT_VERSION=0.52.1
PORT=3000
BASE_URL="http://localhost:$PORT"
CLIENTS="$ROOT/build/clients"
SUITE="$CLIENTS/toot-$TOOT_VERSION"
WORK="$ROOT/build/toot-suite"

if "$PY" - "$PORT" <<'EOF'; then
import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
EOF
    echo "error: port $PORT is already in use; stop whatever listens there first." >&2
    exit 1
fi

# The suite's own requirements (pytest, pillow, pyyaml) are dev dependencies of the project.
"$PY" -c 'import pytest, PIL, yaml'

if [ ! -d "$SUITE/tests/integration" ]; then
    mkdir -p "$CLIENTS"
    "$PY" -m pip download -q --no-binary :all: --no-deps "toot==$TOOT_VERSION" -d "$CLIENTS"
    tar xzf "$CLIENTS/toot-$TOOT_VERSION.tar.gz" -C "$CLIENTS"
fi

rm -rf "$WORK"
mkdir -p "$WORK/data"
SERVER_PID=""
DB_NAME=""
DB_ENV=()
PG_URL="${GAZOUILLE_TEST_DATABASE_URL:-}"
if [ -n "$PG_URL" ]; then
    DB_NAME="gazouille_toot_$$"
    psql "$PG_URL" -q -c "CREATE DATABASE \"$DB_NAME\""
    DB_ENV=(GAZOUILLE_DATABASE_URL="${PG_URL%/*}/$DB_NAME")
    [ -n "${GAZOUILLE_TEST_REDIS_URL:-}" ] && DB_ENV+=(GAZOUILLE_REDIS_URL="$GAZOUILLE_TEST_REDIS_URL")
fi
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -n "$DB_NAME" ]; then
        psql "$PG_URL" -q -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" || true
        DB_NAME=""
    fi
}
trap stop_server EXIT

env -u GAZOUILLE_DATABASE_URL -u GAZOUILLE_REDIS_URL "${DB_ENV[@]}" \
    GAZOUILLE_PUBLIC_URL="$BASE_URL" \
    GAZOUILLE_DATA_DIR="$WORK/data" \
    GAZOUILLE_PASSWORD_GRANT=true \
    GAZOUILLE_SECRET_KEY=toot-suite \
    GAZOUILLE_HOST=127.0.0.1 \
    "$VENV/bin/gazouille" serve --migrate --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 150); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: the server exited; its log:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    if curl -fsS --noproxy '*' -o /dev/null "$BASE_URL/health" 2>/dev/null; then break; fi
    sleep 0.2
done
curl -fsS --noproxy '*' -o /dev/null "$BASE_URL/health" || {
    echo "error: $BASE_URL/health did not answer within 30 s" >&2
    exit 1
}

status=0
(
    cd "$SUITE"
    env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u all_proxy \
        NO_PROXY=localhost,127.0.0.1 TOOT_TEST_BASE_URL="$BASE_URL" \
        timeout 900 "$PY" -m pytest -p no:cacheprovider -p no:asyncio tests/integration -q -rfE \
        --tb=line "$@"
) | tee "$WORK/pytest.log" || status=$?

stop_server
echo
echo "Summary: $(tail -n 1 "$WORK/pytest.log")"
echo "Full output: $WORK/pytest.log; server log: $WORK/server.log"
if grep -qE "Traceback|ERROR gazouille|500 Internal" "$WORK/server.log"; then
    echo "error: the server logged errors during the suite:" >&2
    grep -nE -A3 "Traceback|ERROR gazouille|500 Internal" "$WORK/server.log" | head -40 >&2
    exit 1
fi
# Every failure must be expected (listed with its reason); the list stays short.
EXPECTED="$ROOT/tests/toot-expected-failures.txt"
failures=$(grep -oE "^(FAILED|ERROR) [^ ]+" "$WORK/pytest.log" | awk '{print $2}' | sed 's/^tests\/integration\///' || true)
unexpected=""
for test in $failures; do
    grep -qF "$test" "$EXPECTED" || unexpected="$unexpected $test"
done
if [ -n "$unexpected" ]; then
    echo "error: unexpected failures (not in tests/toot-expected-failures.txt):" >&2
    echo "$unexpected" | tr ' ' '\n' >&2
    exit 1
fi
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "error: pytest exited with $status" >&2
    exit "$status"
fi
echo "toot suite: no unexpected failure."
