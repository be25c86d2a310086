/* The trivial C function of the FFI benchmark, built as libhakobenchadd.so. */
#include <stdint.h>

int64_t add(int64_t a, int64_t b) { return a + b; }
