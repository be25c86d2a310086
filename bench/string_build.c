/* Benchmark: building strings — the C twin of string_build.hako, as a C
 * programmer writes it: numbers formatted with snprintf into fresh heap
 * strings, the join and the concatenation loop appending to a growable
 * buffer, strstr for indexOf. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 40000

typedef struct {
  char* data;
  size_t length;
  size_t capacity;
} Buffer;

static void* checked(void* p) {
  if (!p) {
    fputs("out of memory\n", stderr);
    exit(1);
  }
  return p;
}

static void append(Buffer* b, const char* s, size_t n) {
  if (b->length + n + 1 > b->capacity) {
    size_t capacity = b->capacity ? b->capacity * 2 : 16;
    while (capacity < b->length + n + 1) capacity *= 2;
    b->data = checked(realloc(b->data, capacity));
    b->capacity = capacity;
  }
  memcpy(b->data + b->length, s, n);
  b->length += n;
  b->data[b->length] = '\0';
}

static void append_int(Buffer* b, int64_t v) {
  char digits[24];
  int n = snprintf(digits, sizeof digits, "%lld", (long long)v);
  append(b, digits, (size_t)n);
}

/* The position of `t` in `s`, -1 when absent (Hako's indexOf). */
static int64_t index_of(const char* s, const char* t) {
  const char* at = strstr(s, t);
  return at ? (int64_t)(at - s) : -1;
}

int main(void) {
  const int64_t rounds = ROUNDS;
  int64_t total = 0;
  int64_t found = 0;
  char* parts[100];
  for (int64_t r = 0; r < rounds; r++) {
    for (int64_t i = 0; i < 100; i++) {
      char digits[24];
      int n = snprintf(digits, sizeof digits, "%lld", (long long)((r * 100 + i) * 7));
      parts[i] = checked(malloc((size_t)n + 1));
      memcpy(parts[i], digits, (size_t)n + 1);
    }
    Buffer line = {NULL, 0, 0};
    for (int64_t i = 0; i < 100; i++) {
      if (i > 0) append(&line, ",", 1);
      append(&line, parts[i], strlen(parts[i]));
    }
    total = total + (int64_t)line.length;
    char key[32];
    snprintf(key, sizeof key, ",%lld,", (long long)(r * 700 + 350));
    total = total + index_of(line.data, key);
    if (index_of(line.data, "777") >= 0) found = found + 1;
    Buffer s = {NULL, 0, 0};
    append(&s, "", 0);
    for (int64_t j = 0; j < 20; j++) {
      append_int(&s, j);
      append(&s, ";", 1);
    }
    total = total + (int64_t)s.length + index_of(s.data, "19;");
    for (int64_t i = 0; i < 100; i++) free(parts[i]);
    free(line.data);
    free(s.data);
  }
  printf("%lld\n%lld\n", (long long)total, (long long)found);
  return 0;
}
