// SwiftPM links every executable target with `--defsym main=<Target>_main` (so that tests can
// call into executables), which hides libFuzzer's own `main`. Each target therefore defines
// `<Target>_main` and hands control to libFuzzer's documented entry point for programs that
// have their own main.
#include "CFuzzDriver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int fuzz_driver_main(int argc, char **argv, fuzz_test_one_input test) {
    return LLVMFuzzerRunDriver(&argc, &argv, test);
}
