// Number formatting of the runtime against the formatter it replaced: Float
// text by Dragonbox (runtime/src/number_format.c, float_digits.cpp) must be
// byte-identical to the printf-and-strtod search hakoc used before, and Int
// text to printf's "%lld". The values: every power of two and its neighbours,
// powers of ten and their neighbours, integers around 2^53, subnormals and
// random bit patterns (seeded; the counts are below).
#include <gtest/gtest.h>

#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "reml_runtime.h"

namespace {

constexpr uint64_t kSeed = 20261207;
constexpr int kRandomDoubles = 200000;
constexpr int kRandomSubnormals = 20000;
constexpr int kRandomInts = 200000;

// The formatter before Dragonbox, kept verbatim as the reference: the
// fewest "%.*e" digits that read back as v, laid out as JavaScript does.
int OldFormat(double v, char* buf) {
  if (std::isnan(v)) return std::sprintf(buf, "NaN");
  if (std::isinf(v)) return std::sprintf(buf, v > 0 ? "inf" : "-inf");
  if (v == 0.0) return std::sprintf(buf, std::signbit(v) ? "-0" : "0");
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) return std::sprintf(buf, "%" PRId64, (int64_t)v);
  char tmp[40];
  int first = std::fabs(v) >= DBL_MIN ? DBL_DIG : 1;
  for (int prec = first; prec <= 17; prec++) {
    std::snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
    if (prec == 17 || std::strtod(tmp, nullptr) == v) break;
  }
  const char* p = tmp;
  if (*p == '-') p++;
  char digits[20];
  int k = 0;
  for (; *p != 'e' && *p != '\0'; p++)
    if (*p >= '0' && *p <= '9') digits[k++] = *p;
  int exp10 = (*p == 'e') ? std::atoi(p + 1) : 0;
  while (k > 1 && digits[k - 1] == '0') k--;
  int n = exp10 + 1;
  char* out = buf;
  if (v < 0) *out++ = '-';
  if (k <= n && n <= 21) {
    std::memcpy(out, digits, (size_t)k);
    out += k;
    for (int i = k; i < n; i++) *out++ = '0';
  } else if (0 < n && n <= 21) {
    std::memcpy(out, digits, (size_t)n);
    out += n;
    *out++ = '.';
    std::memcpy(out, digits + n, (size_t)(k - n));
    out += k - n;
  } else if (-6 < n && n <= 0) {
    *out++ = '0';
    *out++ = '.';
    for (int i = n; i < 0; i++) *out++ = '0';
    std::memcpy(out, digits, (size_t)k);
    out += k;
  } else {
    *out++ = digits[0];
    if (k > 1) {
      *out++ = '.';
      std::memcpy(out, digits + 1, (size_t)(k - 1));
      out += k - 1;
    }
    out += std::sprintf(out, "e%c%d", exp10 >= 0 ? '+' : '-', exp10 >= 0 ? exp10 : -exp10);
  }
  *out = '\0';
  return (int)(out - buf);
}

double FromBits(uint64_t bits) {
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// Compares one value (and its negation); counts the values compared.
class Comparer {
 public:
  void Check(double v) {
    CheckOne(v);
    CheckOne(-v);
  }
  int64_t compared() const { return compared_; }
  int64_t mismatches() const { return mismatches_; }

 private:
  void CheckOne(double v) {
    char want[64];
    char got[64];
    int want_len = OldFormat(v, want);
    std::memset(got, 'X', sizeof got);
    int got_len = reml_format_f64(v, got);
    compared_++;
    if (want_len != got_len || std::strcmp(want, got) != 0) {
      if (mismatches_++ < 10) ADD_FAILURE() << "bits " << std::hex << Bits(v) << ": old " << want << ", new " << got;
    }
  }
  static uint64_t Bits(double v) {
    uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
  }
  int64_t compared_ = 0;
  int64_t mismatches_ = 0;
};

TEST(RuntimeNumberFormat, FloatPowersOfTwoAndNeighbours) {
  Comparer c;
  // Every exponent field, with the first and last 8 significands of each
  // binade: the power of two itself is where the round-trip interval is
  // lopsided.
  for (uint64_t e = 0; e < 2047; e++) {
    for (uint64_t m = 0; m < 8; m++) {
      c.Check(FromBits(e << 52 | m));
      c.Check(FromBits(e << 52 | (0x000fffffffffffffu - m)));
    }
  }
  EXPECT_EQ(c.compared(), 2047 * 16 * 2);
  EXPECT_EQ(c.mismatches(), 0);
}

TEST(RuntimeNumberFormat, FloatPowersOfTen) {
  Comparer c;
  for (int e = -330; e <= 310; e++) {
    char text[16];
    std::snprintf(text, sizeof text, "1e%d", e);
    double v = std::strtod(text, nullptr);
    c.Check(v);
    c.Check(std::nextafter(v, 0.0));
    c.Check(std::nextafter(v, INFINITY));
  }
  EXPECT_EQ(c.compared(), 641 * 3 * 2);
  EXPECT_EQ(c.mismatches(), 0);
}

TEST(RuntimeNumberFormat, FloatIntegersAround2To53) {
  Comparer c;
  const double limits[] = {9007199254740992.0, 18014398509481984.0, 1e21, 1e22};
  for (double limit : limits) {
    double v = limit;
    for (int i = 0; i < 1000; i++) v = std::nextafter(v, 0.0);
    for (int i = 0; i < 2000; i++) {
      c.Check(v);
      v = std::nextafter(v, INFINITY);
    }
  }
  EXPECT_EQ(c.compared(), 4 * 2000 * 2);
  EXPECT_EQ(c.mismatches(), 0);
}

TEST(RuntimeNumberFormat, FloatSubnormals) {
  Comparer c;
  std::mt19937_64 rng(kSeed);
  for (uint64_t m = 1; m < 1000; m++) c.Check(FromBits(m));
  for (int i = 0; i < kRandomSubnormals; i++) c.Check(FromBits(rng() & 0x000fffffffffffffu));
  EXPECT_EQ(c.compared(), (999 + kRandomSubnormals) * 2);
  EXPECT_EQ(c.mismatches(), 0);
}

TEST(RuntimeNumberFormat, FloatRandomBitPatterns) {
  Comparer c;
  std::mt19937_64 rng(kSeed + 1);
  for (int i = 0; i < kRandomDoubles; i++) c.Check(FromBits(rng()));
  // Short decimals, the values programs mostly print.
  for (int i = 0; i < kRandomDoubles / 4; i++) c.Check(static_cast<double>(rng() % 2000001) / 1000.0 - 1000.0);
  const double specials[] = {0.0, INFINITY, NAN, DBL_MIN, DBL_MAX, DBL_TRUE_MIN, 0.1, 0.5, 1.5e-7, 123e-20};
  for (double special : specials) c.Check(special);
  EXPECT_EQ(c.compared(), (kRandomDoubles + kRandomDoubles / 4 + 10) * 2);
  EXPECT_EQ(c.mismatches(), 0);
}

std::string Take(reml_string_t* s) {
  std::string text(s->data, static_cast<size_t>(s->len));
  EXPECT_EQ(s->data[s->len], '\0');
  dec_ref(s);
  return text;
}

std::string Printf(int64_t v) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%" PRId64, v);
  return std::string(buf, static_cast<size_t>(n));
}

TEST(RuntimeNumberFormat, IntAgainstPrintf) {
  std::mt19937_64 rng(kSeed + 2);
  int64_t compared = 0;
  auto check = [&](int64_t v) {
    EXPECT_EQ(Take(reml_i64_to_string(v)), Printf(v));
    compared++;
  };
  check(INT64_MIN);
  check(INT64_MAX);
  int64_t p = 1;
  for (int i = 0; i < 19; i++) {
    for (int64_t d : {-1, 0, 1}) {
      check(p + d);
      check(-(p + d));
    }
    if (i < 18) p *= 10;  // 10^18 is the largest power of ten an Int holds
  }
  // Random magnitudes of every length.
  for (int i = 0; i < kRandomInts; i++) {
    auto v = static_cast<int64_t>(rng() >> (rng() % 64));
    check(i % 2 == 0 ? v : -v);
  }
  EXPECT_EQ(compared, 2 + 19 * 6 + kRandomInts);
}

TEST(RuntimeNumberFormat, ConcatWithNumbersMatchesConcatOfText) {
  reml_string_t* key = reml_str_new("key-", 4);
  reml_string_t* empty = reml_str_new("", 0);
  const int64_t ints[] = {0, 7, -7, 42, 1000000, INT64_MIN, INT64_MAX};
  for (int64_t v : ints) {
    for (reml_string_t* s : {key, empty}) {
      reml_string_t* text = reml_i64_to_string(v);
      std::string digits(text->data, static_cast<size_t>(text->len));
      EXPECT_EQ(Take(reml_str_concat_i64(s, v)), std::string(s->data) + digits);
      EXPECT_EQ(Take(reml_i64_concat_str(v, s)), digits + s->data);
      dec_ref(text);
    }
  }
  const double floats[] = {0.5, -0.0, 1e21, 0.1 + 0.2, NAN, -INFINITY, 5e-324, 123.0};
  for (double v : floats) {
    char buf[32];
    std::string text(buf, static_cast<size_t>(reml_format_f64(v, buf)));
    EXPECT_EQ(Take(reml_str_concat_f64(key, v)), "key-" + text);
    EXPECT_EQ(Take(reml_f64_concat_str(v, key)), text + "key-");
    EXPECT_EQ(Take(reml_str_concat_f64(empty, v)), text);
  }
  dec_ref(key);
  dec_ref(empty);
}

// join writes plain elements into a result sized once and falls back to a
// buffer when an element is an array (whose text may run user code); both
// must give each element's toString() text joined by the separator.
TEST(RuntimeNumberFormat, JoinMatchesElementTexts) {
  reml_array_t* plain = reml_array_new();
  std::vector<reml_handle_t> values = {
      reml_box_i64(0),          reml_box_i64(-12345),   reml_box_i64(INT64_MIN), reml_box_i64(INT64_MAX),
      reml_box_f64(0.1 + 0.2),  reml_box_f64(-0.0),     reml_box_f64(1e300),     reml_box_f64(NAN),
      reml_box_bool(1),         reml_box_bool(0),       REML_VOID,
      reml_h_from_ptr(reml_str_new("text", 4)),         reml_h_from_ptr(reml_str_new("", 0))};
  for (reml_handle_t v : values) reml_array_push(plain, v);
  reml_array_t* mixed = reml_array_new();
  for (reml_handle_t v : values) reml_array_push(mixed, v);
  reml_array_t* inner = reml_array_new();
  reml_array_push(inner, reml_box_i64(7));
  reml_array_push(mixed, reml_h_from_ptr(inner));
  for (reml_string_t* sep : {reml_str_new(", ", 2), reml_str_new("", 0)}) {
    std::string want;
    for (size_t i = 0; i < values.size(); i++) {
      if (i > 0) want += sep->data;
      want += Take(reml_h_to_string(values[i]));
    }
    EXPECT_EQ(Take(reml_array_join(plain, sep)), want);
    EXPECT_EQ(Take(reml_array_join(mixed, sep)), want + sep->data + "[7]");
    dec_ref(sep);
  }
  for (reml_handle_t v : values) reml_h_release(v);
  dec_ref(inner);
  dec_ref(plain);
  dec_ref(mixed);
}

}  // namespace
