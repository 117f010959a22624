#!/usr/bin/env bash
# Run toot 0.52.1's live integration suite (from its PyPI sdist) against a fresh Gazouille
# server on http://localhost:3000 (the URL the suite expects).
#
#   scripts/toot-suite.sh [extra pytest args]
#
# Everything downloaded or generated goes under build/ (gitignored). The exit status is
# pytest's. The server log is kept at build/toot-suite/server.log.
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

# The suite's own requirements.
"$PY" -c 'import pytest, PIL, yaml' 2>/dev/null || "$PY" -m pip install -q pytest pillow pyyaml

if [ ! -d "$SUITE/tests/integration" ]; then
    mkdir -p "$CLIENTS"
    "$PY" -m pip download -q --no-binary :all: --no-deps "toot==$TOOT_VERSION" -d "$CLIENTS"
    tar xzf "$CLIENTS/toot-$TOOT_VERSION.tar.gz" -C "$CLIENTS"
fi

rm -rf "$WORK"
mkdir -p "$WORK/data"
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
}
trap stop_server EXIT

env -u GAZOUILLE_DATABASE_URL -u GAZOUILLE_REDIS_URL \
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
exit "$status"
