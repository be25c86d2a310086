// The inline fast paths of the VM's ArrayBox opcodes (ops.def "ArrayBox and
// MapBox"): the common case of reml_array_get/set/push run in the
// interpreter loop itself, each falling back to the runtime function, which
// stays the one definition of every other case and of every error message.
#pragma once

#include <cstdint>

#include "reml_runtime.h"

// Nonzero when HAKO_FFI_GUARD=1 was set at start-up (runtime/src/guard.h):
// the runtime's guarded entry points check their arguments then, and so the
// VM takes them instead of its inline paths. -O2 native code reads the same
// word through the inlined MapBox fast paths.
extern "C" uint32_t reml_guard_enabled;

namespace hako::vm {

// The element kind (reml_array_t.kind, runtime/src/array_layout.h): Bool
// bytes, or handles that are all uncounted, or handles. These paths keep
// the kind's promise as array_layout.h does and leave every change of
// representation (widening Bools to handles) to the runtime functions.

// Whether `v` is one of the two Bools.
inline bool is_bool(reml_handle_t v) { return v == REML_TRUE || v == REML_FALSE; }

// Stores handle `v` (owned) at `i` of an array of handles: a counted `v`
// makes the kind REML_ARRAY_COUNTED; the element replaced (when
// `replacing`) is released unless the kind promised it is uncounted.
inline void store_handle(reml_array_t* a, int64_t i, reml_handle_t v, bool replacing) {
  if (a->kind == REML_ARRAY_UNCOUNTED) {
    if (!reml_h_uncounted(v)) a->kind = REML_ARRAY_COUNTED;
    a->items[i] = v;
    return;
  }
  const reml_handle_t old = replacing ? a->items[i] : REML_VOID;
  a->items[i] = v;
  reml_h_release(old);
}

// a.get(i): the element (retained), or Void when i is out of range, as
// reml_array_get (which is unguarded: no check to keep).
inline reml_handle_t array_get(const reml_array_t* a, int64_t i) {
  if (static_cast<uint64_t>(i) >= static_cast<uint64_t>(a->len)) return REML_VOID;
  const uint32_t kind = a->kind;
  if (kind == REML_ARRAY_BOOLS) return reml_box_bool_inline(reinterpret_cast<const uint8_t*>(a->items)[i]);
  const reml_handle_t h = a->items[i];
  if (kind == REML_ARRAY_COUNTED) reml_h_retain(h);
  return h;
}

// a.set(i, v) for i in range without guards: true when done here; false
// leaves appending, widening, the index error and guarded runs to
// reml_array_set.
inline bool array_set_fast(reml_array_t* a, int64_t i, reml_handle_t v) {
  if (static_cast<uint64_t>(i) >= static_cast<uint64_t>(a->len) || reml_guard_enabled != 0) return false;
  if (a->kind == REML_ARRAY_BOOLS) {
    if (!is_bool(v)) return false;
    reinterpret_cast<uint8_t*>(a->items)[i] = v == REML_TRUE;
    return true;
  }
  reml_h_retain(v);  // first: `v` may be the very element being replaced
  store_handle(a, i, v, true);
  return true;
}

// a.set(i, Int v) for i in range (reml_array_set_i is unguarded).
inline bool array_set_i_fast(reml_array_t* a, int64_t i, int64_t v) {
  if (static_cast<uint64_t>(i) >= static_cast<uint64_t>(a->len) || a->kind == REML_ARRAY_BOOLS) return false;
  store_handle(a, i, reml_box_i64(v), true);
  return true;
}

// a.push(v) into spare capacity without guards; false leaves growing,
// widening and guarded runs to reml_array_push.
inline bool array_push_fast(reml_array_t* a, reml_handle_t v) {
  if (a->len >= a->cap || reml_guard_enabled != 0) return false;
  if (a->kind == REML_ARRAY_BOOLS) {
    if (!is_bool(v)) return false;
    reinterpret_cast<uint8_t*>(a->items)[a->len++] = v == REML_TRUE;
    return true;
  }
  reml_h_retain(v);
  store_handle(a, a->len++, v, false);
  return true;
}

// a.push(Int v) into spare capacity (reml_array_push_i is unguarded).
inline bool array_push_i_fast(reml_array_t* a, int64_t v) {
  if (a->len >= a->cap || a->kind == REML_ARRAY_BOOLS) return false;
  store_handle(a, a->len++, reml_box_i64(v), false);
  return true;
}

}  // namespace hako::vm
