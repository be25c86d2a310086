/* string_search.c — substring search on byte strings. */
#include <string.h>

#include "internal.h"

/* First position >= from of `t` in `s`, or -1; from must be in [0, len]. */
static int64_t find_from(const reml_string_t* s, const reml_string_t* t, int64_t from) {
  if (t->len == 0) return from;
  if (t->len > s->len - from) return -1;
  const char* end = s->data + (s->len - t->len) + 1; /* one past the last start */
  const char* p = s->data + from;
  while (p < end) {
    p = memchr(p, (unsigned char)t->data[0], (size_t)(end - p));
    if (p == NULL) return -1;
    if (memcmp(p, t->data, (size_t)t->len) == 0) return p - s->data;
    p++;
  }
  return -1;
}

int64_t reml_str_index_of(const reml_string_t* s, const reml_string_t* t) { return find_from(s, t, 0); }

int64_t reml_str_index_of_from(const reml_string_t* s, const reml_string_t* t, int64_t from) {
  if (from < 0) from = 0;
  if (from > s->len) from = s->len;
  return find_from(s, t, from);
}

int64_t reml_str_last_index_of(const reml_string_t* s, const reml_string_t* t) {
  if (t->len > s->len) return -1;
  for (int64_t i = s->len - t->len; i >= 0; i--)
    if (memcmp(s->data + i, t->data, (size_t)t->len) == 0) return i;
  return -1;
}

int64_t reml_str_contains(const reml_string_t* s, const reml_string_t* t) { return find_from(s, t, 0) >= 0; }

int64_t reml_str_starts_with(const reml_string_t* s, const reml_string_t* t) {
  return t->len <= s->len && memcmp(s->data, t->data, (size_t)t->len) == 0;
}

int64_t reml_str_ends_with(const reml_string_t* s, const reml_string_t* t) {
  return t->len <= s->len && memcmp(s->data + (s->len - t->len), t->data, (size_t)t->len) == 0;
}
