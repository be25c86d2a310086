/* ptr.c — C pointer values (docs/ffi.md "Pointers"): boxing an address with
 * its static type, the checked unbox at a C call, and their text. */
#include <inttypes.h>
#include <stdio.h>

#include "guard.h"
#include "internal.h"

reml_handle_t reml_ptr_box_new(void* addr, const reml_ptr_type_t* type) {
  /* Messages name a pointer by its type: a value without one is a hakoc bug. */
  if (type == NULL || type->name == NULL || type->pointee == NULL)
    reml_internal_error("reml_ptr_box_new: a pointer value without its type");
  reml_ptr_box_t* box = reml_alloc_object(sizeof(reml_ptr_box_t), REML_TAG_PTR);
  box->addr = addr;
  box->type = type;
  return reml_h_from_ptr(box);
}

const char* reml_ptr_kind_name(const reml_ptr_box_t* box) {
  return box->type != NULL && box->type->name != NULL ? box->type->name : "Ptr";
}

/* The `got a null pointer` error of a NonNullPtr. */
REML_NORETURN static void null_pointer_error(const reml_ptr_type_t* expected, const reml_loc_t* loc) {
  reml_panic_at(loc, "Type error: expected %s, got a null pointer", expected->name);
}

/* A failed guard check goes on as for Void: NULL, or for a NonNullPtr the
 * null-pointer error, never an address read from a bad object. */
REML_GUARDED(void*, reml_ptr_unbox, (reml_handle_t h, const reml_ptr_type_t* expected, const reml_loc_t* loc),
             (h, expected, loc), h = REML_VOID, loc, REML_GA_H(1, h)) {
  if (h == REML_VOID) {
    if (expected->flavour == REML_PTR_NONNULL) null_pointer_error(expected, loc);
    return NULL;
  }
  if (reml_h_tag(h) != REML_TAG_PTR)
    reml_panic_at(loc, "Type error: expected %s, got %s", expected->name, reml_h_kind_name(h));
  const reml_ptr_box_t* box = reml_h_ptr(h);
  if (!reml_ptr_accepts(expected, box->type))
    reml_panic_at(loc, "Type error: expected %s, got %s", expected->name, reml_ptr_kind_name(box));
  if (box->addr == NULL && expected->flavour == REML_PTR_NONNULL) null_pointer_error(expected, loc);
  return box->addr;
}

size_t reml_ptr_format(const void* addr, char buf[REML_PTR_TEXT_MAX]) {
  int n = snprintf(buf, REML_PTR_TEXT_MAX, "Ptr(0x%" PRIxPTR ")", (uintptr_t)addr);
  return n > 0 ? (size_t)n : 0;
}

reml_string_t* reml_ptr_to_string(void* addr) {
  char buf[REML_PTR_TEXT_MAX];
  size_t n = reml_ptr_format(addr, buf);
  return reml_str_new(buf, (int64_t)n);
}
