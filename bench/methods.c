/* Benchmark: 40M method calls on a heap object — the C twin of methods.hako. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 20000000

typedef struct {
  int64_t n;
} Counter;

static Counter* counter_new(void) {
  Counter* c = malloc(sizeof *c);
  if (!c) {
    fputs("out of memory\n", stderr);
    exit(1);
  }
  c->n = 0;
  return c;
}
static void counter_add(Counter* c, int64_t k) { c->n = c->n + k; }
static int64_t counter_get(const Counter* c) { return c->n; }

int main(void) {
  const int64_t n = N;
  Counter* c = counter_new();
  int64_t check = 0;
  for (int64_t i = 0; i < n; i++) {
    counter_add(c, i % 7);
    check = check + counter_get(c) % 3;
  }
  printf("%lld\n%lld\n", (long long)counter_get(c), (long long)check);
  free(c);
  return 0;
}
