/* float_digits.cpp — the shortest round-trip digits of a double, by
 * Dragonbox (Debian libdragonbox-dev, header-only).
 *
 * The runtime is C; this is its one C++ file, because Dragonbox is a C++
 * template library. It is compiled without exceptions, RTTI or thread-safe
 * statics and uses no part of the C++ library at run time, so the object
 * refers to no C++ runtime symbol and programs link with the C driver on
 * every target (docs/runtime.md). */
#include <dragonbox/dragonbox.h>

#include <stdint.h>

extern "C" {
#include "internal.h"
}

extern "C" int reml_f64_shortest_digits(double v, char digits[REML_F64_DIGITS_MAX], int* exp10) {
  /* Dragonbox's defaults are the reading rules of strtod: the round-trip
   * interval is the one of round-to-nearest-even, trailing zeros removed,
   * ties between two shortest candidates broken to even. */
  auto d = jkj::dragonbox::to_decimal(v, jkj::dragonbox::policy::sign::ignore);
  char tmp[REML_F64_DIGITS_MAX];
  int n = 0;
  uint64_t s = d.significand;
  do {
    tmp[n++] = static_cast<char>('0' + s % 10);
    s /= 10;
  } while (s != 0);
  for (int i = 0; i < n; i++) digits[i] = tmp[n - 1 - i];
  *exp10 = d.exponent + n - 1;
  return n;
}
