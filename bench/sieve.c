/* Benchmark: the sieve of Eratosthenes — the C twin of sieve.hako: a
 * growable array of bools, pushed one at a time as the Hako program does. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 10000000

typedef struct {
  bool* items;
  int64_t length;
  int64_t capacity;
} BoolArray;

static void push(BoolArray* a, bool v) {
  if (a->length == a->capacity) {
    a->capacity = a->capacity ? a->capacity * 2 : 8;
    a->items = realloc(a->items, (size_t)a->capacity * sizeof *a->items);
    if (!a->items) {
      fputs("out of memory\n", stderr);
      exit(1);
    }
  }
  a->items[a->length++] = v;
}

int main(void) {
  const int64_t n = N;
  BoolArray flags = {NULL, 0, 0};
  for (int64_t i = 0; i < n; i++) push(&flags, true);
  flags.items[0] = false;
  flags.items[1] = false;
  for (int64_t p = 2; p * p < n; p++) {
    if (flags.items[p]) {
      for (int64_t j = p * p; j < n; j += p) flags.items[j] = false;
    }
  }
  int64_t count = 0;
  int64_t sum = 0;
  for (int64_t i = 0; i < n; i++) {
    if (flags.items[i]) {
      count = count + 1;
      sum = sum + i;
    }
  }
  printf("%lld\n%lld\n", (long long)count, (long long)sum);
  free(flags.items);
  return 0;
}
