/* string.c — string objects: creation, comparison, slicing (byte based). */
#include <string.h>

#include "internal.h"

/* Bytes of payload for a string of `len` bytes plus its NUL. */
static size_t string_size(int64_t len) {
  if (len < 0) reml_internal_error("negative string length %lld", (long long)len);
  return reml_add_size(reml_add_size(sizeof(reml_string_t), (size_t)len), 1);
}

static reml_string_t* fill(reml_string_t* s, const char* bytes, int64_t len) {
  s->len = len;
  if (len > 0) memcpy(s->data, bytes, (size_t)len);
  s->data[len] = '\0';
  return s;
}

reml_string_t* reml_str_new(const char* bytes, int64_t len) {
  return fill(reml_alloc_object(string_size(len), REML_TAG_STRING), bytes, len);
}

reml_string_t* reml_str_new_immortal(const char* bytes, int64_t len) {
  return fill(reml_alloc_immortal(string_size(len), REML_TAG_STRING), bytes, len);
}

int64_t reml_str_len(const reml_string_t* s) { return s->len; }

reml_string_t* reml_str_concat(const reml_string_t* a, const reml_string_t* b) {
  int64_t len = (int64_t)reml_add_size((size_t)a->len, (size_t)b->len);
  reml_string_t* s = reml_alloc_object(string_size(len), REML_TAG_STRING);
  s->len = len;
  memcpy(s->data, a->data, (size_t)a->len);
  memcpy(s->data + a->len, b->data, (size_t)b->len);
  s->data[len] = '\0';
  return s;
}

int64_t reml_str_eq(const reml_string_t* a, const reml_string_t* b) {
  return a == b || (a->len == b->len && memcmp(a->data, b->data, (size_t)a->len) == 0);
}

int64_t reml_str_cmp(const reml_string_t* a, const reml_string_t* b) {
  int64_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->data, b->data, (size_t)n);
  if (c != 0) return c < 0 ? -1 : 1;
  return a->len < b->len ? -1 : (a->len > b->len ? 1 : 0);
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

reml_string_t* reml_str_substring(const reml_string_t* s, int64_t a, int64_t b) {
  a = clamp(a, 0, s->len);
  b = clamp(b, 0, s->len);
  if (a >= b) return reml_str_new("", 0);
  return reml_str_new(s->data + a, b - a);
}

reml_string_t* reml_str_substring_from(const reml_string_t* s, int64_t a) {
  return reml_str_substring(s, a, s->len);
}

reml_string_t* reml_str_char_at(const reml_string_t* s, int64_t i) {
  if (i < 0 || i >= s->len) return reml_str_new("", 0);
  return reml_str_new(s->data + i, 1);
}
