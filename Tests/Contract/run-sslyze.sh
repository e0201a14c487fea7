#!/bin/sh
# TLS contract test: starts the gateway over HTTPS (embedded broker, a free loopback port) with
# a throwaway CA and a leaf certificate made here, then runs sslyze against it with
# --mozilla_config=intermediate, trusting that CA. sslyze checks protocol versions, TLS 1.2
# and 1.3 suites, key exchange groups, the certificate and known TLS vulnerabilities.
# Exit status 0 only when sslyze finds the server compliant.
#
#   Tests/Contract/run-sslyze.sh            # uses .build/debug (builds it if absent)
#   GATEWAY_BIN=.build/release/hypertable-gateway Tests/Contract/run-sslyze.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv="$root/.build-contract/sslyze-venv"

if [ ! -x "$venv/bin/sslyze" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "sslyze==6.3.1"
fi

bin=${GATEWAY_BIN:-"$root/.build/debug/hypertable-gateway"}
if [ ! -x "$bin" ]; then swift build --product hypertable-gateway; fi

work=$(mktemp -d)
gateway=
cleanup() {
    if [ -n "$gateway" ]; then kill "$gateway" 2>/dev/null; wait "$gateway" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A CA and a leaf signed by it, both P-256 and SHA-256, the leaf valid 30 days (the profile
# caps a certificate's life span at 366) for localhost and 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
    -subj "/CN=hypertable-gateway test CA" -keyout "$work/ca-key.pem" -out "$work/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>"$work/openssl.log"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -subj "/CN=localhost" \
    -keyout "$work/key.pem" -out "$work/leaf.csr" 2>>"$work/openssl.log"
cat >"$work/leaf.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EOF
openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca-key.pem" -CAcreateserial \
    -sha256 -days 30 -extfile "$work/leaf.ext" -out "$work/cert.pem" 2>>"$work/openssl.log"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$work/gateway.log"
GATEWAY_ACCESS_LOG=off "$bin" --embedded --listen "127.0.0.1:$port" \
    --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" 2>"$log" &
gateway=$!

i=0
until curl -fs --cacert "$work/ca.pem" --resolve "localhost:$port:127.0.0.1" \
        "https://localhost:$port/health/live" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "gateway did not start; log:" >&2; cat "$log" >&2; exit 1; fi
    sleep 0.1
done

# localhost:PORT{127.0.0.1}: the name the certificate is checked against, and the address.
"$venv/bin/sslyze" --mozilla_config=intermediate --certinfo_ca_file="$work/ca.pem" \
    "localhost:$port{127.0.0.1}" "$@"
