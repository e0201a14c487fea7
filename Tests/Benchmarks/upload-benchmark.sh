#!/usr/bin/env bash
# Benchmark (not a test): uploads N cells as one NDJSON body through POST .../cells, once with
# Content-Length (curl -T file) and once chunked (curl -T - from a pipe), and prints time,
# cells/s and the gateway's peak RSS (VmHWM). The broker runs in its own process so that the
# gateway's memory holds no cell data: bounded memory whatever the upload size is the point.
#
#   Tests/Benchmarks/upload-benchmark.sh            # 1,000,000 cells, release build
#   CELLS=200000 Tests/Benchmarks/upload-benchmark.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cells=${CELLS:-1000000}
# GATEWAY_BIN names a prebuilt binary (to compare two builds); else the release build here.
if [ -n "${GATEWAY_BIN:-}" ]; then bin=$GATEWAY_BIN; else
  (cd "$root" && swift build -c release --product hypertable-gateway >&2)
  bin="$(cd "$root" && swift build -c release --show-bin-path)/hypertable-gateway"
fi
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_http() { for _ in $(seq 1 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }

python3 - "$cells" > "$work/cells.ndjson" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(n):
    out.write('{"row":"row%08d","column_family":"a","column_qualifier":"q","value":"%s"}\n' % (i, "v" * 64))
PY
size=$(stat -c %s "$work/cells.ndjson")

broker=$(free_port); port=$(free_port)
"$bin" emulator --port "$broker" 2>"$work/emulator.log" & pids+=($!)
sleep 0.3
start_gateway() {
  GATEWAY_ACCESS_LOG=off "$bin" --listen "127.0.0.1:$port" --broker-host 127.0.0.1 --broker-port "$broker" \
    2>"$work/gateway.log" & gateway=$!
  pids+=($gateway)
  wait_http "http://127.0.0.1:$port/health/ready"
}
start_gateway
curl -fs -X PUT "127.0.0.1:$port/ns/bench" >/dev/null
curl -fs -X PUT "127.0.0.1:$port/ns/bench/tables/t" -H 'Content-Type: application/json' -d '{"column_families": ["a"]}' >/dev/null

echo "upload of $cells cells ($(( size / 1048576 )) MiB NDJSON) through POST .../cells, broker in its own process"
for mode in content-length chunked; do
  kill "$gateway"; wait "$gateway" 2>/dev/null || true   # a fresh gateway: VmHWM measures this upload only
  start_gateway
  rss_start=$(awk '/VmRSS/ {print $2}' "/proc/$gateway/status")
  # CPU (user + system clock ticks) of each process over the upload: which side bounds it.
  gateway_ticks=$(ticks "$gateway"); broker_ticks=$(ticks "${pids[0]}")
  begin=$(date +%s.%N)
  if [ "$mode" = content-length ]; then
    answer=$(curl -fs -T "$work/cells.ndjson" -X POST -H 'Content-Type: application/x-ndjson' \
      "127.0.0.1:$port/ns/bench/tables/t/cells")
  else
    answer=$(cat "$work/cells.ndjson" | curl -fs -T - -X POST -H 'Content-Type: application/x-ndjson' \
      -H 'Transfer-Encoding: chunked' "127.0.0.1:$port/ns/bench/tables/t/cells")
  fi
  end=$(date +%s.%N)
  gateway_ticks=$(( $(ticks "$gateway") - gateway_ticks )); broker_ticks=$(( $(ticks "${pids[0]}") - broker_ticks ))
  peak=$(awk '/VmHWM/ {print $2}' "/proc/$gateway/status")
  python3 - "$mode" "$begin" "$end" "$cells" "$answer" "$rss_start" "$peak" "$gateway_ticks" "$broker_ticks" \
      "$(getconf CLK_TCK)" <<'PY'
import json, sys
mode, begin, end, cells, answer, start, peak, gateway, broker, hz = sys.argv[1:]
seconds = float(end) - float(begin)
written = json.loads(answer).get("written")
print(f"{mode:15s} written {written}  {seconds:6.2f} s  {int(cells) / seconds:10,.0f} cells/s  "
      f"gateway RSS {int(start) / 1024:.1f} MiB at start, peak {int(peak) / 1024:.1f} MiB; "
      f"CPU gateway {int(gateway) / int(hz):.2f} s, broker {int(broker) / int(hz):.2f} s")
PY
done
