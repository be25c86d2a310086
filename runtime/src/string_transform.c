/* string_transform.c — strings derived from strings: replace, trim, case
 * mapping and split (all byte based; case mapping is ASCII only). */
#include <string.h>

#include "internal.h"

reml_string_t* reml_str_replace(const reml_string_t* s, const reml_string_t* from, const reml_string_t* to) {
  reml_strbuf_t sb;
  reml_sb_init(&sb);
  if (from->len == 0) {
    /* An empty pattern matches before every byte and at the end. */
    for (int64_t i = 0; i < s->len; i++) {
      reml_sb_append(&sb, to->data, (size_t)to->len);
      reml_sb_append_byte(&sb, s->data[i]);
    }
    reml_sb_append(&sb, to->data, (size_t)to->len);
    return reml_sb_finish(&sb);
  }
  int64_t pos = 0;
  for (;;) {
    int64_t hit = reml_str_index_of_from(s, from, pos);
    if (hit < 0) break;
    reml_sb_append(&sb, s->data + pos, (size_t)(hit - pos));
    reml_sb_append(&sb, to->data, (size_t)to->len);
    pos = hit + from->len;
  }
  reml_sb_append(&sb, s->data + pos, (size_t)(s->len - pos));
  return reml_sb_finish(&sb);
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

reml_string_t* reml_str_trim(const reml_string_t* s) {
  int64_t a = 0, b = s->len;
  while (a < b && is_blank(s->data[a])) a++;
  while (b > a && is_blank(s->data[b - 1])) b--;
  return reml_str_new(s->data + a, b - a);
}

/* ASCII-only mapping keeps UTF-8 multi-byte sequences intact. */
static reml_string_t* map_case(const reml_string_t* s, char lo, char hi, int delta) {
  reml_string_t* r = reml_str_new(s->data, s->len);
  for (int64_t i = 0; i < r->len; i++)
    if (r->data[i] >= lo && r->data[i] <= hi) r->data[i] = (char)(r->data[i] + delta);
  return r;
}

reml_string_t* reml_str_to_upper(const reml_string_t* s) { return map_case(s, 'a', 'z', 'A' - 'a'); }

reml_string_t* reml_str_to_lower(const reml_string_t* s) { return map_case(s, 'A', 'Z', 'a' - 'A'); }

/* Appends a new string of bytes [a, b) of `s` to `arr`, handing over the
 * only reference. */
static void push_piece(reml_array_t* arr, const reml_string_t* s, int64_t a, int64_t b) {
  reml_string_t* piece = reml_str_new(s->data + a, b - a);
  reml_array_push(arr, reml_h_from_ptr(piece));
  dec_ref(piece);
}

reml_array_t* reml_str_split(const reml_string_t* s, const reml_string_t* sep) {
  reml_array_t* arr = reml_array_new();
  if (sep->len == 0) {
    for (int64_t i = 0; i < s->len; i++) push_piece(arr, s, i, i + 1);
    return arr;
  }
  int64_t pos = 0;
  for (;;) {
    int64_t hit = reml_str_index_of_from(s, sep, pos);
    if (hit < 0) break;
    push_piece(arr, s, pos, hit);
    pos = hit + sep->len;
  }
  push_piece(arr, s, pos, s->len);
  return arr;
}
