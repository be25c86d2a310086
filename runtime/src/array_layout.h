/* array_layout.h — ArrayBox's Int-index fast paths, shared by array.c and
 * fast_paths.c. fast_paths.c defines the entry points (reml_array_get,
 * reml_array_set, reml_array_set_i, reml_array_push, reml_array_push_i,
 * reml_array_len) from these inline functions, so -O2 code, which links that
 * file's bitcode, runs an in-range get or set, or a push with room, inline;
 * only growing the items, widening Bools to handles and an out-of-range set
 * call into array.c. docs/runtime.md, "ArrayBox", gives the design: the
 * element kind (reml_array_t.kind) lets an array of Bools keep one byte per
 * element and an array of uncounted handles skip every count. The layout
 * itself (reml_array_t) is public in reml_runtime.h. */
#ifndef REML_ARRAY_LAYOUT_H
#define REML_ARRAY_LAYOUT_H

#include <stdint.h>

#include "reml_runtime.h"

/* Appends `v` (owned) when the items are full or are Bools and `v` is not
 * one: widens, grows, then stores. The slow half of array_push_owned, in
 * array.c. */
void reml_array_push_slow(reml_array_t* a, reml_handle_t v);

/* The slow half of array_set_owned, in array.c: `i` is not an index of an
 * element, or the items are Bools and `v` is not one. An element index
 * widens the items to handles and stores `v` (owned); `i == len` appends
 * it; any other `i` releases `v` and raises `Index out of range` at `loc`. */
void reml_array_set_slow(reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc);

/* Turns an array of Bool bytes into one of handles, for the operations
 * that move elements (sort, reverse, insert, remove); other kinds stay. */
void reml_array_widen(reml_array_t* a);

/* The Bool bytes of an array of kind REML_ARRAY_BOOLS. */
REML_INLINE uint8_t* array_bytes(const reml_array_t* a) { return (uint8_t*)a->items; }

/* Whether `h` is one of the two Bools. */
REML_INLINE int array_is_bool(reml_handle_t h) { return h == REML_TRUE || h == REML_FALSE; }

/* Element `i` (0 <= i < len) as a handle, borrowed: what every reader that
 * is not a fast path uses, whatever the kind. */
REML_INLINE reml_handle_t array_at(const reml_array_t* a, int64_t i) {
  if (a->kind == REML_ARRAY_BOOLS) return reml_box_bool_inline(array_bytes(a)[i]);
  return a->items[i];
}

/* Stores handle `v` (owned) at `i` of an array of handles, as its kind
 * requires: a counted `v` makes the kind REML_ARRAY_COUNTED; the element
 * replaced, if any (`replacing`), is released unless the kind promised it
 * is uncounted. */
REML_INLINE void array_store_handle(reml_array_t* a, int64_t i, reml_handle_t v, int replacing) {
  if (a->kind == REML_ARRAY_UNCOUNTED) {
    if (!reml_h_uncounted(v)) a->kind = REML_ARRAY_COUNTED;
    a->items[i] = v;
    return;
  }
  /* The caller's reference to `v` is already taken: `v` may be the very
   * element being replaced. */
  reml_handle_t old = replacing ? a->items[i] : REML_VOID;
  a->items[i] = v;
  reml_h_release(old);
}

/* Appends `v` (owned): the reference moves into the array. */
REML_INLINE void array_push_owned(reml_array_t* a, reml_handle_t v) {
  if (REML_LIKELY(a->len < a->cap)) {
    if (a->kind != REML_ARRAY_BOOLS) {
      array_store_handle(a, a->len++, v, 0);
      return;
    }
    if (array_is_bool(v)) {
      array_bytes(a)[a->len++] = v == REML_TRUE;
      return;
    }
  }
  reml_array_push_slow(a, v);
}

/* Stores `v` (owned) at `i`: replaces an element, appends at `i == len`, or
 * raises `Index out of range`. One unsigned compare covers both bounds. */
REML_INLINE void array_set_owned(reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc) {
  if (REML_LIKELY((uint64_t)i < (uint64_t)a->len)) {
    if (a->kind != REML_ARRAY_BOOLS) {
      array_store_handle(a, i, v, 1);
      return;
    }
    if (array_is_bool(v)) {
      array_bytes(a)[i] = v == REML_TRUE;
      return;
    }
  }
  reml_array_set_slow(a, i, v, loc);
}

/* The element at `i`, retained for the caller, or Void out of range. */
REML_INLINE reml_handle_t array_get(const reml_array_t* a, int64_t i) {
  if ((uint64_t)i >= (uint64_t)a->len) return REML_VOID;
  uint32_t kind = a->kind;
  if (kind == REML_ARRAY_BOOLS) return reml_box_bool_inline(array_bytes(a)[i]);
  reml_handle_t v = a->items[i];
  if (kind == REML_ARRAY_COUNTED) reml_h_retain(v);
  return v;
}

#endif /* REML_ARRAY_LAYOUT_H */
