/* array.c — ArrayBox: a growable vector of owned handles. get, set, push and
 * length are defined in fast_paths.c from array_layout.h's inline functions
 * (-O2 code inlines them); their out-of-line halves are here. */
#include <stdlib.h>
#include <string.h>

#include "array_layout.h"
#include "guard.h"
#include "internal.h"

reml_array_t* reml_array_new(void) {
  reml_array_t* a = reml_alloc_object(sizeof(reml_array_t), REML_TAG_ARRAY);
  a->len = 0;
  a->cap = 0;
  a->items = NULL;
  a->weak = NULL;
  return a;
}

void reml_array_destroy(reml_array_t* a) {
  for (int64_t i = 0; i < a->len; i++) reml_h_release(a->items[i]);
  free(a->items);
  a->items = NULL;
  a->len = a->cap = 0;
}

static void reserve(reml_array_t* a, int64_t need) {
  if (need <= a->cap) return;
  int64_t cap = a->cap ? a->cap : 4;
  while (cap < need) cap *= 2;
  a->items = reml_xrealloc(a->items, reml_mul_size((size_t)cap, sizeof(reml_handle_t)));
  a->cap = cap;
}

reml_handle_t reml_array_pop(reml_array_t* a) {
  if (a->len == 0) return REML_VOID;
  return a->items[--a->len]; /* the array's reference moves to the caller */
}

REML_NORETURN static void index_error(const reml_array_t* a, int64_t i, const reml_loc_t* loc) {
  reml_panic_at(loc, "Index out of range: %lld (length %lld)", (long long)i, (long long)a->len);
}

void reml_array_push_grow(reml_array_t* a, reml_handle_t v) {
  reserve(a, a->len + 1);
  a->items[a->len++] = v;
}

void reml_array_set_slow(reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc) {
  if (i == a->len) {
    reml_array_push_grow(a, v);
    return;
  }
  reml_h_release(v); /* the caller's reference; the message reads only `a` */
  index_error(a, i, loc);
}

REML_GUARDED_VOID(reml_array_insert, (reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc),
                  (a, i, v, loc), return, loc, REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(3, v)) {
  if (i < 0 || i > a->len) index_error(a, i, loc);
  reserve(a, a->len + 1);
  memmove(a->items + i + 1, a->items + i, (size_t)(a->len - i) * sizeof(reml_handle_t));
  reml_h_retain(v);
  a->items[i] = v;
  a->len++;
}

reml_handle_t reml_array_remove(reml_array_t* a, int64_t i) {
  if (i < 0 || i >= a->len) return REML_VOID;
  reml_handle_t v = a->items[i];
  memmove(a->items + i, a->items + i + 1, (size_t)(a->len - i - 1) * sizeof(reml_handle_t));
  a->len--;
  return v;
}

/* index_of without the guard. */
static int64_t index_of(const reml_array_t* a, reml_handle_t v) {
  for (int64_t i = 0; i < a->len; i++)
    if (reml_dyn_eq(a->items[i], v)) return i;
  return -1;
}

REML_GUARDED(int64_t, reml_array_index_of, (const reml_array_t* a, reml_handle_t v), (a, v), return 0, NULL,
             REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(2, v)) {
  return index_of(a, v);
}

REML_GUARDED(int64_t, reml_array_contains, (const reml_array_t* a, reml_handle_t v), (a, v), return 0, NULL,
             REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(2, v)) {
  return index_of(a, v) >= 0;
}

reml_string_t* reml_array_join(const reml_array_t* a, const reml_string_t* sep) {
  reml_strbuf_t sb;
  reml_sb_init(&sb);
  for (int64_t i = 0; i < a->len; i++) {
    if (i > 0) reml_sb_append(&sb, sep->data, (size_t)sep->len);
    reml_sb_append_value(&sb, a->items[i]);
  }
  return reml_sb_finish(&sb);
}

reml_array_t* reml_array_slice(const reml_array_t* a, int64_t from, int64_t to) {
  if (from < 0) from = 0;
  if (from > a->len) from = a->len;
  if (to < 0) to = 0;
  if (to > a->len) to = a->len;
  reml_array_t* r = reml_array_new();
  if (from >= to) return r;
  reserve(r, to - from);
  for (int64_t i = from; i < to; i++) {
    reml_h_retain(a->items[i]);
    r->items[r->len++] = a->items[i];
  }
  return r;
}

void reml_array_reverse(reml_array_t* a) {
  for (int64_t i = 0, j = a->len - 1; i < j; i++, j--) {
    reml_handle_t t = a->items[i];
    a->items[i] = a->items[j];
    a->items[j] = t;
  }
}

void reml_array_clear(reml_array_t* a) {
  /* Detach the items first so `a` is already consistent while they are
   * released. */
  reml_handle_t* items = a->items;
  int64_t len = a->len;
  a->items = NULL;
  a->len = a->cap = 0;
  for (int64_t i = 0; i < len; i++) reml_h_release(items[i]);
  free(items);
}
