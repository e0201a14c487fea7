#!/usr/bin/env bash
# A long fuzzing campaign: each target in turn (never two at once: the machine is shared) for
# SECONDS_PER_TARGET, at nice 15, growing a corpus kept between campaigns in .work/corpus/.
#
#   Tests/Fuzz/campaign.sh SECONDS_PER_TARGET [TARGET...]
#
# Writes .work/summary.txt (executions, exec/s, new corpus size and any crash per target),
# the libFuzzer logs in .work/logs/, and crash inputs in .work/artifacts/. A crash stops only
# its own target; the script exits non-zero at the end if any target crashed. Minimize a crash
# with: .build/release/TARGET -minimize_crash=1 -runs=100000 CRASH_FILE
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: campaign.sh SECONDS_PER_TARGET [TARGET...]}
shift
targets=${*:-$(cat targets.txt)}
export SWIFT_BACKTRACE=enable=no
./build.sh
bin=.build/${FUZZ_CONFIGURATION:-release}
mkdir -p .work/corpus .work/logs .work/artifacts
summary=.work/summary.txt
{
  echo "campaign $(date -u +%Y-%m-%dT%H:%M:%SZ): ${seconds}s per target, $(nproc) cores, nice 15"
  printf '%-24s %12s %10s %8s %8s  %s\n' target executions exec/s corpus rss_mb result
} >"$summary"
failed=0
for target in $targets; do
  mkdir -p ".work/corpus/$target" ".work/artifacts/$target"
  options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=30
           -artifact_prefix=".work/artifacts/$target/")
  [ -f "Dictionaries/$target.dict" ] && options+=(-dict="Dictionaries/$target.dict")
  log=".work/logs/$target.log"
  result=ok
  if ! nice -n 15 "$bin/$target" "${options[@]}" ".work/corpus/$target" "Corpus/$target" >"$log" 2>&1; then
    result="CRASH $(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -n 1)"
    failed=1
  fi
  stat() { grep -o "stat::$1: *[0-9]*" "$log" | grep -o '[0-9]*$' | tail -n 1; }
  printf '%-24s %12s %10s %8s %8s  %s\n' "$target" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$(ls ".work/corpus/$target" | wc -l)" "$(stat peak_rss_mb)" "$result" >>"$summary"
  tail -n 1 "$summary"
done
cat "$summary"
exit "$failed"
