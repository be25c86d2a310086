/* string_parse.c — String toInteger() / toFloat(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* The bytes of `s` without surrounding blanks, as [*a, *b). */
static void trimmed(const reml_string_t* s, int64_t* a, int64_t* b) {
  *a = 0;
  *b = s->len;
  while (*a < *b && is_blank(s->data[*a])) (*a)++;
  while (*b > *a && is_blank(s->data[*b - 1])) (*b)--;
}

reml_handle_t reml_str_to_integer(const reml_string_t* s) {
  int64_t i, end;
  trimmed(s, &i, &end);
  bool neg = false;
  if (i < end && (s->data[i] == '+' || s->data[i] == '-')) neg = s->data[i++] == '-';
  if (i == end) return REML_VOID;
  /* Accumulate the magnitude unsigned so that INT64_MIN parses. */
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
  uint64_t mag = 0;
  for (; i < end; i++) {
    char c = s->data[i];
    if (c < '0' || c > '9') return REML_VOID;
    unsigned d = (unsigned)(c - '0');
    if (mag > (limit - d) / 10u) return REML_VOID; /* out of the Int range */
    mag = mag * 10u + d;
  }
  return reml_box_i64(neg ? (int64_t)(0u - mag) : (int64_t)mag);
}

reml_handle_t reml_str_to_float(const reml_string_t* s) {
  int64_t a, b;
  trimmed(s, &a, &b);
  if (a == b) return REML_VOID;
  /* strtod needs a NUL right after the text and must not see hex. */
  size_t n = (size_t)(b - a);
  char* text = reml_xmalloc(n + 1);
  memcpy(text, s->data + a, n);
  text[n] = '\0';
  reml_handle_t result = REML_VOID;
  if (memchr(text, 'x', n) == NULL && memchr(text, 'X', n) == NULL && memchr(text, '\0', n) == NULL) {
    char* endp = NULL;
    errno = 0;
    double v = strtod(text, &endp);
    if (endp == text + n) result = reml_box_f64(v);
  }
  free(text);
  return result;
}
