/* array_layout.h — ArrayBox's Int-index fast paths, shared by array.c and
 * fast_paths.c. fast_paths.c defines the entry points (reml_array_get,
 * reml_array_set, reml_array_set_i, reml_array_push, reml_array_push_i,
 * reml_array_len) from these inline functions, so -O2 code, which links that
 * file's bitcode, runs an in-range get or set, or a push with room, inline;
 * only growing the items and an out-of-range set call into array.c.
 * docs/runtime.md, "ArrayBox", gives the design. The layout itself
 * (reml_array_t) is public in reml_runtime.h. */
#ifndef REML_ARRAY_LAYOUT_H
#define REML_ARRAY_LAYOUT_H

#include <stdint.h>

#include "reml_runtime.h"

/* Appends `v` (owned) when the items are full: grows them, then stores. The
 * slow half of array_push_owned, in array.c. */
void reml_array_push_grow(reml_array_t* a, reml_handle_t v);

/* The slow half of array_set_owned, in array.c: `i` is not an index of an
 * element. `i == len` appends `v` (owned); any other `i` releases `v` and
 * raises `Index out of range` at `loc`. */
void reml_array_set_slow(reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc);

/* Notes that `v` is about to be stored into `a`: a counted value clears the
 * array's promise that every element is uncounted. */
REML_INLINE void array_note_store(reml_array_t* a, reml_handle_t v) {
  if (!reml_h_uncounted(v)) a->counted = 1;
}

/* Appends `v` (owned): the reference moves into the array. */
REML_INLINE void array_push_owned(reml_array_t* a, reml_handle_t v) {
  if (REML_LIKELY(a->len < a->cap)) {
    array_note_store(a, v);
    a->items[a->len++] = v;
  } else {
    reml_array_push_grow(a, v);
  }
}

/* Stores `v` (owned) at `i`: replaces an element, appends at `i == len`, or
 * raises `Index out of range`. One unsigned compare covers both bounds. */
REML_INLINE void array_set_owned(reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc) {
  if (REML_LIKELY((uint64_t)i < (uint64_t)a->len)) {
    if (a->counted == 0) {
      /* The element replaced is uncounted: nothing to release. */
      array_note_store(a, v);
      a->items[i] = v;
      return;
    }
    /* The caller's reference to `v` is already taken: `v` may be the very
     * element being replaced. */
    reml_handle_t old = a->items[i];
    a->items[i] = v;
    reml_h_release(old);
    return;
  }
  reml_array_set_slow(a, i, v, loc);
}

/* The element at `i`, retained for the caller, or Void out of range. */
REML_INLINE reml_handle_t array_get(const reml_array_t* a, int64_t i) {
  if ((uint64_t)i >= (uint64_t)a->len) return REML_VOID;
  reml_handle_t v = a->items[i];
  if (a->counted != 0) reml_h_retain(v);
  return v;
}

#endif /* REML_ARRAY_LAYOUT_H */
