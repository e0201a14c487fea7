#!/usr/bin/env bash
# Builds the fuzz targets, replays every saved crash input (Regressions/<target>/), then runs
# each target for RUNS_PER_TARGET inputs (default 5000) from its seed corpus, one target at a
# time. Fails on any crash, invariant failure, leak or timeout.
#
# A debug build by default: it builds in about a minute and a half on 2 cores where release
# takes four or five, which is what matters for a short run (campaign.sh builds release).
#
#   Tests/Fuzz/run-fuzzers.sh [RUNS_PER_TARGET]
#
# New inputs found on the way go to a scratch directory, never into Corpus/. The seed is fixed
# (FUZZ_SEED, default 1) so that a CI run is reproducible; set TARGETS to run only some.
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-5000}
export SWIFT_BACKTRACE=enable=no
export FUZZ_CONFIGURATION=${FUZZ_CONFIGURATION:-debug}
./build.sh
bin=.build/$FUZZ_CONFIGURATION
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
targets=${TARGETS:-$(cat targets.txt)}
for target in $targets; do
  options=(-seed="${FUZZ_SEED:-1}" -timeout=30 -artifact_prefix="$scratch/$target-")
  [ -f "Dictionaries/$target.dict" ] && options+=(-dict="Dictionaries/$target.dict")
  if [ -d "Regressions/$target" ] && [ -n "$(ls -A "Regressions/$target")" ]; then
    # Files as arguments: libFuzzer runs each once and exits non-zero if one fails.
    if ! nice -n 15 "$bin/$target" "${options[@]}" "Regressions/$target"/* >"$scratch/$target-replay.log" 2>&1; then
      cat "$scratch/$target-replay.log" >&2
      echo "FAIL $target: a saved crash input fails again" >&2
      exit 1
    fi
    echo "$target: $(ls "Regressions/$target" | wc -l) regression inputs pass"
  fi
  mkdir -p "$scratch/$target"
  if ! nice -n 15 "$bin/$target" "${options[@]}" -runs="$runs" "$scratch/$target" "Corpus/$target" \
      >"$scratch/$target.log" 2>&1; then
    tail -n 60 "$scratch/$target.log" >&2
    for crash in "$scratch/$target"-*; do
      [ -f "$crash" ] && { echo "crash input: $crash"; od -c "$crash" | head -20; } >&2
    done
    echo "FAIL $target" >&2
    exit 1
  fi
  echo "$target: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$scratch/$target.log" || echo "done")"
done
echo "all fuzz targets passed"
