/* handle.c — boxing and unboxing of handles, kind names, truthiness and the
 * exit status of main's result. */
#include <stddef.h>

#include "guard.h"
#include "internal.h"

reml_handle_t reml_box_i64_slow(int64_t v) {
  /* Keep one representation per value: small Ints are never heap boxes. */
  if (v >= REML_SMALL_INT_MIN && v <= REML_SMALL_INT_MAX) return ((uint64_t)v << 1) | 1u;
  reml_int_box_t* box = reml_alloc_object(sizeof(reml_int_box_t), REML_TAG_INT);
  box->value = v;
  return reml_h_from_ptr(box);
}

reml_handle_t reml_box_f64(double v) {
  reml_float_box_t* box = reml_alloc_object(sizeof(reml_float_box_t), REML_TAG_FLOAT);
  box->value = v;
  return reml_h_from_ptr(box);
}

bool reml_h_is_int(reml_handle_t h) { return reml_h_tag(h) == REML_TAG_INT; }

int64_t reml_h_int_value(reml_handle_t h) {
  if (reml_h_is_small_int(h)) return (int64_t)h >> 1;
  return ((const reml_int_box_t*)reml_h_ptr(h))->value;
}

bool reml_h_is_float(reml_handle_t h) { return reml_h_is_object(h) && reml_h_tag(h) == REML_TAG_FLOAT; }

bool reml_h_is_string(reml_handle_t h) { return reml_h_is_object(h) && reml_h_tag(h) == REML_TAG_STRING; }

const char* reml_tag_name(uint32_t tag) {
  switch (tag) {
    case REML_TAG_STRING: return "String";
    case REML_TAG_INT: return "Int";
    case REML_TAG_FLOAT: return "Float";
    case REML_TAG_BOOL: return "Bool";
    case REML_TAG_ARRAY: return "ArrayBox";
    case REML_TAG_MAP: return "MapBox";
    case REML_TAG_CONSOLE: return "ConsoleBox";
    case REML_TAG_WEAK: return "WeakRef";
    case REML_TAG_PTR: return "Ptr";
    default: break;
  }
  const reml_box_type_t* t = reml_user_type(tag);
  if (t != NULL && t->name != NULL) return t->name;
  return "Object";
}

const char* reml_h_kind_name(reml_handle_t h) {
  if (h == REML_VOID) return "Void";
  uint32_t tag = reml_h_tag(h);
  /* Pointer values of one tag differ by type: "Ptr<u8>" against "MutPtr<i32>". */
  if (tag == REML_TAG_PTR) return reml_ptr_kind_name(reml_h_ptr(h));
  return reml_tag_name(tag);
}

REML_GUARDED(int64_t, reml_unbox_i64_slow, (reml_handle_t h, const reml_loc_t* loc), (h, loc), return 0, loc,
             REML_GA_H(1, h)) {
  if (reml_h_is_int(h)) return reml_h_int_value(h);
  reml_panic_at(loc, "Type error: expected Int, got %s", reml_h_kind_name(h));
}

REML_GUARDED(int64_t, nyash_unbox_i64, (reml_handle_t h, int* ok), (h, ok), { *ok = 0; return 0; }, NULL,
             REML_GA_H(1, h)) {
  if (reml_h_is_int(h)) {
    *ok = 1;
    return reml_h_int_value(h);
  }
  if (reml_h_is_float(h)) {
    *ok = 1;
    return reml_f64_to_i64(((const reml_float_box_t*)reml_h_ptr(h))->value);
  }
  *ok = 0;
  return 0;
}

REML_GUARDED(double, reml_unbox_f64, (reml_handle_t h, const reml_loc_t* loc), (h, loc), return 0.0, loc,
             REML_GA_H(1, h)) {
  if (reml_h_is_float(h)) return ((const reml_float_box_t*)reml_h_ptr(h))->value;
  reml_panic_at(loc, "Type error: expected Float, got %s", reml_h_kind_name(h));
}

REML_GUARDED(int64_t, reml_unbox_bool, (reml_handle_t h, const reml_loc_t* loc), (h, loc), return 0, loc,
             REML_GA_H(1, h)) {
  if (reml_h_is_object(h) && reml_h_tag(h) == REML_TAG_BOOL)
    return ((const reml_bool_box_t*)reml_h_ptr(h))->value != 0;
  reml_panic_at(loc, "Type error: expected Bool, got %s", reml_h_kind_name(h));
}

REML_GUARDED_VOID(reml_unbox_void, (reml_handle_t h, const reml_loc_t* loc), (h, loc), return, loc, REML_GA_H(1, h)) {
  if (h != REML_VOID) reml_panic_at(loc, "Type error: expected Void, got %s", reml_h_kind_name(h));
}

REML_GUARDED(void*, reml_unbox_object, (reml_handle_t h, uint32_t tag, const reml_loc_t* loc), (h, tag, loc),
             h = REML_VOID, loc, REML_GA_H(1, h)) {
  /* No object can stand for a Void result: the unbox fails as for Void. */
  if (reml_h_is_object(h) && reml_h_tag(h) == tag) return reml_h_ptr(h);
  reml_panic_at(loc, "Type error: expected %s, got %s", reml_tag_name(tag), reml_h_kind_name(h));
}

REML_GUARDED(int64_t, reml_h_truthy, (reml_handle_t h, const reml_loc_t* loc), (h, loc), return 0, loc,
             REML_GA_H(1, h)) {
  if (h == REML_VOID) reml_panic_at(loc, "Type error: Void in boolean context");
  if (reml_h_is_small_int(h)) return h != 1u; /* the small Int 0 is the word 1 */
  void* p = reml_h_ptr(h);
  switch (reml_h_tag(h)) {
    case REML_TAG_BOOL: return ((const reml_bool_box_t*)p)->value != 0;
    case REML_TAG_INT: return ((const reml_int_box_t*)p)->value != 0;
    case REML_TAG_FLOAT: return ((const reml_float_box_t*)p)->value != 0.0;
    case REML_TAG_STRING: return ((const reml_string_t*)p)->len != 0;
    default: break;
  }
  reml_panic_at(loc, "Type error: %s in boolean context", reml_h_kind_name(h));
}

REML_GUARDED(int, reml_exit_status_of, (reml_handle_t result), (result), return 0, NULL, REML_GA_H(1, result)) {
  if (reml_h_is_int(result)) {
    int64_t v = reml_h_int_value(result);
    return (int)(((v % 256) + 256) % 256);
  }
  if (reml_h_is_object(result) && reml_h_tag(result) == REML_TAG_BOOL)
    return ((const reml_bool_box_t*)reml_h_ptr(result))->value != 0;
  return 0;
}
