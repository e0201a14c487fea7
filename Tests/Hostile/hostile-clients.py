#!/usr/bin/env python3
"""Hostile clients against a release gateway with tokens, on loopback only: what each attack
costs the gateway and the clients that behave. Prints one line per check with its numbers and
OK or FAIL; exits 1 when a check fails. Not a unit test: it needs load and seconds.

usage: hostile-clients.py GATEWAY_BINARY
"""
import json, os, resource, socket, subprocess, sys, tempfile, threading, time

GW = sys.argv[1]
TOKEN = "hostile-check-token-0123456789abcdef"
failures = []


def report(name, ok, detail):
    print(f"{'OK  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
    if not ok:
        failures.append(name)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(extra_env=None, ulimit=None):
    port = free_port()
    env = dict(os.environ, GATEWAY_TOKENS=f"{TOKEN} rw", GATEWAY_ACCESS_LOG="off", GATEWAY_BODY_GRACE="2",
               GATEWAY_HEADER_TIMEOUT="3")
    env.update(extra_env or {})
    cmd = [GW, "--embedded", "--listen", f"127.0.0.1:{port}"]
    if ulimit:
        cmd = ["/bin/sh", "-c", f"ulimit -n {ulimit} && exec " + " ".join(cmd)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if request(port, "GET", "/health/live")[0] == 200:
                break
        except OSError:
            time.sleep(0.05)
    gateway_pid = proc.pid
    if ulimit:  # the shell exec'd the gateway: same pid
        gateway_pid = proc.pid
    return proc, port, gateway_pid


def request(port, method, path, body=b"", token=TOKEN, source="127.0.0.1", timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    head = f"{method} {path} HTTP/1.1\r\nHost: h\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    s.sendall(head.encode() + b"\r\n" + body)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    status = int(data.split(b" ", 2)[1]) if data else 0
    return status, data


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latencies(port, path, count, body=b"", method="GET"):
    out = []
    for _ in range(count):
        t = time.perf_counter()
        status, _ = request(port, method, path, body)
        out.append((time.perf_counter() - t) * 1000)
        if status != 200:
            out[-1] = float("inf")
    out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.99) - 1]


resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))

# 1. Unauthenticated bodies are refused before they are read: 64 clients offer 8 MiB each.
proc, port, pid = start()
request(port, "POST", "/ns/sys/query", b'CREATE NAMESPACE "/h"')
request(port, "POST", "/ns/h/query", b"CREATE TABLE t (cf)")
request(port, "POST", "/ns/h/query", b"INSERT INTO t VALUES ('r1','cf:a','v1')")
before = rss_kib(pid)
peak = before
stop = threading.Event()


def offer_body():
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(f"POST /ns/h/query HTTP/1.1\r\nHost: h\r\nContent-Length: {8 * 1024 * 1024 - 1}\r\n\r\n".encode())
    chunk = b"x" * 65536
    try:
        for _ in range(128):
            s.sendall(chunk)
    except OSError:
        pass  # refused and closed: what we want
    s.close()


threads = [threading.Thread(target=offer_body) for _ in range(64)]
for t in threads:
    t.start()
while any(t.is_alive() for t in threads):
    peak = max(peak, rss_kib(pid))
    time.sleep(0.01)
growth = (peak - before) / 1024
report("tokenless 8 MiB bodies", growth < 16, f"64 clients, RSS {before / 1024:.1f} -> peak {peak / 1024:.1f} MiB (+{growth:.1f} MiB; limit 16)")

s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(b"POST /ns/h/query HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
first = s.recv(4096)
report("tokenless Expect: 100-continue", first.startswith(b"HTTP/1.1 401"), f"first bytes {first[:12]!r} (no 100 Continue)")
s.close()

# 2. A slow body cannot hold a connection: one byte now and then gets 408 once it falls behind.
s = socket.create_connection(("127.0.0.1", port), timeout=30)
s.sendall(f"POST /ns/h/query HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100000\r\n\r\n".encode())
t0 = time.time()
answer = b""
s.settimeout(0.5)
while time.time() - t0 < 20 and not answer:
    try:
        s.sendall(b"S")
    except OSError:
        pass
    try:
        answer = s.recv(4096)
    except socket.timeout:
        pass
report("slow body", answer.startswith(b"HTTP/1.1 408"), f"{answer[:12]!r} after {time.time() - t0:.1f} s (grace 2 s, 500 B/s)")
s.close()

# 3. Refused uploads cost no worker: 64 tokenless clients keep offering uploads (each waits for
#    its refusal, then comes back after 50 ms) beside a normal client.
base50, base99 = latencies(port, "/ns/h/query?hql=SELECT%20*%20FROM%20t", 200)
stop.clear()
refusals = [0]


def tokenless_heads():
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST /ns/h/tables/t/cells HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n")
            if s.recv(4096).startswith(b"HTTP/1.1 401"):
                refusals[0] += 1
            s.close()
        except OSError:
            pass
        time.sleep(0.05)


threads = [threading.Thread(target=tokenless_heads) for _ in range(64)]
for t in threads:
    t.start()
time.sleep(0.5)
p50, p99 = latencies(port, "/ns/h/query?hql=SELECT%20*%20FROM%20t", 200)
stop.set()
for t in threads:
    t.join()
report("tokenless upload heads", p50 < base50 + 5,
       f"normal SELECT p50 {base50:.2f} -> {p50:.2f} ms, p99 {base99:.2f} -> {p99:.2f} ms beside 64 clients "
       f"refused {refusals[0]} times (each refusal answered at the head, no worker held)")
proc.terminate()
proc.wait()

# 4. Thousands of slow connections from one address, held (default timeouts): another
#    client's p99 stays within 2x.
proc, port, pid = start({"GATEWAY_BODY_GRACE": "20", "GATEWAY_HEADER_TIMEOUT": "10"})
request(port, "POST", "/ns/sys/query", b'CREATE NAMESPACE "/h"')
request(port, "POST", "/ns/h/query", b"CREATE TABLE t (cf)")
request(port, "POST", "/ns/h/query", b"INSERT INTO t VALUES ('r1','cf:a','v1')")
live50, live99 = latencies(port, "/health/live", 300)
sel50, sel99 = latencies(port, "/ns/h/query?hql=SELECT%20*%20FROM%20t", 300)
slow = []
refused = 0
for _ in range(4150):
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0))
        c.sendall(f"POST /ns/h/query HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 1000\r\n\r\nS".encode())
        slow.append(c)
    except OSError:
        refused += 1
time.sleep(1)
live50b, live99b = latencies(port, "/health/live", 300)
sel50b, sel99b = latencies(port, "/ns/h/query?hql=SELECT%20*%20FROM%20t", 300)
open_slow = 0
for c in slow:
    c.setblocking(False)
    try:
        if c.recv(64) == b"":
            continue
    except BlockingIOError:
        open_slow += 1
    except OSError:
        pass
report("4,150 slow connections from one address",
       live99b <= 2 * max(live99, 1.0) and sel99b <= 2 * max(sel99, 1.0),
       f"/health/live p99 {live99:.2f} -> {live99b:.2f} ms, SELECT p99 {sel99:.2f} -> {sel99b:.2f} ms; "
       f"{open_slow} held open (per-address limit 1024), the others refused with 503")
for c in slow:
    c.close()
proc.terminate()
proc.wait()

# 5. Out of descriptors: no spin, 503 to the overflow, service once descriptors free up.
proc, port, pid = start(ulimit=256)
idle = []
for _ in range(300):
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        c.sendall(b"GET /health/live HTTP/1.1\r\nHost: h\r\n\r\n")
        idle.append(c)
    except OSError:
        break
time.sleep(0.5)
c0 = cpu_seconds(pid)
time.sleep(2)
busy = (cpu_seconds(pid) - c0) / 2
try:
    status, _ = request(port, "GET", "/health/live", token=None, timeout=5)
except OSError:
    status = 0
for c in idle:
    c.close()
time.sleep(0.5)
status_after, _ = request(port, "GET", "/health/live", token=None)
report("ulimit -n 256 with 300 connections", busy < 0.2 and status in (200, 503) and status_after == 200,
       f"idle gateway CPU {busy * 100:.0f} % of a core, a new client got {status or 'no answer'}, after freeing {status_after}")
proc.terminate()
proc.wait()

print(f"{'all checks passed' if not failures else 'failed: ' + ', '.join(failures)}")
sys.exit(1 if failures else 0)
