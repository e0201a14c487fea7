#!/usr/bin/env bash
# Two builds of the gateway, side by side, measured in turns: which one costs less CPU per
# request? On a shared machine CPU per request drifts by a fifth or more from one minute to
# the next, so `cpu-cost.sh` run once per build cannot tell a 5 % change from the weather.
# Here both gateways run at once on one embedded broker, and short wrk runs alternate
# between them (A, B, B, A, ...), so that both see the same drift; the medians per build and
# their ratio are printed. Not a test: numbers, never a timed assertion.
#
# usage: Tests/Benchmarks/compare-builds.sh GATEWAY_A GATEWAY_B [ROUNDS] [SECONDS] [CONNECTIONS]
#   defaults: 6 rounds of 3-second runs with 32 connections, for GET /health/live and the
#   one-row SELECT each. GW_ENV="K=V ..." adds settings to both gateways.
# Needs wrk (installed with apt when missing) and python3.
set -u
A=${1:?usage: compare-builds.sh GATEWAY_A GATEWAY_B [ROUNDS] [SECONDS] [CONNECTIONS]}
B=${2:?usage: compare-builds.sh GATEWAY_A GATEWAY_B [ROUNDS] [SECONDS] [CONNECTIONS]}
ROUNDS=${3:-6}; D=${4:-3}; C=${5:-32}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
ulimit -n 16384 2>/dev/null || true
PIDS=(); W=$(mktemp -d)
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$W"; }
trap cleanup EXIT
hz=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
wait_http() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

BP=$(free_port)
"$A" emulator --port "$BP" 2>"$W/emulator.log" & PIDS+=($!); sleep 0.5
declare -A PORT PID
for side in A B; do
  bin=$A; [ $side = B ] && bin=$B
  PORT[$side]=$(free_port)
  env ${GW_ENV:-} "$bin" --listen "127.0.0.1:${PORT[$side]}" --broker-host 127.0.0.1 --broker-port "$BP" \
    2>"$W/gateway-$side.log" & PID[$side]=$!; PIDS+=($!)
  wait_http "http://127.0.0.1:${PORT[$side]}/health/live" || { echo "gateway $side did not start" >&2; exit 1; }
done
P=${PORT[A]}
curl -s -X POST "127.0.0.1:$P/ns/sys/query" --data 'CREATE NAMESPACE "/cc"' >/dev/null
curl -s -X POST "127.0.0.1:$P/ns/cc/query" --data 'CREATE TABLE t (cf)' >/dev/null
curl -s -X POST "127.0.0.1:$P/ns/cc/query" --data "INSERT INTO t VALUES ('r1','cf:a','v1'),('r1','cf:b','v2'),('r1','cf:c','v3')" >/dev/null
printf 'wrk.method="POST"\nwrk.body="SELECT * FROM t WHERE ROW = %s"\n' "'r1'" > "$W/select.lua"
for side in A B; do  # warm-up: pools fill, caches settle
  wrk -t2 -c"$C" -d2s -s "$W/select.lua" "http://127.0.0.1:${PORT[$side]}/ns/cc/query" >/dev/null 2>&1
  wrk -t2 -c"$C" -d1s "http://127.0.0.1:${PORT[$side]}/health/live" >/dev/null 2>&1
done

# run SIDE ROUTE: appends "route side cpu_us_per_request" to $W/results
run() {
  local side=$1 route=$2 pid=${PID[$1]} t0 t1 n url args=()
  url="http://127.0.0.1:${PORT[$side]}/health/live"
  if [ "$route" = select ]; then url="http://127.0.0.1:${PORT[$side]}/ns/cc/query"; args=(-s "$W/select.lua"); fi
  t0=$(ticks "$pid")
  n=$(wrk -t2 -c"$C" -d"${D}s" "${args[@]}" "$url" 2>&1 | awk '/requests in/ {print $1}')
  t1=$(ticks "$pid")
  [ -n "$n" ] && [ "$n" -gt 0 ] && echo "$route $side $(( (t1 - t0) * 1000000 / hz )) $n" >> "$W/results"
}
for round in $(seq "$ROUNDS"); do
  for route in live select; do
    if [ $((round % 2)) = 1 ]; then run A $route; run B $route; else run B $route; run A $route; fi
  done
done

python3 - "$W/results" "$A" "$B" "$ROUNDS" "$D" "$C" <<'PY'
import sys, statistics
path, a, b, rounds, d, c = sys.argv[1:]
cost = {}
for line in open(path):
    route, side, micros, n = line.split()
    cost.setdefault((route, side), []).append(int(micros) / int(n))
print(f"== CPU per request, medians of {rounds} alternating {d}-second runs, {c} connections ==")
print(f"A: {a}\nB: {b}")
for route in ("live", "select"):
    ra, rb = cost.get((route, "A"), []), cost.get((route, "B"), [])
    if not ra or not rb:
        print(f"{route}: no runs completed"); continue
    ma, mb = statistics.median(ra), statistics.median(rb)
    # How often B beat A within a round: a drift both share cancels out.
    wins = sum(1 for x, y in zip(ra, rb) if y < x)
    print(f"{route:7s} A {ma:6.1f} us  B {mb:6.1f} us  B/A {mb / ma:5.3f}  (B cheaper in {wins} of {min(len(ra), len(rb))} rounds; "
          f"A {min(ra):.1f}..{max(ra):.1f}, B {min(rb):.1f}..{max(rb):.1f})")
PY
