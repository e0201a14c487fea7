#!/usr/bin/env bash
# Tries Deployment/nginx/hypertable-gateway.conf for real: two gateways on the embedded broker
# behind nginx (the site file, with ports rewritten), with bearer tokens, then requests
# through nginx: readiness (brief without a token), a request without a token refused, an HQL
# round trip, a streamed NDJSON scan, the gateway's access log naming the client from
# X-Forwarded-For, upstream connections kept alive for every location (health probes
# included: counted with ss), cell uploads beyond the 8 MiB buffered-body limit (Content-Length
# and chunked), a paged scan and a paged SELECT whose cursors are followed through nginx across
# both gateways (which share GATEWAY_CURSOR_KEY) and straight from one gateway to the other,
# and a client that disconnects mid-scan: the gateways' gateway_open_scanners
# (in /metrics) must fall back to 0. Exits non-zero on the first failed check.
#
# usage: Deployment/nginx/try-nginx.sh   (installs nginx with apt when missing)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
(cd "$repo" && nice -n 10 swift build --product hypertable-gateway >/dev/null)
bin="$(cd "$repo" && swift build --show-bin-path)/hypertable-gateway"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
            [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1" >&2; exit 1; fi; }
# The gateway writes its access log in batches (at the latest 100 ms after a line): a check on
# the log waits up to 5 s for its condition to come true.
check_log() { for _ in $(seq 1 50); do if eval "$2"; then echo "ok: $1"; return; fi; sleep 0.1; done
              echo "FAILED: $1" >&2; exit 1; }

# One broker (the emulator, standalone) shared by two gateways, as in production.
broker=$(free_port); g1=$(free_port); g2=$(free_port); front=$(free_port)
"$bin" emulator --port "$broker" 2>"$work/emulator.log" & pids+=($!)
sleep 0.5
token=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
(umask 077; echo "$token rw" > "$work/tokens")
# Both gateways sign page cursors with one key, so either continues the other's.
cursor_key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
for port in "$g1" "$g2"; do
  GATEWAY_CURSOR_KEY="$cursor_key" \
  GATEWAY_TRUSTED_PROXIES=127.0.0.1 GATEWAY_TOKENS_FILE="$work/tokens" "$bin" --listen "127.0.0.1:$port" \
    --broker-host 127.0.0.1 --broker-port "$broker" 2>"$work/gateway-$port.log" & pids+=($!)
done
auth="Authorization: Bearer $token"

sed -e "s/server 127.0.0.1:8080 /server 127.0.0.1:$g1 /" \
    -e "s/# server 127.0.0.1:8081 /server 127.0.0.1:$g2 /" \
    -e "s/listen 8000;/listen 127.0.0.1:$front;/" \
    "$repo/Deployment/nginx/hypertable-gateway.conf" > "$work/site.conf"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log $work/access.log;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work;
  include $work/site.conf;
}
CONF
nginx -t -c "$work/nginx.conf" -p "$work" 2>&1 | tail -1
nginx -c "$work/nginx.conf" -p "$work"
base="http://127.0.0.1:$front"
for _ in $(seq 1 50); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

check "readiness through nginx" '[ "$(curl -s -o /dev/null -w %{http_code} $base/health/ready)" = 200 ]'
check "readiness without a token says only ready" '[ "$(curl -s $base/health/ready)" = "{\"status\":\"ready\"}" ]'
check "readiness details with the token" 'curl -fs -H "$auth" $base/health/ready | grep -q "\"pool\""'
check "no token: 401 through nginx" '[ "$(curl -s -o /dev/null -w %{http_code} -X POST $base/ns/sys/query --data "SHOW TABLES")" = 401 ]'
curl -fs -H "$auth" -X POST "$base/ns/sys/query" --data 'CREATE NAMESPACE "/web"' >/dev/null
curl -fs -H "$auth" -X POST "$base/ns/web/query" --data 'CREATE TABLE t (cf)' >/dev/null
curl -fs -H "$auth" -X POST "$base/ns/web/query" --data "INSERT INTO t VALUES ('r1', 'cf', 'v1'), ('r2', 'cf', 'v2')" >/dev/null
check "HQL round trip through nginx" 'curl -fs -H "$auth" -X POST $base/ns/web/query --data "SELECT * FROM t" | grep -q "\"value\":\"v2\""'
check "streamed NDJSON through nginx" '[ "$(curl -fs -H "$auth" -H "Accept: application/x-ndjson" $base/ns/web/tables/t/cells | wc -l)" = 2 ]'
for _ in 1 2 3 4; do curl -fs "$base/health/live" -H "X-Forwarded-For: 198.51.100.7" >/dev/null; done
check_log "both gateways served (round robin)" 'grep -q "\"status\":200" $work/gateway-$g1.log && grep -q "\"status\":200" $work/gateway-$g2.log'
check_log "real client from X-Forwarded-For in the access log" 'grep -q "\"client\":\"198.51.100.7\"" $work/gateway-$g1.log $work/gateway-$g2.log'
check_log "nginx request id reaches the gateway" 'grep -q "\"request_id\":\"[0-9a-f]\{32\}\"" $work/gateway-$g1.log $work/gateway-$g2.log'

# Upstream keep-alive: after many requests to every location (probes, HQL, scans), nginx holds
# a few connections to the gateways instead of one per request. A closed connection leaves a
# TIME-WAIT socket on whichever end closed first (the gateway's, for HTTP/1.0 requests), so
# both ends are counted: every socket from or to a gateway port but the listening ones, two
# per open connection.
upstream_sockets() { ss -Htan "( sport = :$g1 or sport = :$g2 or dport = :$g1 or dport = :$g2 )" | grep -vc LISTEN; }
for _ in $(seq 1 20); do
  curl -fs "$base/health/live" >/dev/null; curl -fs "$base/health/ready" >/dev/null; curl -fs "$base/health" >/dev/null
  curl -fs -H "$auth" "$base/ns/web/tables/t/rows/r1" >/dev/null
  curl -fs -H "$auth" -X POST "$base/ns/web/tables/t/cells" -H 'Content-Type: application/x-ndjson' \
       --data-binary '{"row":"k","column_family":"cf","value":"x"}' >/dev/null
done
sockets=$(upstream_sockets)
echo "   upstream sockets after 100 requests through nginx: $sockets"
check "upstream connections are kept alive for every location" '[ "$sockets" -le 20 ]'

# Paging: follow the Link headers of a paged scan and of a paged SELECT through nginx (round
# robin puts consecutive pages on different gateways), and page 1 from one gateway straight,
# page 2 from the other; the concatenated pages must be the unpaged read, line for line.
curl -fs -H "$auth" -X POST "$base/ns/web/query" --data 'CREATE TABLE paged (b, a MAX_VERSIONS 3)' >/dev/null
python3 - "$work/paged.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as out:
    for row in range(60):
        for family in ("a", "b"):
            for version in range(1, 3 if family == "a" else 2):
                out.write(json.dumps({"row": "p%03d" % row, "column_family": family, "column_qualifier": "q",
                                      "timestamp": str(1700000000000000000 + version), "value": "%d%s%d" % (row, family, version)}) + "\n")
PY
curl -fs -H "$auth" -H "Content-Type: application/x-ndjson" --data-binary @"$work/paged.ndjson" "$base/ns/web/tables/paged/cells" >/dev/null
follow_pages() { python3 - "$@" <<'PY'
import json, re, sys, urllib.request
base, token, first, unpaged, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def get(url):
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token, "Accept": "application/x-ndjson"})
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Link"), response.read().decode().splitlines()
_, whole = get(base + unpaged)
lines, url, pages = [], base + first, 0
while url:
    link, body = get(url)
    pages += 1
    if body and body[-1].startswith('{"next":'):
        cursor = json.loads(body.pop())["next"]
        target = re.fullmatch(r'<([^>]*)>; rel="next"', link or "").group(1)
        assert target.endswith("cursor=" + cursor), (link, cursor)
        assert len(body) == size, (len(body), size)
        url = base + target
    else:
        assert link is None, link
        url = None
    lines += body
assert len(whole) > size, len(whole)
assert lines == whole, "paged read differs from the unpaged one (%d vs %d lines)" % (len(lines), len(whole))
print("   %d cells in %d pages" % (len(lines), pages))
PY
}
check "paged scan followed through nginx equals the unpaged scan" \
  'follow_pages "$base" "$token" "/ns/web/tables/paged/cells?revisions=2&limit=7" "/ns/web/tables/paged/cells?revisions=2" 7'
check "paged SELECT followed through nginx equals the unpaged SELECT" \
  'follow_pages "$base" "$token" "/ns/web/query?page_size=9&hql=SELECT%20*%20FROM%20paged%20MAX_VERSIONS%201" "/ns/web/query?hql=SELECT%20*%20FROM%20paged%20MAX_VERSIONS%201" 9'
check_log "both gateways served pages" 'grep -q "tables/paged/cells" $work/gateway-$g1.log && grep -q "tables/paged/cells" $work/gateway-$g2.log'
next_link=$(curl -fs -D - -o /dev/null -H "$auth" "http://127.0.0.1:$g1/ns/web/tables/paged/cells?limit=5" | tr -d '\r' | sed -n 's/^Link: <\([^>]*\)>.*/\1/p')
check "page 1 from one gateway, page 2 from the other" \
  '[ -n "$next_link" ] && curl -fs -H "$auth" "http://127.0.0.1:$g2$next_link" | grep -q "\"row\":\"p002\""'
changed_link="${next_link%?}$([ "${next_link: -1}" = A ] && echo B || echo A)"
check "a changed cursor is refused (400)" \
  '[ "$(curl -s -o /dev/null -w %{http_code} -H "$auth" "http://127.0.0.1:$g2$changed_link")" = 400 ]'

# Uploads over the old 8 MiB cap, streamed through: once with Content-Length, once chunked.
python3 - "$work/big.ndjson" <<'PY'
import sys
with open(sys.argv[1], "w") as out:
    for i in range(40000):
        out.write('{"row":"big%06d","column_family":"cf","value":"%s"}\n' % (i, "v" * 240))
PY
size=$(stat -c %s "$work/big.ndjson")
echo "   upload body: $size bytes"
check "upload body is over 8 MiB" '[ "$size" -gt $((8 * 1024 * 1024)) ]'
check "upload over 8 MiB with Content-Length" 'curl -fs -H "$auth" -H "Content-Type: application/x-ndjson" --data-binary @$work/big.ndjson $base/ns/web/tables/t/cells | grep -q "\"written\":40000"'
check "chunked upload over 8 MiB" 'curl -fs -H "$auth" -H "Content-Type: application/x-ndjson" -H "Transfer-Encoding: chunked" -T $work/big.ndjson -X POST $base/ns/web/tables/t/cells | grep -q "\"written\":40000"'

# A client that leaves mid-scan: nginx closes the upstream connection and the gateway closes
# the broker scanner. The scan (10 MB) is read at 20 KB/s and abandoned after 2 s.
open_scanners() { local total=0 n
  for port in "$g1" "$g2"; do
    n=$(curl -fs -H "$auth" "http://127.0.0.1:$port/metrics" | awk '/^gateway_open_scanners/ {print int($2)}')
    total=$((total + ${n:-0}))
  done; echo "$total"; }
curl -s -H "$auth" -H "Accept: application/x-ndjson" --limit-rate 20k --max-time 2 \
     "$base/ns/web/tables/t/cells" -o /dev/null & slow=$!
sleep 1
during=$(open_scanners)
echo "   open scanners while the slow client reads: $during"
check "a scanner is open while the client reads" '[ "$during" -ge 1 ]'
wait "$slow" || true
for _ in $(seq 1 50); do [ "$(open_scanners)" = 0 ] && break; sleep 0.1; done
check "the scanner is closed after the client disconnected" '[ "$(open_scanners)" = 0 ]'

echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') in front of two gateways: all checks passed"
