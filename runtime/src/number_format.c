/* number_format.c — Int and Float text as printed by print / toString(). */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Every integer below 2^53 is a double, so for integral values under it the
 * exact decimal is also the shortest round-trip text. */
#define EXACT_INT_LIMIT 9007199254740992.0

/* The shortest significant digits of finite, non-zero `v` that read back as
 * `v`, without sign or trailing zeros; returns the digit count and stores the
 * decimal exponent of the first digit (v = d.ddd × 10^exp).
 *
 * "%.*e" rounds correctly, so for each precision it yields the closest
 * candidate, and if some p-digit text reads back as v the closest one does.
 * For normal doubles any text of at most DBL_DIG (15) digits survives a trip
 * through double and back to 15 digits, so when 15 digits round-trip, the
 * shortest text is those digits minus trailing zeros: three tries at most.
 * Subnormals carry fewer digits and search every precision. */
static int shortest_digits(double v, char digits[20], int* exp10) {
  char tmp[40];
  int first = fabs(v) >= DBL_MIN ? DBL_DIG : 1;
  for (int prec = first; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
    if (prec == 17 || strtod(tmp, NULL) == v) break;
  }
  /* tmp looks like [-]d[.ddd]e[+-]xx */
  const char* p = tmp;
  if (*p == '-') p++;
  int n = 0;
  for (; *p != 'e' && *p != '\0'; p++)
    if (*p >= '0' && *p <= '9') digits[n++] = *p;
  *exp10 = (*p == 'e') ? atoi(p + 1) : 0;
  while (n > 1 && digits[n - 1] == '0') n--;
  digits[n] = '\0';
  return n;
}

int reml_format_f64(double v, char* buf) {
  if (isnan(v)) return sprintf(buf, "NaN");
  if (isinf(v)) return sprintf(buf, v > 0 ? "inf" : "-inf");
  if (v == 0.0) return sprintf(buf, signbit(v) ? "-0" : "0");
  if (v == trunc(v) && fabs(v) < EXACT_INT_LIMIT) return sprintf(buf, "%" PRId64, (int64_t)v);

  char digits[20];
  int exp10;
  int k = shortest_digits(v, digits, &exp10);
  int n = exp10 + 1; /* digits before the decimal point, JavaScript's n */
  char* out = buf;
  if (v < 0) *out++ = '-';
  if (k <= n && n <= 21) {
    /* integral: digits then zeros */
    memcpy(out, digits, (size_t)k);
    out += k;
    for (int i = k; i < n; i++) *out++ = '0';
  } else if (0 < n && n <= 21) {
    memcpy(out, digits, (size_t)n);
    out += n;
    *out++ = '.';
    memcpy(out, digits + n, (size_t)(k - n));
    out += k - n;
  } else if (-6 < n && n <= 0) {
    *out++ = '0';
    *out++ = '.';
    for (int i = n; i < 0; i++) *out++ = '0';
    memcpy(out, digits, (size_t)k);
    out += k;
  } else {
    *out++ = digits[0];
    if (k > 1) {
      *out++ = '.';
      memcpy(out, digits + 1, (size_t)(k - 1));
      out += k - 1;
    }
    out += sprintf(out, "e%c%d", exp10 >= 0 ? '+' : '-', exp10 >= 0 ? exp10 : -exp10);
  }
  *out = '\0';
  return (int)(out - buf);
}

reml_string_t* reml_f64_to_string(double v) {
  char buf[32];
  int n = reml_format_f64(v, buf);
  return reml_str_new(buf, n);
}

reml_string_t* reml_i64_to_string(int64_t v) {
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%" PRId64, v);
  return reml_str_new(buf, n);
}

reml_string_t* reml_bool_to_string(int64_t b) { return b ? reml_str_new("true", 4) : reml_str_new("false", 5); }
