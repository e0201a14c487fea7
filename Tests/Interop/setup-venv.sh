#!/usr/bin/env bash
# Builds the Python environment the interop tests use: Apache Thrift 0.22 and Hypertable's
# own Python client (PyPI hypertable==0.9.8.10: Python 2 code, converted here with lib2to3);
# PyJWT and cryptography, which make the JWT test vectors; prometheus-client, whose
# exposition-format parser checks /metrics. Idempotent; prints the venv's path.
#
# usage: Tests/Interop/setup-venv.sh [VENV_DIR]   (default: <repo>/.build-interop/venv)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
VENV=${1:-$repo/.build-interop/venv}
jwt_packages="PyJWT==2.10.1 cryptography==44.0.2"
prometheus_client='prometheus-client==0.26.0'
if [ -f "$VENV/.interop-ready" ]; then
    # A venv made before the JWT vectors or the /metrics check gets their packages added.
    "$VENV/bin/python" -c 'import jwt, cryptography' 2>/dev/null || "$VENV/bin/pip" install -q $jwt_packages >&2
    "$VENV/bin/python" -c 'import prometheus_client.parser' 2>/dev/null || "$VENV/bin/pip" install -q "$prometheus_client" >&2
    echo "$VENV"; exit 0
fi
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q 'thrift==0.22.0' $jwt_packages "$prometheus_client" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$VENV/bin/pip" download -q --no-deps --no-binary :all: -d "$work" 'hypertable==0.9.8.10' >&2
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
( cd "$work" && tar xzf hypertable-0.9.8.10.tar.gz &&
  cp -r hypertable-0.9.8.10/hypertable hypertable-0.9.8.10/hyperthrift "$site/" )
"$VENV/bin/python" -m lib2to3 -w -n "$site/hypertable" "$site/hyperthrift" >/dev/null 2>&1
"$VENV/bin/python" -c 'import hypertable.thriftclient, hyperthrift.gen2.HqlService, jwt, cryptography, prometheus_client.parser' >&2
touch "$VENV/.interop-ready"
echo "$VENV"
