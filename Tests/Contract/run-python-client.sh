#!/bin/sh
# Generates a Python client from openapi.yaml with openapi-python-client (PyPI), imports it and
# calls the gateway's operations through it (python_client_check.py) against a gateway on the
# embedded broker. Fails when generation fails, when the generator drops or misreads a schema
# member the check uses, or when a call does not parse into the declared model.
#
#   Tests/Contract/run-python-client.sh         # uses .build/debug (builds it if absent)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv="$root/.build-contract/pyclient-venv"
if [ ! -x "$venv/bin/openapi-python-client" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "openapi-python-client==0.29.1"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pyclient.XXXXXX")
bin=${GATEWAY_BIN:-"$root/.build/debug/hypertable-gateway"}
if [ ! -x "$bin" ]; then swift build --product hypertable-gateway; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GATEWAY_ACCESS_LOG=off "$bin" --embedded --listen "127.0.0.1:$port" 2>"$work/gateway.log" &
gateway=$!
trap 'kill "$gateway" 2>/dev/null; wait "$gateway" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

# Generated from the file as committed; the generator's warnings (content types it cannot
# model, such as text/plain bodies that have a JSON alternative) are printed, not fatal.
(cd "$work" && "$venv/bin/openapi-python-client" generate --path "$root/openapi.yaml" --meta none \
    --output-path gateway_client) | grep -v -e '^$' -e 'ruff' || true
[ -f "$work/gateway_client/client.py" ] || { echo "openapi-python-client generated nothing" >&2; exit 1; }

i=0
until curl -fs "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -le 100 ] || { cat "$work/gateway.log" >&2; exit 1; }; sleep 0.1
done
PYTHONPATH="$work" "$venv/bin/python" "$root/Tests/Contract/python_client_check.py" "http://127.0.0.1:$port"
