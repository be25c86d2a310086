/* dynops.c — arithmetic and bitwise operators on handles (§5). */
#include <math.h>

#include "guard.h"
#include "internal.h"

/* A numeric operand taken out of its handle. */
typedef struct num {
  bool is_int;
  int64_t i;
  double f;
} num_t;

static bool as_num(reml_handle_t h, num_t* out) {
  if (reml_h_is_int(h)) {
    out->is_int = true;
    out->i = reml_h_int_value(h);
    out->f = (double)out->i;
    return true;
  }
  if (reml_h_is_float(h)) {
    out->is_int = false;
    out->f = ((const reml_float_box_t*)reml_h_ptr(h))->value;
    return true;
  }
  return false;
}

REML_NORETURN static void binary_type_error(const char* op, reml_handle_t a, reml_handle_t b,
                                            const reml_loc_t* loc) {
  reml_panic_at(loc, "Type error: cannot apply '%s' to %s and %s", op, reml_h_kind_name(a),
                reml_h_kind_name(b));
}

REML_NORETURN static void unary_type_error(const char* op, reml_handle_t a, const reml_loc_t* loc) {
  reml_panic_at(loc, "Type error: cannot apply '%s' to %s", op, reml_h_kind_name(a));
}

/* Int results wrap: the arithmetic is done on the unsigned representation. */
static reml_handle_t arith(char op, reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) {
  num_t x, y;
  const char opname[2] = {op, 0};
  if (!as_num(a, &x) || !as_num(b, &y)) binary_type_error(opname, a, b, loc);
  if (x.is_int && y.is_int) {
    uint64_t ux = (uint64_t)x.i, uy = (uint64_t)y.i;
    switch (op) {
      case '+': return reml_box_i64((int64_t)(ux + uy));
      case '-': return reml_box_i64((int64_t)(ux - uy));
      case '*': return reml_box_i64((int64_t)(ux * uy));
      case '/': return reml_box_i64(reml_i64_div(x.i, y.i, loc));
      default: return reml_box_i64(reml_i64_mod(x.i, y.i, loc));
    }
  }
  switch (op) {
    case '+': return reml_box_f64(x.f + y.f);
    case '-': return reml_box_f64(x.f - y.f);
    case '*': return reml_box_f64(x.f * y.f);
    case '/': return reml_box_f64(x.f / y.f);
    default: return reml_box_f64(reml_f64_mod(x.f, y.f));
  }
}

REML_GUARDED(reml_handle_t, reml_dyn_add, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  if (reml_h_is_string(a) || reml_h_is_string(b)) {
    if (a == REML_VOID || b == REML_VOID) binary_type_error("+", a, b, loc);
    if (reml_h_is_string(a) && reml_h_is_string(b))
      return reml_h_from_ptr(reml_str_concat(reml_h_ptr(a), reml_h_ptr(b)));
    reml_strbuf_t sb;
    reml_sb_init(&sb);
    reml_sb_append_value(&sb, a);
    reml_sb_append_value(&sb, b);
    return reml_h_from_ptr(reml_sb_finish(&sb));
  }
  return arith('+', a, b, loc);
}

REML_GUARDED(reml_handle_t, reml_dyn_sub, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  return arith('-', a, b, loc);
}

REML_GUARDED(reml_handle_t, reml_dyn_mul, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  return arith('*', a, b, loc);
}

REML_GUARDED(reml_handle_t, reml_dyn_div, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  return arith('/', a, b, loc);
}

REML_GUARDED(reml_handle_t, reml_dyn_mod, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  return arith('%', a, b, loc);
}


REML_GUARDED(reml_handle_t, reml_dyn_neg, (reml_handle_t a, const reml_loc_t* loc), (a, loc), return REML_VOID, loc,
             REML_GA_H(1, a)) {
  num_t x;
  if (!as_num(a, &x)) unary_type_error("-", a, loc);
  if (x.is_int) return reml_box_i64((int64_t)(0u - (uint64_t)x.i));
  return reml_box_f64(-x.f);
}

/* Both operands of a bitwise operator as Ints. */
static void int_operands(const char* op, reml_handle_t a, reml_handle_t b, const reml_loc_t* loc,
                         int64_t* x, int64_t* y) {
  if (!reml_h_is_int(a) || !reml_h_is_int(b)) binary_type_error(op, a, b, loc);
  *x = reml_h_int_value(a);
  *y = reml_h_int_value(b);
}

REML_GUARDED(reml_handle_t, reml_dyn_bitand, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  int64_t x, y;
  int_operands("&", a, b, loc, &x, &y);
  return reml_box_i64(x & y);
}

REML_GUARDED(reml_handle_t, reml_dyn_bitor, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  int64_t x, y;
  int_operands("|", a, b, loc, &x, &y);
  return reml_box_i64(x | y);
}

REML_GUARDED(reml_handle_t, reml_dyn_bitxor, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  int64_t x, y;
  int_operands("^", a, b, loc, &x, &y);
  return reml_box_i64(x ^ y);
}

REML_GUARDED(reml_handle_t, reml_dyn_shl, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  int64_t x, y;
  int_operands("<<", a, b, loc, &x, &y);
  return reml_box_i64((int64_t)((uint64_t)x << ((uint64_t)y & 63u)));
}

REML_GUARDED(reml_handle_t, reml_dyn_shr, (reml_handle_t a, reml_handle_t b, const reml_loc_t* loc), (a, b, loc),
             return REML_VOID, loc, REML_GA_H(1, a), REML_GA_H(2, b)) {
  int64_t x, y;
  int_operands(">>", a, b, loc, &x, &y);
  unsigned n = (unsigned)((uint64_t)y & 63u);
  /* Arithmetic shift spelled without relying on implementation-defined
   * right shifts of negative values. */
  int64_t r = x >= 0 ? (int64_t)((uint64_t)x >> n) : ~(int64_t)((uint64_t)~x >> n);
  return reml_box_i64(r);
}

REML_GUARDED(reml_handle_t, reml_dyn_bitnot, (reml_handle_t a, const reml_loc_t* loc), (a, loc), return REML_VOID, loc,
             REML_GA_H(1, a)) {
  if (!reml_h_is_int(a)) unary_type_error("~", a, loc);
  return reml_box_i64(~reml_h_int_value(a));
}
