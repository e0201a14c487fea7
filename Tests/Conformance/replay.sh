#!/bin/sh
# Replays Hypertable's HQL regression test against the embedded emulator and reports, statement
# by statement, where the emulator's output differs from a real Hypertable's.
#
#   Tests/Conformance/replay.sh HYPERTABLE_SRC
#   HYPERTABLE_SRC=... Tests/Conformance/replay.sh
#
# HYPERTABLE_SRC (the argument, or the environment variable of that name) is a clone (bare or
# not) of github.com/hypertable/hypertable. There is no default: where a clone lives differs
# from machine to machine. The script, its expected output and the data files
# it loads (Hypertable's, GPLv3) are extracted to a temporary directory and never copied into
# this repository.
#
# The replay is `hypertable-gateway conformance --hql FILE --golden FILE`, which calls
# ConformanceReplay.run(hql:golden:readFile:) in the HypertableEmulator module, reading data
# files relative to the directory of FILE. Set HYPERTABLE_GATEWAY to a
# built binary to skip `swift run`. Exit status: the command's (non-zero when statements fail).
set -eu

git_dir=${1:-${HYPERTABLE_SRC:-}}
if [ -z "$git_dir" ]; then
    echo "usage: replay.sh HYPERTABLE_SRC (or set HYPERTABLE_SRC): a clone of github.com/hypertable/hypertable" >&2
    exit 2
fi
test_dir=src/cc/Tools/client/hypertable/test
here=$(cd "$(dirname "$0")/../.." && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/ht-conformance.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

for f in hypertable_test.hql hypertable_test.golden; do
    if ! git -C "$git_dir" show "HEAD:$test_dir/$f" > "$work/$f" 2>/dev/null; then
        echo "replay.sh: cannot read $test_dir/$f from $git_dir" >&2
        exit 2
    fi
done

# The data files the script loads (LOAD DATA INFILE "name"), next to it; the replay reads
# them relative to the script's directory. A missing one only skips those statements.
grep -i '^LOAD DATA INFILE' "$work/hypertable_test.hql" | sed -n 's/.*"\([^"/]*\)".*/\1/p' | sort -u |
while read -r data; do
    git -C "$git_dir" show "HEAD:$test_dir/$data" > "$work/$data" 2>/dev/null || rm -f "$work/$data"
done

# The emulator reads and prints HQL timestamps in the local zone, as Hypertable does. The
# script's timestamps round-trip in any zone, except a time that falls in a daylight-saving gap
# or overlap of the caller's zone; UTC has none, so the replay does not depend on the machine.
TZ=UTC
export TZ

status=0
if [ -n "${HYPERTABLE_GATEWAY:-}" ]; then
    "$HYPERTABLE_GATEWAY" conformance --hql "$work/hypertable_test.hql" --golden "$work/hypertable_test.golden" || status=$?
else
    (cd "$here" && swift run -q hypertable-gateway conformance \
        --hql "$work/hypertable_test.hql" --golden "$work/hypertable_test.golden") || status=$?
fi
exit "$status"
