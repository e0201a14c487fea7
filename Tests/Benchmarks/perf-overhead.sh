#!/usr/bin/env bash
# What `perf stat` costs the process it counts: CPU per request of nginx `return 200` and of
# the gateway's /health/live, each measured without perf and then with
# `perf stat -e raw_syscalls:sys_enter,context-switches -p PID` attached, in ROUNDS rounds.
# Why it matters: perf's handlers run on every system call and every context switch of the
# process, and the gateway switches threads about once per request where nginx does a fifth
# as often, so a CPU figure taken while perf counts is dearer for the gateway than for its
# neighbour. `cpu-cost.sh` therefore counts in runs of their own.
#
# usage: Tests/Benchmarks/perf-overhead.sh GATEWAY_BINARY [SECONDS]
#   ROUNDS=N (default 3). Needs wrk, nginx, perf and python3.
set -u
GW=${1:?usage: perf-overhead.sh GATEWAY_BINARY [SECONDS]}
D=${2:-5}; ROUNDS=${ROUNDS:-3}
for tool in wrk nginx perf python3; do
  command -v $tool >/dev/null || { echo "needs $tool (cpu-cost.sh installs wrk and nginx)" >&2; exit 1; }
done
W=$(mktemp -d); PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$W"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BP=$(free_port); GP=$(free_port); NP=$(free_port)
"$GW" emulator --port $BP 2>/dev/null & PIDS+=($!)
sleep 0.4
"$GW" --listen 127.0.0.1:$GP --broker-host 127.0.0.1 --broker-port $BP 2>$W/gateway.log >/dev/null & G=$!; PIDS+=($G)
cat > $W/nginx.conf <<NG
worker_processes 1; pid $W/nginx.pid; error_log $W/nginx.err; daemon off;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$NP; location / { return 200 "ok"; } } }
NG
nginx -c $W/nginx.conf & NGX=$!; PIDS+=($NGX); sleep 0.5
NW=$(pgrep -P $NGX)
for _ in $(seq 100); do curl -s -o /dev/null 127.0.0.1:$GP/health/live && break; sleep 0.1; done
wrk -t2 -c32 -d1s http://127.0.0.1:$GP/health/live >/dev/null

# run NAME PID URL [perf]: CPU microseconds per request of PID over one wrk run.
run() {
  local name=$1 pid=$2 url=$3 with=${4:-} t0 t1 n stat_pid=""
  if [ -n "$with" ]; then
    perf stat -e raw_syscalls:sys_enter,context-switches -p $pid -o /dev/null -- sleep $((D + 1)) & stat_pid=$!
    sleep 0.2
  fi
  t0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  n=$(wrk -t2 -c32 -d${D}s "$url" | awk '/requests in/ {print $1}')
  t1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  [ -n "$stat_pid" ] && wait $stat_pid
  python3 -c "print(f'$name', round(($t1 - $t0) * 1e6 / $(getconf CLK_TCK) / $n, 2))" >> $W/results
}
for _ in $(seq $ROUNDS); do
  run nginx $NW http://127.0.0.1:$NP/
  run nginx+perf $NW http://127.0.0.1:$NP/ perf
  run gateway $G http://127.0.0.1:$GP/health/live
  run gateway+perf $G http://127.0.0.1:$GP/health/live perf
done
python3 - "$W/results" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, value = line.split()
    runs[name].append(float(value))
print("CPU per request, us (every round, then the median)")
for name in ("nginx", "nginx+perf", "gateway", "gateway+perf"):
    print(f"{name:14s} " + " ".join(f"{v:6.2f}" for v in runs[name]) + f"   median {statistics.median(runs[name]):6.2f}")
for name in ("nginx", "gateway"):
    extra = [w - o for o, w in zip(runs[name], runs[name + "+perf"])]
    print(f"perf attached costs {name} {statistics.median(extra):+.2f} us per request "
          f"({statistics.median(extra) / statistics.median(runs[name]) * 100:+.0f} %)")
PY
