/* number_format.c — Int and Float text as printed by print / toString(),
 * without the C library's printf on the common paths. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- Int ------------------------------------------------------------------ */

/* "00" "01" ... "99": two digits per division, as most fast integer printers
 * do, halving the divisions of a digit-at-a-time loop. */
static const char k_digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The number of decimal digits of `u`. */
static int digit_count(uint64_t u) {
  int n = 1;
  for (;;) {
    if (u < 10) return n;
    if (u < 100) return n + 1;
    if (u < 1000) return n + 2;
    if (u < 10000) return n + 3;
    u /= 10000;
    n += 4;
  }
}

/* |v| as an unsigned number, also for INT64_MIN. */
static uint64_t magnitude(int64_t v) { return v < 0 ? 0 - (uint64_t)v : (uint64_t)v; }

int reml_i64_text_len(int64_t v) { return (v < 0) + digit_count(magnitude(v)); }

void reml_i64_write(char* out, int64_t v, int len) {
  uint64_t u = magnitude(v);
  char* p = out + len;
  while (u >= 100) {
    unsigned pair = (unsigned)(u % 100) * 2;
    u /= 100;
    *--p = k_digit_pairs[pair + 1];
    *--p = k_digit_pairs[pair];
  }
  if (u >= 10) {
    *--p = k_digit_pairs[u * 2 + 1];
    *--p = k_digit_pairs[u * 2];
  } else {
    *--p = (char)('0' + u);
  }
  if (v < 0) *--p = '-';
}

int reml_format_i64(int64_t v, char buf[REML_I64_TEXT_MAX]) {
  int len = reml_i64_text_len(v);
  reml_i64_write(buf, v, len);
  buf[len] = '\0';
  return len;
}

/* ---- Float ---------------------------------------------------------------- */

/* Every integer below 2^53 is a double, so for integral values under it the
 * exact decimal is also the shortest round-trip text. */
#define EXACT_INT_LIMIT 9007199254740992.0

/* The digits hakoc printed before Dragonbox, by trying "%.*e" precisions
 * until the text reads back as `v`: kept for the one case where the two
 * differ (see shortest_digits). "%.*e" rounds correctly, so for each
 * precision it yields the closest candidate; for normal doubles any text of
 * at most DBL_DIG (15) digits survives a trip through double and back, so
 * the search starts at 15 digits. */
static int closest_round_trip_digits(double v, char digits[REML_F64_DIGITS_MAX], int* exp10) {
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
  return n;
}

/* The significant digits of finite, non-zero `v` that hakoc prints: the
 * fewest digits whose closest decimal reads back as `v`, trailing zeros
 * removed; returns the digit count and stores the decimal exponent of the
 * first digit (v = d.ddd × 10^exp).
 *
 * Dragonbox gives the fewest digits of any decimal that reads back as `v`.
 * The two agree except at a power of two above the smallest normal, whose
 * round-trip interval reaches twice as far up as down: there a 16-digit
 * decimal above `v` can read back while the closest 16-digit one, below
 * `v`, does not, and hakoc has always printed 17 digits then (46 powers of
 * two and their negatives; runtime_number_format_test compares every power
 * of two). Shorter results
 * are always the closest too, since any text of at most 15 digits that
 * reads back is also what `v` rounds to at 15 digits. */
static int shortest_digits(double v, char digits[REML_F64_DIGITS_MAX], int* exp10) {
  int n = reml_f64_shortest_digits(v, digits, exp10);
  if (n == 16) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool power_of_two = (bits & 0x000fffffffffffffu) == 0 && ((bits >> 52) & 0x7ff) > 1;
    if (power_of_two) return closest_round_trip_digits(v, digits, exp10);
  }
  return n;
}

/* Copies the NUL-terminated `text` to `buf`; returns its length. */
static int put_text(char* buf, const char* text, int len) {
  memcpy(buf, text, (size_t)len + 1);
  return len;
}

int reml_format_f64(double v, char* buf) {
  if (isnan(v)) return put_text(buf, "NaN", 3);
  if (isinf(v)) return v > 0 ? put_text(buf, "inf", 3) : put_text(buf, "-inf", 4);
  if (v == 0.0) return signbit(v) ? put_text(buf, "-0", 2) : put_text(buf, "0", 1);
  if (v == trunc(v) && fabs(v) < EXACT_INT_LIMIT) return reml_format_i64((int64_t)v, buf);

  char digits[REML_F64_DIGITS_MAX];
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
    *out++ = 'e';
    *out++ = exp10 >= 0 ? '+' : '-';
    out += reml_format_i64(exp10 >= 0 ? exp10 : -exp10, out);
  }
  *out = '\0';
  return (int)(out - buf);
}

reml_string_t* reml_f64_to_string(double v) {
  char buf[REML_F64_TEXT_MAX];
  int n = reml_format_f64(v, buf);
  return reml_str_new(buf, n);
}

reml_string_t* reml_i64_to_string(int64_t v) {
  int len = reml_i64_text_len(v);
  reml_string_t* s = reml_str_alloc(len);
  reml_i64_write(s->data, v, len);
  return s;
}

reml_string_t* reml_bool_to_string(int64_t b) { return b ? reml_str_new("true", 4) : reml_str_new("false", 5); }
