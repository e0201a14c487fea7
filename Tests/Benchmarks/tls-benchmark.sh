#!/usr/bin/env bash
# Benchmark (not a test): GET /health/live with keep-alive through the gateway, plain HTTP
# against HTTPS (TLS 1.3, a throwaway P-256 certificate), wrk -t2 -c32. Prints req/s and p99.
#
#   Tests/Benchmarks/tls-benchmark.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-8}
# GATEWAY_BIN names a prebuilt binary (to compare two builds); else the release build here.
if [ -n "${GATEWAY_BIN:-}" ]; then bin=$GATEWAY_BIN; else
  (cd "$root" && swift build -c release --product hypertable-gateway >&2)
  bin="$(cd "$root" && swift build -c release --show-bin-path)/hypertable-gateway"
fi
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
plain=$(free_port); tls=$(free_port)
GATEWAY_ACCESS_LOG=off "$bin" --embedded --listen "127.0.0.1:$plain" 2>/dev/null & pids+=($!)
GATEWAY_ACCESS_LOG=off "$bin" --embedded --listen "127.0.0.1:$tls" --tls-cert "$work/cert.pem" \
  --tls-key "$work/key.pem" 2>/dev/null & pids+=($!)
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$plain/health/live" >/dev/null 2>&1 &&
    curl -fsk "https://127.0.0.1:$tls/health/live" >/dev/null 2>&1 && break
  sleep 0.05
done
for url in "http://127.0.0.1:$plain/health/live" "https://127.0.0.1:$tls/health/live"; do
  wrk -t2 -c32 -d"${seconds}s" --latency "$url" > "$work/wrk.txt"
  printf '%-6s %10s req/s   p99 %s\n' "${url%%:*}" "$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")" \
    "$(awk '$1=="99%" {print $2}' "$work/wrk.txt")"
done
