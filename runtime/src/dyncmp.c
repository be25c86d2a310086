/* dyncmp.c — `==` and the ordering comparisons on handles (§5). */
#include "guard.h"
#include "internal.h"

int64_t reml_dyn_eq(reml_handle_t a, reml_handle_t b) {
  if (a == b) {
    /* The same word: equal, except a NaN Float compared with itself. */
    if (reml_h_is_float(a)) {
      double v = ((const reml_float_box_t*)reml_h_ptr(a))->value;
      return v == v;
    }
    return 1;
  }
  /* Void equals a null pointer value (`p == null`); with one side Void,
   * `a | b` is the other. */
  if (a == REML_VOID || b == REML_VOID) return reml_h_is_null_ptr(a | b);
  uint32_t ta = reml_h_tag(a), tb = reml_h_tag(b);
  if (ta == REML_TAG_INT && tb == REML_TAG_INT) return reml_h_int_value(a) == reml_h_int_value(b);
  if (ta == REML_TAG_FLOAT && tb == REML_TAG_FLOAT)
    return ((const reml_float_box_t*)reml_h_ptr(a))->value == ((const reml_float_box_t*)reml_h_ptr(b))->value;
  if (ta == REML_TAG_INT && tb == REML_TAG_FLOAT)
    return reml_eq_i64_f64(reml_h_int_value(a), ((const reml_float_box_t*)reml_h_ptr(b))->value);
  if (ta == REML_TAG_FLOAT && tb == REML_TAG_INT)
    return reml_eq_i64_f64(reml_h_int_value(b), ((const reml_float_box_t*)reml_h_ptr(a))->value);
  if (ta == REML_TAG_BOOL && tb == REML_TAG_BOOL)
    return (((const reml_bool_box_t*)reml_h_ptr(a))->value != 0) ==
           (((const reml_bool_box_t*)reml_h_ptr(b))->value != 0);
  if (ta == REML_TAG_STRING && tb == REML_TAG_STRING) return reml_str_eq(reml_h_ptr(a), reml_h_ptr(b));
  /* Pointers compare by address: the type is how Hako sees it, not what it is. */
  if (ta == REML_TAG_PTR && tb == REML_TAG_PTR)
    return ((const reml_ptr_box_t*)reml_h_ptr(a))->addr == ((const reml_ptr_box_t*)reml_h_ptr(b))->addr;
  /* Boxes compare by identity, which `a == b` above already decided. */
  return 0;
}

/* The sign of a <=> b for the ordering operators; Int against Float promotes
 * the Int as arithmetic does. Returns 2 for "unordered" (a NaN operand). */
static int order(const char* op, reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) {
  bool ai = reml_h_is_int(a), bi = reml_h_is_int(b);
  bool af = reml_h_is_float(a), bf = reml_h_is_float(b);
  if ((ai || af) && (bi || bf)) {
    if (ai && bi) {
      int64_t x = reml_h_int_value(a), y = reml_h_int_value(b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    double x = ai ? (double)reml_h_int_value(a) : ((const reml_float_box_t*)reml_h_ptr(a))->value;
    double y = bi ? (double)reml_h_int_value(b) : ((const reml_float_box_t*)reml_h_ptr(b))->value;
    if (x < y) return -1;
    if (x > y) return 1;
    if (x == y) return 0;
    return 2;
  }
  if (reml_h_is_string(a) && reml_h_is_string(b)) {
    int64_t c = reml_str_cmp(reml_h_ptr(a), reml_h_ptr(b));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  reml_panic_at(loc, "Type error: cannot apply '%s' to %s and %s", op, reml_h_kind_name(a), reml_h_kind_name(b));
}

REML_GUARDED(int64_t, reml_dyn_lt, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc), return 0,
             loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  return order("<", a, b, loc) == -1;
}

REML_GUARDED(int64_t, reml_dyn_le, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc), return 0,
             loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  int c = order("<=", a, b, loc);
  return c == -1 || c == 0;
}

REML_GUARDED(int64_t, reml_dyn_gt, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc), return 0,
             loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  return order(">", a, b, loc) == 1;
}

REML_GUARDED(int64_t, reml_dyn_ge, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc), return 0,
             loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  int c = order(">=", a, b, loc);
  return c == 1 || c == 0;
}
