/* Benchmark: string building — the C twin of strings.hako. Every string is
 * a fresh heap allocation, as in Hako; C frees each one when done. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1000000

static char* checked(char* p) {
  if (!p) {
    fputs("out of memory\n", stderr);
    exit(1);
  }
  return p;
}

/* A new string: `a` followed by `b`. */
static char* concat(const char* a, size_t a_len, const char* b, size_t b_len) {
  char* s = checked(malloc(a_len + b_len + 1));
  memcpy(s, a, a_len);
  memcpy(s + a_len, b, b_len);
  s[a_len + b_len] = '\0';
  return s;
}

/* A new string: `a` followed by the decimal text of `v`. */
static char* concat_int(const char* a, size_t a_len, int64_t v) {
  char digits[24];
  int n = snprintf(digits, sizeof digits, "%lld", (long long)v);
  return concat(a, a_len, digits, (size_t)n);
}

int main(void) {
  const int64_t n = N;
  int64_t total = 0;
  int64_t lines = 0;
  char* line = checked(calloc(1, 1));
  size_t line_len = 0;
  for (int64_t i = 0; i < n; i++) {
    char* s = concat_int("item-", 5, i);
    size_t s_len = strlen(s);
    char* s_colon = concat(s, s_len, ":", 1);
    char* t = concat_int(s_colon, s_len + 1, (int64_t)s_len);
    total += (int64_t)strlen(t);
    free(s);
    free(s_colon);
    free(t);
    char* longer = concat(line, line_len, "x", 1);
    free(line);
    line = longer;
    line_len++;
    if (line_len >= 100) {
      lines++;
      free(line);
      line = checked(calloc(1, 1));
      line_len = 0;
    }
  }
  free(line);
  printf("%lld\n%lld\n", (long long)total, (long long)lines);
  return 0;
}
