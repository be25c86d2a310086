/* ffi_bridge.c — what the VM and native code call at an FFI boundary
 * (docs/ffi.md): the runtime errors of failed conversions and the CStr
 * conversions. The range tables are the compiler's; these only report. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "internal.h"

void reml_ffi_range_error(const char* fn, const char* param, const char* ctype, int64_t value,
                          const reml_loc_t* loc) {
  reml_panic_at(loc, "FFI argument '%s' of '%s' must fit %s, got %" PRId64, param, fn, ctype, value);
}

void reml_ffi_result_range_error(const char* fn, uint64_t value, const reml_loc_t* loc) {
  reml_panic_at(loc, "FFI result of '%s' does not fit Int: %" PRIu64, fn, value);
}

void reml_ffi_null_arg_error(const char* fn, const char* param, const reml_loc_t* loc) {
  reml_panic_at(loc, "FFI argument '%s' of '%s' must not be null", param, fn);
}

void reml_ffi_null_result_error(const char* fn, const reml_loc_t* loc) {
  reml_panic_at(loc, "FFI result of '%s' must not be null", fn);
}

/* The runtime error when String `s` holds a NUL byte, which C would take for
 * its end. */
static void check_no_nul(const reml_string_t* s, const char* fn, const char* param, const reml_loc_t* loc) {
  const char* nul = memchr(s->data, '\0', (size_t)s->len);
  if (nul != NULL)
    reml_panic_at(loc, "FFI argument '%s' of '%s' contains a NUL byte at index %lld", param, fn,
                  (long long)(nul - s->data));
}

/* A String's bytes already end in a NUL (reml_string_t), so a borrowed
 * argument needs no copy. A failed guard check passes "". */
REML_GUARDED(const char*, reml_ffi_cstr_arg,
             (reml_string_t * s, const char* fn, const char* param, const reml_loc_t* loc), (s, fn, param, loc),
             return "", loc, REML_GA_OBJ(1, s, REML_TAG_STRING)) {
  check_no_nul(s, fn, param, loc);
  return s->data;
}

/* A malloc()ed copy of `len` bytes at `bytes` and a NUL: the callee's to free(). */
static char* malloc_copy(const char* bytes, size_t len) {
  char* copy = reml_xmalloc(reml_add_size(len, 1));
  memcpy(copy, bytes, len);
  copy[len] = '\0';
  return copy;
}

/* A failed guard check passes a malloc()ed "", which the callee frees as it
 * would any transferred string. */
REML_GUARDED(char*, reml_ffi_cstr_transfer,
             (reml_string_t * s, const char* fn, const char* param, const reml_loc_t* loc), (s, fn, param, loc),
             return malloc_copy("", 0), loc, REML_GA_OBJ(1, s, REML_TAG_STRING)) {
  check_no_nul(s, fn, param, loc);
  return malloc_copy(s->data, (size_t)s->len);
}

reml_handle_t reml_ffi_cstr_result(const char* p, int64_t free_after) {
  if (p == NULL) return REML_VOID;
  reml_string_t* s = reml_str_new(p, (int64_t)strlen(p));
  /* The copy is made first: the C memory is not read after free(). */
  if (free_after) free((void*)p);
  return reml_h_from_ptr(s);
}
