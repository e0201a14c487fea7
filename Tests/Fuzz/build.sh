#!/usr/bin/env bash
# Builds every fuzz target (libFuzzer + AddressSanitizer) into .build/$FUZZ_CONFIGURATION
# (release by default: several times the executions per second of debug, and Swift's overflow
# and bounds checks stay on; FUZZ_CONFIGURATION=debug adds `assert`s and builds faster).
# FUZZ_SANITIZERS=fuzzer builds without AddressSanitizer into .build-fuzzer/ instead: three to
# four times the executions per second. Swift's own checks (bounds, overflow, exclusivity,
# force-unwraps) still trap; only misuse of unsafe pointers goes unseen, which is why
# campaign.sh replays everything such a build found under the ASan build.
# -enable-testing lets the targets `@testable import` internal decoders. gold warns once per
# ASan helper symbol ("Cannot export local symbol"); that noise is filtered, nothing else is.
set -euo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
configuration=${FUZZ_CONFIGURATION:-release}
sanitizers=${FUZZ_SANITIZERS:-fuzzer,address}
case $sanitizers in
  fuzzer,address) scratch=.build ;;
  fuzzer) scratch=.build-fuzzer ;;
  *) echo "FUZZ_SANITIZERS is fuzzer,address (default) or fuzzer" >&2; exit 2 ;;
esac
# SwiftPM does not plan this package again when a file is added to one of the gateway's
# targets (a path dependency): the build then cannot find the new file's declarations. When
# the list of the gateway's source files changed since the last build (or is not known), the
# plan is dropped.
sources=$(cd ../.. && find Sources -name '*.swift' | sort | cksum)
if [ "$(cat "$scratch/sources.cksum" 2>/dev/null)" != "$sources" ]; then
  rm -f "$scratch/$configuration.yaml" "$scratch/build.db"
fi
if ! nice -n 15 swift build -c "$configuration" --scratch-path "$scratch" \
    -Xswiftc -sanitize="$sanitizers" -Xswiftc -parse-as-library -Xswiftc -enable-testing \
    >"$log" 2>&1; then
  grep -v "Cannot export local symbol" "$log" >&2
  exit 1
fi
echo "$sources" > "$scratch/sources.cksum"
grep -v "Cannot export local symbol" "$log" | tail -n 1; echo
