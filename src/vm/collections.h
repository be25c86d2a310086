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

// Keeps reml_array_t.counted true to its promise, as the runtime's
// array_note_store (runtime/src/array_layout.h) does: storing a counted
// value ends "every element is uncounted".
inline void note_store(reml_array_t* a, reml_handle_t v) {
  if (!reml_h_uncounted(v)) a->counted = 1;
}

// a.get(i): the element (retained), or Void when i is out of range, as
// reml_array_get (which is unguarded: no check to keep).
inline reml_handle_t array_get(const reml_array_t* a, int64_t i) {
  if (static_cast<uint64_t>(i) >= static_cast<uint64_t>(a->len)) return REML_VOID;
  const reml_handle_t h = a->items[i];
  if (a->counted != 0) reml_h_retain(h);  // 0: every element is uncounted
  return h;
}

// a.set(i, v) for i in range without guards: true when done here; false
// leaves appending, the index error and guarded runs to reml_array_set.
inline bool array_set_fast(reml_array_t* a, int64_t i, reml_handle_t v) {
  if (static_cast<uint64_t>(i) >= static_cast<uint64_t>(a->len) || reml_guard_enabled != 0) return false;
  reml_h_retain(v);  // first: `v` may be the very element being replaced
  note_store(a, v);
  const reml_handle_t old = a->items[i];
  a->items[i] = v;
  reml_h_release(old);
  return true;
}

// a.set(i, Int v) for i in range (reml_array_set_i is unguarded).
inline bool array_set_i_fast(reml_array_t* a, int64_t i, int64_t v) {
  if (static_cast<uint64_t>(i) >= static_cast<uint64_t>(a->len)) return false;
  const reml_handle_t h = reml_box_i64(v);
  note_store(a, h);
  const reml_handle_t old = a->items[i];
  a->items[i] = h;
  reml_h_release(old);
  return true;
}

// a.push(v) into spare capacity without guards; false leaves growing and
// guarded runs to reml_array_push.
inline bool array_push_fast(reml_array_t* a, reml_handle_t v) {
  if (a->len >= a->cap || reml_guard_enabled != 0) return false;
  reml_h_retain(v);
  note_store(a, v);
  a->items[a->len++] = v;
  return true;
}

// a.push(Int v) into spare capacity (reml_array_push_i is unguarded).
inline bool array_push_i_fast(reml_array_t* a, int64_t v) {
  if (a->len >= a->cap) return false;
  const reml_handle_t h = reml_box_i64(v);
  note_store(a, h);
  a->items[a->len++] = h;
  return true;
}

}  // namespace hako::vm
