#!/bin/sh
# Benchmark (not a test): streams a scan of N cells (default 1,000,000) as NDJSON through the
# gateway and prints the gateway's peak RSS (VmHWM), throughput and time to first byte.
#
# The broker runs in its own process (`hypertable-gateway emulator`) so that the gateway's RSS
# holds no table data. Cells are loaded through the gateway's own write route
# (POST .../cells, NDJSON, in bodies under the 8 MiB limit); then the gateway is restarted so
# that its VmHWM measures the scan alone. Target: peak RSS under 64 MiB.
#
#   Tests/Benchmarks/scan-benchmark.sh              # 1,000,000 cells, release build
#   CELLS=100000 Tests/Benchmarks/scan-benchmark.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cells=${CELLS:-1000000}
batch=${BATCH:-50000}
bin=${GATEWAY_BIN:-"$root/.build/release/hypertable-gateway"}
if [ -z "${GATEWAY_BIN:-}" ]; then swift build -c release --product hypertable-gateway >&2; fi
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { i=0; until curl -fs "$1" >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 200 ] && { echo "no answer from $1" >&2; exit 1; }; sleep 0.05; done; }

thrift_port=$(free_port)
"$bin" emulator --port "$thrift_port" 2>"$work/emulator.log" &
emulator=$!
gateway=""
cleanup() { [ -n "$gateway" ] && kill "$gateway" 2>/dev/null; kill "$emulator" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

start_gateway() {
    http_port=$(free_port)
    GATEWAY_ACCESS_LOG=off "$bin" --listen "127.0.0.1:$http_port" --broker-host 127.0.0.1 \
        --broker-port "$thrift_port" 2>>"$work/gateway.log" &
    gateway=$!
    base="http://127.0.0.1:$http_port"
    wait_http "$base/health/ready"
}
start_gateway

curl -fs -X PUT "$base/ns/bench" >/dev/null
curl -fs -X PUT "$base/ns/bench/tables/t" -H 'Content-Type: application/json' \
    -d '{"column_families": ["cf"]}' >/dev/null

echo "loading $cells cells through POST /ns/bench/tables/t/cells ..." >&2
load_start=$(date +%s.%N)
python3 - "$cells" "$batch" "$work" <<'PY'
import sys
cells, batch, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
n = 0
for start in range(0, cells, batch):
    with open(f"{work}/batch-{n:05d}.ndjson", "w") as f:
        for i in range(start, min(start + batch, cells)):
            f.write('{"row":"row%09d","column_family":"cf","column_qualifier":"q%d","value":"value-%09d-abcdefghijklmnop"}\n' % (i // 4, i % 4, i))
    n += 1
PY
for file in "$work"/batch-*.ndjson; do
    curl -fs -X POST "$base/ns/bench/tables/t/cells" -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$file" >/dev/null
    rm -f "$file"
done
load_end=$(date +%s.%N)

# A fresh gateway process, so that VmHWM is the scan's peak alone.
kill "$gateway"; wait "$gateway" 2>/dev/null || true
start_gateway
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$gateway/status")

echo "scanning ..." >&2
# CPU (user + system clock ticks) of each process over the scan: which side bounds it.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
gateway_ticks=$(ticks "$gateway"); broker_ticks=$(ticks "$emulator")
curl -fsS -H 'Accept: application/x-ndjson' "$base/ns/bench/tables/t/cells" \
    -o "$work/scan.ndjson" -w '%{time_starttransfer} %{time_total} %{size_download}\n' > "$work/curl.txt"
gateway_ticks=$(( $(ticks "$gateway") - gateway_ticks )); broker_ticks=$(( $(ticks "$emulator") - broker_ticks ))
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$gateway/status")
lines=$(wc -l < "$work/scan.ndjson")
errors=$(grep -c '"error"' "$work/scan.ndjson" || true)
read -r ttfb total bytes < "$work/curl.txt"

python3 - "$cells" "$lines" "$errors" "$ttfb" "$total" "$bytes" "$hwm" "$rss_before" "$load_start" "$load_end" \
    "$gateway_ticks" "$broker_ticks" "$(getconf CLK_TCK)" <<'PY'
import sys
cells, lines, errors = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ttfb, total, size = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
hwm, before = int(sys.argv[7]), int(sys.argv[8])
load = float(sys.argv[10]) - float(sys.argv[9])
print(f"cells loaded:          {cells} in {load:.1f} s ({cells / load:,.0f} cells/s through POST .../cells)")
print(f"cells streamed:        {lines} NDJSON lines, {errors} error records")
print(f"bytes streamed:        {size:,} ({size / 2**20:.1f} MiB)")
print(f"time to first byte:    {ttfb * 1000:.1f} ms")
print(f"scan time:             {total:.2f} s")
print(f"throughput:            {size / 2**20 / total:.1f} MiB/s, {lines / total:,.0f} cells/s")
hz = int(sys.argv[13])
print(f"CPU during the scan:   gateway {int(sys.argv[11]) / hz:.2f} s, broker {int(sys.argv[12]) / hz:.2f} s")
print(f"gateway RSS at start:  {before / 1024:.1f} MiB")
print(f"gateway peak RSS:      {hwm / 1024:.1f} MiB (VmHWM; target < 64 MiB) -> {'OK' if hwm < 64 * 1024 else 'OVER'}")
sys.exit(0 if lines == cells and errors == 0 else 1)
PY
