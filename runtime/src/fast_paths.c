/* Out-of-line wrappers of the header's inline fast paths, for native code,
 * MapBox's Int-key entry points (whose bodies are map_layout.h's inline
 * functions) and ArrayBox's get, set, push and length (array_layout.h's). -O2 code links this file's bitcode and inlines what it calls
 * (src/codegen/fast_paths.h); each body has one definition. The two Bool
 * objects are defined here too, so the bitcode carries their contents, and
 * the allocation of an instance from the size-class cache (mem_cache.h). */
#include <stddef.h>

#include "array_layout.h"
#include "guard.h"
#include "map_layout.h"
#include "mem_cache.h"
#include "reml_runtime.h"

reml_handle_t reml_fp_box_i64(int64_t v) { return reml_box_i64(v); }

/* --- Bool: the two objects live here, constants in read-only storage, so
 * that -O2 code sees their immortal counts (reml_runtime.h, "Boxing"). No
 * count of an immortal object is ever written. */

_Static_assert(offsetof(reml_bool_object_t, value) == sizeof(reml_object_header_t),
               "a Bool's payload must directly follow its header");
_Static_assert(sizeof(reml_bool_box_t) == sizeof(int64_t), "a Bool's payload is one word");

const reml_bool_object_t reml_bool_false_object = {{REML_RC_IMMORTAL, REML_TAG_BOOL}, 0};
const reml_bool_object_t reml_bool_true_object = {{REML_RC_IMMORTAL, REML_TAG_BOOL}, 1};

reml_handle_t reml_box_bool(int64_t b) { return reml_box_bool_inline(b); }

int64_t reml_fp_unbox_i64(reml_handle_t h, const reml_loc_t* loc) { return reml_unbox_i64(h, loc); }

uint32_t reml_fp_tag(reml_handle_t h) { return reml_h_tag(h); }

void reml_fp_retain(reml_handle_t h) { reml_h_retain(h); }

void reml_fp_release(reml_handle_t h) { reml_h_release(h); }

reml_handle_t reml_fp_add(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_add_fast(a, b, loc); }

reml_handle_t reml_fp_sub(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_sub_fast(a, b, loc); }

reml_handle_t reml_fp_mul(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_mul_fast(a, b, loc); }

reml_handle_t reml_fp_div(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_div_fast(a, b, loc); }

reml_handle_t reml_fp_mod(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_mod_fast(a, b, loc); }

int64_t reml_fp_lt(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_lt_fast(a, b, loc); }

int64_t reml_fp_le(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_le_fast(a, b, loc); }

int64_t reml_fp_gt(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_gt_fast(a, b, loc); }

int64_t reml_fp_ge(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_ge_fast(a, b, loc); }

int64_t reml_fp_eq(reml_handle_t a, reml_handle_t b) { return reml_dyn_eq_fast(a, b); }

int64_t reml_fp_ne(reml_handle_t a, reml_handle_t b) { return reml_dyn_ne_fast(a, b); }

int64_t reml_fp_truthy(reml_handle_t h, const reml_loc_t* loc) { return reml_h_truthy_fast(h, loc); }

/* --- MapBox with Int keys: a get or an update of a present key runs inline. */

REML_GUARDED_VOID(nyash_map_set_h, (reml_map_t* map, int64_t key, int64_t val), (map, key, val), return, NULL,
                  REML_GA_OBJ(1, map, REML_TAG_MAP)) {
  set_int(map, key, reml_box_i64(val));
}

REML_GUARDED_VOID(nyash_map_set_ha, (reml_map_t* map, int64_t key, reml_handle_t val), (map, key, val), return, NULL,
                  REML_GA_OBJ(1, map, REML_TAG_MAP), REML_GA_H(3, val)) {
  reml_h_retain(val);
  set_int(map, key, val);
}

REML_GUARDED(reml_handle_t, nyash_map_get_h, (const reml_map_t* map, int64_t key), (map, key), return REML_VOID, NULL,
             REML_GA_OBJ(1, map, REML_TAG_MAP)) {
  return value_at(map, find_int(map, key));
}

reml_handle_t* reml_map_int_value_slot(reml_map_t* map, int64_t key) {
  int64_t i = find_int(map, key);
  return i >= 0 ? &map->slots[i].value : NULL;
}

REML_GUARDED(int64_t, nyash_map_has_h, (const reml_map_t* map, int64_t key), (map, key), return 0, NULL,
             REML_GA_OBJ(1, map, REML_TAG_MAP)) {
  return find_int(map, key) >= 0;
}

/* --- WeakRef (seed 002's ABI; reml_runtime.h "WeakRef"): an upgrade of a
 * live target is a load, a test and an increment, inline in -O2 code. A
 * guard checks that a nonzero weak handle is a WeakRef. */

#define REML_GA_WEAK(pos, w) {(pos), (w) != 0 ? (uint32_t)REML_TAG_WEAK : 0u, (reml_handle_t)(w)}

REML_GUARDED(int64_t, nyrt_weak_new, (int64_t strong_handle), (strong_handle), return 0, NULL,
             REML_GA_H(1, (reml_handle_t)strong_handle)) {
  return reml_weak_new_inline(strong_handle);
}

REML_GUARDED(int64_t, nyrt_weak_to_strong, (int64_t weak_handle), (weak_handle), return 0, NULL,
             REML_GA_WEAK(1, weak_handle)) {
  return reml_weak_to_strong_inline(weak_handle);
}

REML_GUARDED_VOID(nyrt_weak_drop, (int64_t weak_handle), (weak_handle), return, NULL,
                  REML_GA_WEAK(1, weak_handle)) {
  reml_weak_drop_inline(weak_handle);
}

/* --- ArrayBox: a get, a set of an element and a push with room run inline
 * (array_layout.h); growing and an out-of-range set call into array.c. */

int64_t reml_array_len(const reml_array_t* a) { return a->len; }

reml_handle_t reml_array_get(const reml_array_t* a, int64_t i) { return array_get(a, i); }

REML_GUARDED_VOID(reml_array_push, (reml_array_t* a, reml_handle_t v), (a, v), return, NULL,
                  REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(2, v)) {
  reml_h_retain(v);
  array_push_owned(a, v);
}

REML_GUARDED_VOID(reml_array_set, (reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc), (a, i, v, loc),
                  return, loc, REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(3, v)) {
  reml_h_retain(v);
  array_set_owned(a, i, v, loc);
}

/* The typed entries box the Int here and hand the array that reference, so
 * compiled code passes the untagged value and never boxes it itself. */
void reml_array_push_i(reml_array_t* a, int64_t v) { array_push_owned(a, reml_box_i64(v)); }

void reml_array_set_i(reml_array_t* a, int64_t i, int64_t v, const reml_loc_t* loc) {
  array_set_owned(a, i, reml_box_i64(v), loc);
}

/* --- Instances: a block from the size-class cache taken inline
 * (mem_cache.h); the rest of reml_alloc_object stays in mem.c. */

reml_instance_t* reml_instance_new_n(uint32_t type_index, uint32_t field_count) {
  reml_instance_t* inst = mem_alloc_cached(sizeof(reml_instance_t) + (size_t)field_count * sizeof(reml_handle_t),
                                           REML_TAG_USER_BASE + type_index);
  inst->flags = 0;
  for (uint32_t i = 0; i < field_count; i++) inst->fields[i] = REML_VOID;
  return inst;
}
