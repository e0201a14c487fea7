#!/usr/bin/env bash
# Benchmark: one-row SELECT through POST /ns/<ns>/query, the gateway against the seed
# (flask-hypertable under gunicorn, ../shared/bench/seed-peer), both in front of the same
# broker (our emulator, run standalone), with wrk on loopback. Prints req/s, latency
# percentiles and non-2xx counts for each. Not a test: numbers, not assertions.
#
# usage: Tests/Benchmarks/query-vs-seed.sh [DURATION_SECONDS] [CONNECTIONS]
#   SEED_PEER_DIR (default ../shared/bench/seed-peer next to the repo) names the seed peer;
#   The seed runs twice: pool 8 (+ its default overflow 10; with overflow 0 the seed never
#   opens a connection: its pool starts empty and only overflow creates them) and its
#   defaults 5 + 10, where it answers some requests with 500.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
duration=${1:-10}
connections=${2:-32}
seed_dir=${SEED_PEER_DIR:-$repo/../shared/bench/seed-peer}
work=$(mktemp -d)
pids=()
stop() {  # TERM, then KILL after 5 s (gunicorn can hang on stuck workers)
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() { for pid in "${pids[@]}"; do stop "$pid"; done; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }
bash "$repo/.ci/install-deps"
(cd "$repo" && swift build -c release --product hypertable-gateway >/dev/null)
bin="$(cd "$repo" && swift build -c release --show-bin-path)/hypertable-gateway"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -fs -m 2 "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

broker_port=$(free_port)
"$bin" emulator --port "$broker_port" 2>"$work/emulator.log" & pids+=($!)
sleep 0.5

start_gateway() {  # port pool_size max_overflow workers
  GATEWAY_ACCESS_LOG=off HYPERTABLE_POOL_SIZE=$2 HYPERTABLE_MAX_OVERFLOW=$3 GATEWAY_WORKERS=$4 \
    "$bin" --listen "127.0.0.1:$1" --broker-host 127.0.0.1 --broker-port "$broker_port" 2>"$work/gateway-$1.log" & pids+=($!)
  wait_http "http://127.0.0.1:$1/health/ready"
}
# Sized like the seed: as many kept connections as handler threads.
gateway_port=$(free_port)
start_gateway "$gateway_port" 16 10 16
# flask-hypertable's defaults (5 kept + 10 overflow) with the gateway's 32 workers: overflow
# connections are opened and closed per request, as those settings say.
default_port=$(free_port)
start_gateway "$default_port" 5 10 32
curl -fs -X POST "127.0.0.1:$gateway_port/ns/sys/query" --data 'CREATE NAMESPACE "/bench"' >/dev/null
curl -fs -X POST "127.0.0.1:$gateway_port/ns/bench/query" --data 'CREATE TABLE t (cf)' >/dev/null
curl -fs -X POST "127.0.0.1:$gateway_port/ns/bench/query" --data "INSERT INTO t VALUES ('row1', 'cf:q', 'value1')" >/dev/null

cat > "$work/select.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "SELECT * FROM t WHERE ROW = 'row1'"
wrk.headers["Content-Type"] = "text/plain"
LUA

run_wrk() {
  local name=$1 url=$2
  curl -fs -X POST "$url" --data "SELECT * FROM t WHERE ROW = 'row1'" | grep -q value1 \
    || { echo "$name does not answer the SELECT" >&2; return 1; }
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/select.lua" "$url" >"$work/$name.wrk" 2>&1
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$work/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$work/$name.wrk")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$name.wrk"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors/ {print $0}' "$work/$name.wrk")
  printf '%-34s %10s req/s   p50 %8s   p99 %8s   non-2xx %s %s\n' "$name" "$rps" "$p50" "$p99" "$non2xx" "$errors"
}

echo "one-row SELECT, wrk -t2 -c$connections -d${duration}s, $(nproc) cores"
run_wrk "gateway (pool 16, 16 workers)" "http://127.0.0.1:$gateway_port/ns/bench/query"
run_wrk "gateway (pool 5+10, 32 workers)" "http://127.0.0.1:$default_port/ns/bench/query"

if [ -d "$seed_dir" ]; then
  "$seed_dir/setup.sh" >/dev/null
  for pool in "8:10" "5:10"; do
    size=${pool%:*}; overflow=${pool#*:}
    seed_port=$(free_port)
    HYPERTABLE_HOST=127.0.0.1 HYPERTABLE_PORT=$broker_port HYPERTABLE_POOL_SIZE=$size HYPERTABLE_MAX_OVERFLOW=$overflow \
      "$seed_dir/run.sh" "$seed_port" >"$work/seed.log" 2>&1 & seed_pid=$!
    pids+=($seed_pid)
    wait_http "http://127.0.0.1:$seed_port/health"
    run_wrk "seed (pool $size+$overflow)" "http://127.0.0.1:$seed_port/ns/bench/query"
    stop "$seed_pid"; pkill -9 -f "gunicorn --bind 127.0.0.1:$seed_port" 2>/dev/null || true
  done
else
  echo "seed peer not found at $seed_dir: gateway numbers only" >&2
fi
echo "gateway peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/${pids[1]}/status) (pool 16), $(awk '/VmHWM/ {print $2, $3}' /proc/${pids[2]}/status) (pool 5+10)"
