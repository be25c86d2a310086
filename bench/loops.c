/* Benchmark: nested integer loops — the C twin of loops.hako. */
#include <stdint.h>
#include <stdio.h>

#define N 10000

int main(void) {
  const int64_t n = N;
  int64_t sum = 0;
  for (int64_t i = 0; i < n; i++) {
    for (int64_t j = 0; j < n; j++) sum += (i * j) & 255;
  }
  printf("%lld\n", (long long)sum);
  return 0;
}
