/* Benchmark: a growable array, push then get, 8M each — the C twin of
 * array.hako. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 8000000

typedef struct {
  int64_t* items;
  int64_t length;
  int64_t capacity;
} Array;

static void push(Array* a, int64_t v) {
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
  Array a = {NULL, 0, 0};
  for (int64_t i = 0; i < n; i++) push(&a, i * 2);
  int64_t sum = 0;
  for (int64_t i = 0; i < a.length; i++) sum += a.items[i];
  printf("%lld\n", (long long)sum);
  free(a.items);
  return 0;
}
