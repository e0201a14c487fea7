#!/usr/bin/env bash
# Hostile clients against a release build with tokens (loopback only): unauthenticated 8 MiB
# bodies, Expect: 100-continue without a token, a slow body, refused uploads beside a normal
# client, 4,150 slow connections from one address, running out of descriptors. Prints each
# check's numbers and OK/FAIL. usage: Tests/Hostile/hostile-clients.sh [GATEWAY_BINARY]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${1:-}" ]; then bin=$1; else
  (cd "$repo" && swift build -c release --product hypertable-gateway >/dev/null)
  bin="$(cd "$repo" && swift build -c release --show-bin-path)/hypertable-gateway"
fi
exec python3 "$repo/Tests/Hostile/hostile-clients.py" "$bin"
