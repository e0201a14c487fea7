#!/usr/bin/env bash
# Instructions per request in the gateway process, counted by callgrind: repeatable whatever
# else the machine does (unlike time), for comparing two builds of the request path.
# 2,000 requests (after 200 of warm-up) over 4 keep-alive connections, broker in its own process.
#
# usage: Tests/Benchmarks/instructions-per-request.sh GATEWAY_BINARY [live|select] [N]
# Needs valgrind (callgrind_control) and python3.
set -euo pipefail
GW=${1:?usage: instructions-per-request.sh GATEWAY_BINARY [live|select] [N]}
ROUTE=${2:-live}; N=${3:-2000}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
W=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; rm -rf "$W"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BP=$(free_port); GP=$(free_port)
"$GW" emulator --port "$BP" 2>/dev/null & pids+=($!)
sleep 0.5
# Valgrind gives up on the debug information of Swift's release builds ("Possibly corrupted
# debuginfo file"): it runs a stripped copy (instruction counts do not depend on symbols).
cp "$GW" "$W/gateway"
strip "$W/gateway"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$W/cg.%p" \
  "$W/gateway" --listen "127.0.0.1:$GP" --broker-host 127.0.0.1 --broker-port "$BP" 2>/dev/null & G=$!; pids+=($G)
for _ in $(seq 300); do curl -s -o /dev/null "127.0.0.1:$GP/health/live" && break; sleep 0.2; done
curl -s -X POST "127.0.0.1:$GP/ns/sys/query" --data 'CREATE NAMESPACE "/cc"' >/dev/null
curl -s -X POST "127.0.0.1:$GP/ns/cc/query" --data 'CREATE TABLE t (cf)' >/dev/null
curl -s -X POST "127.0.0.1:$GP/ns/cc/query" --data "INSERT INTO t VALUES ('r1','cf:a','v1'),('r1','cf:b','v2'),('r1','cf:c','v3')" >/dev/null
cat > "$W/load.py" <<'PY'
import socket, sys
port, route, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
body = b"SELECT * FROM t WHERE ROW = 'r1'"
for i in range(n):
    s = socks[i % 4]
    if route == "select":
        s.sendall(b"POST /ns/cc/query HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    else:
        s.sendall(b"GET /health/live HTTP/1.1\r\nHost: h\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, rest = data.split(b"\r\n\r\n", 1)
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    while len(rest) < length:
        rest += s.recv(65536)
PY
python3 "$W/load.py" "$GP" "$ROUTE" 200
callgrind_control -i on "$G" >/dev/null
python3 "$W/load.py" "$GP" "$ROUTE" "$N"
callgrind_control -i off "$G" >/dev/null
callgrind_control -d "$G" >/dev/null
sleep 1
total=$(grep -h "^summary:\|^totals:" "$W"/cg.* 2>/dev/null | awk '{s+=$2} END {print s}')
echo "$ROUTE: $(python3 -c "print(round($total / $N))") instructions per request (N=$N, gateway process, user space)"
