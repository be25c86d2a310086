/* numeric.c — Int and Float arithmetic helpers with the checks of §5. */
#include <math.h>

#include "internal.h"

/* 2^63 as a double: the first value above the Int range. */
#define TWO_POW_63 9223372036854775808.0

int64_t reml_i64_div(int64_t a, int64_t b, const reml_loc_t* loc) {
  if (b == 0) reml_panic_at(loc, "Division by zero");
  if (b == -1) return (int64_t)(0u - (uint64_t)a); /* wraps INT64_MIN onto itself */
  return a / b;
}

int64_t reml_i64_mod(int64_t a, int64_t b, const reml_loc_t* loc) {
  if (b == 0) reml_panic_at(loc, "Division by zero");
  if (b == -1) return 0; /* INT64_MIN % -1 traps in C */
  return a % b;
}

double reml_f64_mod(double a, double b) { return fmod(a, b); }

int64_t reml_f64_to_i64(double v) {
  if (isnan(v)) return 0;
  if (v >= TWO_POW_63) return INT64_MAX;
  if (v <= -TWO_POW_63) return INT64_MIN;
  return (int64_t)v; /* C conversion truncates toward zero */
}

int64_t reml_eq_i64_f64(int64_t a, double b) {
  /* Comparing in the Int domain avoids rounding `a` to a nearby double. */
  if (!(b >= -TWO_POW_63 && b < TWO_POW_63)) return 0; /* NaN, inf, out of range */
  if (b != trunc(b)) return 0;
  return (int64_t)b == a;
}

/* Exact three-way comparison of an Int and a non-NaN Float. */
static int cmp_i64_f64(int64_t a, double b) {
  if (b >= TWO_POW_63) return -1;
  if (b < -TWO_POW_63) return 1;
  double t = trunc(b);
  int64_t bi = (int64_t)t;
  if (a < bi) return -1;
  if (a > bi) return 1;
  /* Same integral part: the fraction of b decides. */
  if (b > t) return -1;
  if (b < t) return 1;
  return 0;
}

static int cmp_f64(double a, double b) {
  bool an = isnan(a), bn = isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

int reml_num_cmp_exact(reml_handle_t a, reml_handle_t b) {
  bool ai = reml_h_is_int(a), bi = reml_h_is_int(b);
  if (ai && bi) {
    int64_t x = reml_h_int_value(a), y = reml_h_int_value(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  double x = ai ? 0.0 : ((const reml_float_box_t*)reml_h_ptr(a))->value;
  double y = bi ? 0.0 : ((const reml_float_box_t*)reml_h_ptr(b))->value;
  if (ai) return isnan(y) ? -1 : cmp_i64_f64(reml_h_int_value(a), y);
  if (bi) return isnan(x) ? 1 : -cmp_i64_f64(reml_h_int_value(b), x);
  return cmp_f64(x, y);
}

double reml_i64_to_f64(int64_t v) { return (double)v; }
