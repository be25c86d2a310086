/* strbuf.c — the growable byte buffer behind every built string. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void reml_sb_init(reml_strbuf_t* sb) {
  sb->data = NULL;
  sb->len = 0;
  sb->cap = 0;
}

static void reserve(reml_strbuf_t* sb, size_t extra) {
  size_t need = reml_add_size(sb->len, extra);
  if (need <= sb->cap) return;
  size_t cap = sb->cap ? sb->cap : 32;
  while (cap < need) cap = reml_mul_size(cap, 2);
  sb->data = reml_xrealloc(sb->data, cap);
  sb->cap = cap;
}

void reml_sb_append(reml_strbuf_t* sb, const char* bytes, size_t len) {
  if (len == 0) return;
  reserve(sb, len);
  memcpy(sb->data + sb->len, bytes, len);
  sb->len += len;
}

void reml_sb_append_cstr(reml_strbuf_t* sb, const char* s) { reml_sb_append(sb, s, strlen(s)); }

void reml_sb_append_byte(reml_strbuf_t* sb, char c) {
  reserve(sb, 1);
  sb->data[sb->len++] = c;
}

reml_string_t* reml_sb_finish(reml_strbuf_t* sb) {
  reml_string_t* s = reml_str_new(sb->data, (int64_t)sb->len);
  reml_sb_free(sb);
  return s;
}

void reml_sb_free(reml_strbuf_t* sb) {
  free(sb->data);
  reml_sb_init(sb);
}
