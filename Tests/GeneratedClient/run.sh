#!/bin/sh
# Builds the Swift client that swift-openapi-generator makes from openapi.yaml (this package
# links the file, unedited) and runs it against a gateway started with --embedded on port 0:
# every operation is called and its answer parsed into the generated types.
#
#   Tests/GeneratedClient/run.sh        # uses .build/debug/hypertable-gateway (builds it if absent)
#
# The first build compiles the generator and its dependencies: about 8 minutes on two busy
# cores, under a minute once .build exists.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${GATEWAY_BIN:-"$root/.build/debug/hypertable-gateway"}
if [ ! -x "$bin" ]; then (cd "$root" && swift build --product hypertable-gateway); fi

start=$(date +%s)
(cd "$here" && swift build --product GatewayClientCheck)
echo "generated Swift client built in $(( $(date +%s) - start )) s"
check="$(cd "$here" && swift build --show-bin-path)/GatewayClientCheck"

log=$(mktemp "${TMPDIR:-/tmp}/generated-client.XXXXXX")
GATEWAY_ACCESS_LOG=off "$bin" --embedded --listen 127.0.0.1:0 2>"$log" &
gateway=$!
trap 'kill "$gateway" 2>/dev/null; wait "$gateway" 2>/dev/null || true; rm -f "$log"' EXIT INT TERM

# Port 0: the gateway picks one and says which in its "listening" log line.
address=""
i=0
while [ -z "$address" ]; do
    address=$(sed -n 's/.*"msg":"listening".*"address":"\([^"]*\)".*/\1/p' "$log")
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "the gateway did not start; log:" >&2; cat "$log" >&2; exit 1; fi
    [ -n "$address" ] || sleep 0.1
done
"$check" "http://$address"
