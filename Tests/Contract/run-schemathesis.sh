#!/bin/sh
# Contract test: validates openapi.yaml (openapi-spec-validator), then runs schemathesis
# against a live gateway on the embedded broker (a free port), with a bounded example count.
# Exit status 0 only when the spec is valid and schemathesis reports zero failures.
# Every check runs (--checks all), positive_data_acceptance included: a request valid by
# openapi.yaml must not be refused. Two things JSON Schema cannot state are given to
# schemathesis beside the document: constraints between parameters (schemathesis_hooks.py,
# as the document's descriptions state them) and HQL's grammar (schemathesis.toml counts
# a 400 as acceptable for the two HQL operations only). Authentication is on, as in any
# deployment: the gateway gets one admin token, which every request carries (SCHEMATHESIS_TOKEN).
#
#   Tests/Contract/run-schemathesis.sh            # uses .build/debug (builds it if absent)
#   GATEWAY_BIN=.build/release/hypertable-gateway MAX_EXAMPLES=50 Tests/Contract/run-schemathesis.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv="$root/.build-contract/venv"
max_examples=${MAX_EXAMPLES:-25}
seed=${SCHEMATHESIS_SEED:-20240601}
token=${SCHEMATHESIS_TOKEN:-contract-token-0123456789abcdef}

if [ ! -x "$venv/bin/st" ] || [ ! -x "$venv/bin/openapi-spec-validator" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"
fi
"$venv/bin/openapi-spec-validator" openapi.yaml

bin=${GATEWAY_BIN:-"$root/.build/debug/hypertable-gateway"}
if [ ! -x "$bin" ]; then swift build --product hypertable-gateway; fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
log="$root/.build-contract/gateway.log"
GATEWAY_ACCESS_LOG=off GATEWAY_TOKENS="$token admin" "$bin" --embedded --listen "127.0.0.1:$port" 2>"$log" &
gateway=$!
trap 'kill "$gateway" 2>/dev/null; wait "$gateway" 2>/dev/null || true' EXIT INT TERM

i=0
until curl -fs "$base/health/live" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "gateway did not start; log:" >&2; cat "$log" >&2; exit 1; fi
    sleep 0.1
done

# Authentication is on: without the token even a listing is refused.
test "$(curl -s -o /dev/null -w '%{http_code}' "$base/ns")" = 401

# Some real data, so that generated requests also meet existing resources.
auth="Authorization: Bearer $token"
curl -fs -X PUT "$base/ns/test" -H "$auth" >/dev/null
curl -fs -X PUT "$base/ns/test/tables/t" -H "$auth" -H 'Content-Type: application/json' \
    -d '{"column_families": ["a", "b"]}' >/dev/null
curl -fs -X POST "$base/ns/test/tables/t/cells" -H "$auth" -H 'Content-Type: application/json' \
    -d '[{"row": "r1", "column_family": "a", "value": "v1"}, {"row": "r2", "column_family": "b", "column_qualifier": "q", "value": "v2"}]' >/dev/null

PYTHONPATH="$root/Tests/Contract${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
"$venv/bin/st" --config-file "$root/Tests/Contract/schemathesis.toml" run openapi.yaml --url "$base" \
    --max-examples "$max_examples" --seed "$seed" --generation-deterministic \
    --header "$auth" \
    --checks all \
    --workers 1 --request-timeout 10 --no-color \
    --report junit --report-dir "$root/.build-contract/report" \
    "$@"
