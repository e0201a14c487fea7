#!/usr/bin/env bash
# Soak (not a test): a mixed workload against the gateway (broker: the emulator in its own
# process, so the gateway's memory holds no cell data) for
# SECONDS (default 60) with wrk, after a warm-up of the same length/4; prints the gateway's
# RSS, open file descriptors and threads after the warm-up and at the end, the broker's open
# scanners, and the status mix. Flat numbers mean nothing leaks under load.
#
#   Tests/Benchmarks/soak.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
# GATEWAY_BIN names a prebuilt binary (to compare two builds); else the release build here.
if [ -n "${GATEWAY_BIN:-}" ]; then bin=$GATEWAY_BIN; else
  (cd "$root" && swift build -c release --product hypertable-gateway >&2)
  bin="$(cd "$root" && swift build -c release --show-bin-path)/hypertable-gateway"
fi
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); broker=$(free_port)
"$bin" emulator --port "$broker" 2>"$work/emulator.log" &
emulator=$!
sleep 0.3
GATEWAY_ACCESS_LOG=off HYPERTABLE_POOL_SIZE=8 GATEWAY_WORKERS=16 "$bin" --listen "127.0.0.1:$port" \
  --broker-host 127.0.0.1 --broker-port "$broker" 2>"$work/gateway.log" &
gateway=$!
trap 'kill $gateway $emulator 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.05; done
curl -fs -X PUT "$base/ns/soak" >/dev/null
curl -fs -X PUT "$base/ns/soak/tables/t" -H 'Content-Type: application/json' -d '{"column_families": ["a"]}' >/dev/null
python3 -c '
import json
print("\n".join(json.dumps({"row": "r%05d" % i, "column_family": "a", "value": "v" * 200}) for i in range(5000)))' \
  | curl -fs -T - -X POST -H 'Content-Type: application/x-ndjson' "$base/ns/soak/tables/t/cells" >/dev/null

cat > "$work/mix.lua" <<'LUA'
local requests = {
  {"POST", "/ns/soak/query", "SELECT * FROM t WHERE ROW = 'r00042'", "text/plain"},
  {"GET", "/ns/soak/tables/t/cells?row_prefix=r001&cell_limit=50", nil, "application/x-ndjson"},
  {"GET", "/ns/soak/tables/t/cells?start_row=r00100&end_row=r00400", nil, "application/json"},
  {"POST", "/ns/soak/query", "SELEKT nonsense", "text/plain"},
  {"POST", "/ns/soak/query", "SELECT * FROM missing", "text/plain"},
  {"POST", "/ns/soak/tables/t/cells", '{"row":"w","column_family":"a","value":"x"}\n', "application/x-ndjson"},
  {"GET", "/ns/soak/tables/t/rows/r00007", nil, "application/json"},
  {"GET", "/health/ready", nil, "application/json"},
}
local i = 0
request = function()
  i = i + 1
  local r = requests[(i % #requests) + 1]
  local headers = {["Accept"] = r[4], ["Content-Type"] = r[4]}
  return wrk.format(r[1], r[2], headers, r[3])
end
local statuses = {}
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
done = function() end
LUA

snapshot() {
  printf '%-10s RSS %6.1f MiB  fds %4d  threads %3d\n' "$1" \
    "$(awk '/VmRSS/ {print $2/1024}' /proc/$gateway/status)" \
    "$(ls /proc/$gateway/fd | wc -l)" "$(awk '/Threads/ {print $2}' /proc/$gateway/status)"
}
wrk -t2 -c32 -d"$(( seconds / 4 ))s" -s "$work/mix.lua" "$base" >/dev/null
sleep 1; snapshot "warm"
wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/mix.lua" "$base" > "$work/wrk.txt"
sleep 1; snapshot "end"
grep -E "Requests/sec|99%|Socket errors|Non-2xx" "$work/wrk.txt" | sed 's/^ */  /'
curl -fs "$base/metrics" | grep -E '^gateway_requests_total' | awk '{split($1,a,"status=\""); split(a[2],b,"\""); s[b[1]]+=$2} END {for (k in s) printf "  status %s: %d\n", k, s[k]}' | sort
curl -fs "$base/metrics" | grep -E '^gateway_open_scanners|^gateway_pool_connections'
