#ifndef CFUZZDRIVER_H
#define CFUZZDRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef int (*fuzz_test_one_input)(const uint8_t *data, size_t size);

/// Runs libFuzzer's driver (command line, corpus, mutation loop) on `test`.
int fuzz_driver_main(int argc, char **argv, fuzz_test_one_input test);

#endif
