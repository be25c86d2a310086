/* The C side of the FFI benchmark: N calls of add() from libhakobenchadd.so,
 * the same loop bench/ffi/add_loop.hako runs. N is the first argument. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int64_t add(int64_t a, int64_t b);

int main(int argc, char** argv) {
  int64_t n = argc > 1 ? strtoll(argv[1], NULL, 10) : 100000000;
  int64_t s = 0;
  for (int64_t i = 0; i < n; i++) s = add(s, i);
  printf("%" PRId64 "\n", s);
  return 0;
}
