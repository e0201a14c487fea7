#!/usr/bin/env bash
# A long fuzzing campaign: each target in turn (never two at once: the machine is shared), at
# nice 15, growing a corpus kept between campaigns in .work/corpus/.
#
#   Tests/Fuzz/campaign.sh SECONDS_PER_TARGET [TARGET...]
#   Tests/Fuzz/campaign.sh --runs EXECUTIONS_PER_TARGET [TARGET...]
#
# By default the targets run under AddressSanitizer. FUZZ_SANITIZERS=fuzzer runs them without
# it, three to four times faster (see build.sh); the campaign then replays each target's whole
# grown corpus under the ASan build at the end, so an input that misused memory without
# trapping is still caught (a failing replay counts as a crash).
#
# Writes .work/summary.txt, or $FUZZ_SUMMARY (executions, exec/s, new corpus size and any crash per target),
# the libFuzzer logs in .work/logs/, and crash inputs in .work/artifacts/. A crash stops only
# its own target; the script exits non-zero at the end if any target crashed. Minimize a crash
# with: .build/release/TARGET -minimize_crash=1 -runs=100000 CRASH_FILE
set -euo pipefail
cd "$(dirname "$0")"
usage="usage: campaign.sh SECONDS_PER_TARGET | --runs EXECUTIONS_PER_TARGET [TARGET...]"
if [ "${1:-}" = --runs ]; then
  limit=(-runs="${2:?$usage}"); what="${2} executions per target"; shift 2
else
  limit=(-max_total_time="${1:?$usage}"); what="${1}s per target"; shift
fi
targets=${*:-$(cat targets.txt)}
export SWIFT_BACKTRACE=enable=no
sanitizers=${FUZZ_SANITIZERS:-fuzzer,address}
configuration=${FUZZ_CONFIGURATION:-release}
./build.sh
if [ "$sanitizers" = fuzzer ]; then
  bin=.build-fuzzer/$configuration
  FUZZ_SANITIZERS=fuzzer,address ./build.sh   # for the replay
else
  bin=.build/$configuration
fi
asan=.build/$configuration
mkdir -p .work/corpus .work/logs .work/artifacts
# FUZZ_SUMMARY names another summary file: for campaigns run side by side, one per core.
summary=${FUZZ_SUMMARY:-.work/summary.txt}
{
  echo "campaign $(date -u +%Y-%m-%dT%H:%M:%SZ): $what, sanitizers $sanitizers, $(nproc) cores, nice 15"
  printf '%-24s %12s %10s %8s %8s %9s  %s\n' target executions exec/s corpus rss_mb seconds result
} >"$summary"
failed=0
for target in $targets; do
  mkdir -p ".work/corpus/$target" ".work/artifacts/$target"
  options=("${limit[@]}" -print_final_stats=1 -timeout=30
           -artifact_prefix=".work/artifacts/$target/")
  [ -f "Dictionaries/$target.dict" ] && options+=(-dict="Dictionaries/$target.dict")
  log=".work/logs/$target.log"
  result=ok
  started=$SECONDS
  if ! nice -n 15 "$bin/$target" "${options[@]}" ".work/corpus/$target" "Corpus/$target" >"$log" 2>&1; then
    result="CRASH $(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -n 1)"
    failed=1
  fi
  elapsed=$((SECONDS - started))
  if [ "$result" = ok ] && [ "$bin" != "$asan" ]; then
    # -runs=0 over a directory executes each input once.
    if ! nice -n 15 "$asan/$target" -runs=0 -timeout=30 -artifact_prefix=".work/artifacts/$target/asan-" \
        ".work/corpus/$target" >".work/logs/$target-asan-replay.log" 2>&1; then
      result="CRASH under ASan replay (.work/logs/$target-asan-replay.log)"
      failed=1
    else
      result="ok, $(ls ".work/corpus/$target" | wc -l) corpus inputs replayed under ASan"
    fi
  fi
  stat() { grep -o "stat::$1: *[0-9]*" "$log" | grep -o '[0-9]*$' | tail -n 1; }
  printf '%-24s %12s %10s %8s %8s %9s  %s\n' "$target" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$(ls ".work/corpus/$target" | wc -l)" "$(stat peak_rss_mb)" \
    "$elapsed" "$result" >>"$summary"
  tail -n 1 "$summary"
done
cat "$summary"
exit "$failed"
