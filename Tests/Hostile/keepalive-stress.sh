#!/usr/bin/env bash
# Keep-alive stress (not a test): CLIENTS threads against a release build with few workers,
# each pipelining batches of 1-3 requests (health, one-row SELECT, table listing, a 404) on
# keep-alive connections that it keeps for 1-50 batches, pausing now and then, and sometimes
# leaving half a head behind before it closes. Every response must come, complete and in
# order. Then the gateway must still answer, and stop at once on SIGTERM. Exercises workers
# staying with connections (GATEWAY_WORKER_STAY), their hand-back to the read source, and
# pipelining, under more connections than workers.
#
# usage: Tests/Hostile/keepalive-stress.sh [GATEWAY_BINARY]
#   WORKERS (2), CLIENTS (48), DURATION (20 seconds), STAY (GATEWAY_WORKER_STAY; default the
#   gateway's) vary the run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${1:-}" ]; then bin=$1; else
  (cd "$repo" && swift build -c release --product hypertable-gateway >/dev/null)
  bin="$(cd "$repo" && swift build -c release --show-bin-path)/hypertable-gateway"
fi
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
broker=$(free_port); port=$(free_port)
"$bin" emulator --port "$broker" 2>"$work/emulator.log" & pids+=($!)
sleep 0.5
env GATEWAY_WORKERS="${WORKERS:-2}" GATEWAY_ACCESS_LOG=off ${STAY:+GATEWAY_WORKER_STAY=$STAY} \
  "$bin" --listen "127.0.0.1:$port" --broker-host 127.0.0.1 --broker-port "$broker" 2>"$work/gateway.log" &
gateway=$!; pids+=($gateway)
for _ in $(seq 100); do curl -s -o /dev/null "127.0.0.1:$port/health/live" && break; sleep 0.1; done
curl -s -X POST "127.0.0.1:$port/ns/sys/query" --data 'CREATE NAMESPACE "/stress"' >/dev/null
curl -s -X POST "127.0.0.1:$port/ns/stress/query" --data 'CREATE TABLE t (cf)' >/dev/null
curl -s -X POST "127.0.0.1:$port/ns/stress/query" \
  --data "INSERT INTO t VALUES ('r1','cf:a','v1'),('r1','cf:b','v2')" >/dev/null

python3 - "$port" "${CLIENTS:-48}" "${DURATION:-20}" <<'PY'
import random, socket, sys, threading, time
port, clients, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
select = b"SELECT * FROM t WHERE ROW = 'r1'"
requests = [
    (b"GET /health/live HTTP/1.1\r\nHost: h\r\n\r\n", 200),
    (b"POST /ns/stress/query HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n%s" % (len(select), select), 200),
    (b"GET /ns/stress/tables HTTP/1.1\r\nHost: h\r\n\r\n", 200),
    (b"GET /nope HTTP/1.1\r\nHost: h\r\n\r\n", 404),
]
errors, done, lock = [], [0], threading.Lock()

class Connection:
    def __init__(self):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.pending = b""

    def read_response(self):
        """One response (Content-Length framed); bytes past it stay for the next one."""
        while b"\r\n\r\n" not in self.pending:
            chunk = self.socket.recv(65536)
            if not chunk:
                raise IOError("closed before a head")
            self.pending += chunk
        head, rest = self.pending.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, value = line.split(b":", 1)
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            chunk = self.socket.recv(65536)
            if not chunk:
                raise IOError("closed in a body")
            rest += chunk
        self.pending = rest[length:]
        return int(head.split(b" ")[1])

def client(seed):
    rnd = random.Random(seed)
    end = time.time() + seconds
    while time.time() < end:
        try:
            connection = Connection()
            for _ in range(rnd.randint(1, 50)):
                batch = [rnd.choice(requests) for _ in range(rnd.randint(1, 3))]
                connection.socket.sendall(b"".join(request for request, _ in batch))
                for _, expected in batch:
                    status = connection.read_response()
                    with lock:
                        done[0] += 1
                        if status != expected:
                            errors.append(f"status {status}, expected {expected}")
                if rnd.random() < 0.05:
                    time.sleep(rnd.random() * 0.05)
            if rnd.random() < 0.3:
                connection.socket.sendall(b"GET /health/live HTTP/1.1\r\nHost")
            connection.socket.close()
        except Exception as error:
            with lock:
                errors.append(repr(error))

threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"{done[0]} responses, {len(errors)} errors {errors[:5]}")
sys.exit(1 if errors or done[0] == 0 else 0)
PY
status=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "127.0.0.1:$port/health/live")
echo "afterwards: /health/live $status, $(ls /proc/$gateway/fd | wc -l) descriptors, $(ls /proc/$gateway/task | wc -l) threads"
[ "$status" = 200 ] || { echo "FAIL: the gateway no longer answers"; exit 1; }
started=$(date +%s%N)
kill -TERM "$gateway"
wait "$gateway" || true
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
echo "stopped ${elapsed} ms after SIGTERM"
[ "$elapsed" -lt 5000 ] || { echo "FAIL: shutdown took ${elapsed} ms"; exit 1; }
echo "OK"
