/* string.c — string objects: creation, comparison, slicing (byte based). */
#include <string.h>

#include "internal.h"

/* Bytes of payload for a string of `len` bytes plus its NUL. Every string
 * is built through here, so the checks stay inline: a length that is
 * negative or too large for memory is a bug in the caller, never data. */
REML_INLINE size_t string_size(int64_t len) {
  if (REML_LIKELY(len >= 0 && (uint64_t)len < (uint64_t)INT64_MAX - sizeof(reml_string_t)))
    return sizeof(reml_string_t) + (size_t)len + 1;
  reml_internal_error("string length %lld out of range", (long long)len);
}

/* reml_str_alloc, inline for the concatenations below. */
REML_INLINE reml_string_t* new_string(int64_t len) {
  reml_string_t* s = reml_alloc_object(string_size(len), REML_TAG_STRING);
  s->len = len;
  s->data[len] = '\0';
  return s;
}

reml_string_t* reml_str_alloc(int64_t len) { return new_string(len); }

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

/* A new string of `a` then a gap of `gap` bytes then `b` (either may be
 * NULL for none); the caller fills the gap. Inline, so each concatenation
 * below is one straight path to the allocator and its copies. The sum
 * fits in size_t (each length is below INT64_MAX, `gap` is a number's
 * text); string_size rejects one beyond INT64_MAX. */
REML_INLINE reml_string_t* joined(const reml_string_t* a, size_t gap, const reml_string_t* b, char** gap_at) {
  size_t a_len = a ? (size_t)a->len : 0;
  size_t b_len = b ? (size_t)b->len : 0;
  reml_string_t* s = new_string((int64_t)(a_len + gap + b_len));
  memcpy(s->data, a ? a->data : "", a_len);
  *gap_at = s->data + a_len;
  memcpy(s->data + a_len + gap, b ? b->data : "", b_len);
  return s;
}

reml_string_t* reml_str_concat(const reml_string_t* a, const reml_string_t* b) {
  char* gap;
  return joined(a, 0, b, &gap);
}

reml_string_t* reml_str_concat_i64(const reml_string_t* a, int64_t v) {
  int len = reml_i64_text_len(v);
  char* gap;
  reml_string_t* s = joined(a, (size_t)len, NULL, &gap);
  reml_i64_write(gap, v, len);
  return s;
}

reml_string_t* reml_i64_concat_str(int64_t v, const reml_string_t* b) {
  int len = reml_i64_text_len(v);
  char* gap;
  reml_string_t* s = joined(NULL, (size_t)len, b, &gap);
  reml_i64_write(gap, v, len);
  return s;
}

reml_string_t* reml_str_concat_f64(const reml_string_t* a, double v) {
  char text[REML_F64_TEXT_MAX];
  int len = reml_format_f64(v, text);
  char* gap;
  reml_string_t* s = joined(a, (size_t)len, NULL, &gap);
  memcpy(gap, text, (size_t)len);
  return s;
}

reml_string_t* reml_f64_concat_str(double v, const reml_string_t* b) {
  char text[REML_F64_TEXT_MAX];
  int len = reml_format_f64(v, text);
  char* gap;
  reml_string_t* s = joined(NULL, (size_t)len, b, &gap);
  memcpy(gap, text, (size_t)len);
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
