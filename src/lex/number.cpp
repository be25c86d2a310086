// Integer and float literals: 42, 0x1F, 1_000, 1.5, 2.5e-3.
#include <cstdlib>

#include "lex/lexer.h"

namespace hako::lex {

namespace {

bool dec_pred(char c) { return is_digit(c); }
bool hex_pred(char c) { return is_hex_digit(c); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

constexpr uint64_t kI64MinMagnitude = uint64_t{1} << 63;

// The value of `digits` in `base`, saturating one past 2^63 so that callers
// can tell "exactly 2^63" from "larger".
uint64_t accumulate(const std::string& digits, uint64_t base) {
  uint64_t v = 0;
  for (char c : digits) {
    uint64_t d = static_cast<uint64_t>(hex_value(c));
    if (v > (kI64MinMagnitude + 1 - d) / base) return kI64MinMagnitude + 1;
    v = v * base + d;
  }
  return v > kI64MinMagnitude ? kI64MinMagnitude + 1 : v;
}

}  // namespace

void Lexer::scan_digits(bool (*pred)(char), std::string& out, bool* bad) {
  bool last_was_digit = false;
  bool any = false;
  while (pred(peek()) || peek() == '_') {
    if (peek() == '_') {
      // `_` only separates digits: never first, doubled or last.
      if (!last_was_digit || !pred(peek(1))) *bad = true;
      last_was_digit = false;
    } else {
      out += peek();
      last_was_digit = true;
      any = true;
    }
    ++pos_;
  }
  if (!any) *bad = true;
}

void Lexer::lex_number() {
  uint32_t begin = pos_;
  bool bad = false;
  bool is_float = false;
  bool is_hex = false;
  std::string digits;  // the literal without `_`, as strtod wants it
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    is_hex = true;
    pos_ += 2;
    scan_digits(hex_pred, digits, &bad);
  } else {
    scan_digits(dec_pred, digits, &bad);
    // `1.foo()` is a method call on 1: the dot belongs to the number only
    // when a digit follows it.
    if (peek() == '.' && is_digit(peek(1))) {
      is_float = true;
      ++pos_;
      digits += '.';
      scan_digits(dec_pred, digits, &bad);
    }
    if (peek() == 'e' || peek() == 'E') {
      is_float = true;
      ++pos_;
      digits += 'e';
      if (peek() == '+' || peek() == '-') digits += src_[pos_++];
      scan_digits(dec_pred, digits, &bad);
    }
  }
  // `12px`, `0x1G`, `1.5f`: letters glued to a number make it malformed
  // rather than two tokens.
  if (is_ident_char(peek())) {
    bad = true;
    while (is_ident_char(peek())) ++pos_;
  }

  std::string_view text(src_.data() + begin, pos_ - begin);
  if (bad) {
    constexpr size_t kMaxShown = 32;
    std::string shown(text.substr(0, kMaxShown));
    if (text.size() > kMaxShown) shown += "...";
    error(diag::Kind::MalformedNumber, begin, pos_,
          "Malformed number literal '" + shown +
              "'; write digits like 42, 1_000, 0x1F, 1.5 or 2.5e-3.");
    push(TokenKind::Int, begin);  // value 0: the error is already reported
    return;
  }
  if (is_float) {
    Token& t = push(TokenKind::Float, begin);
    // strtod gives ±HUGE_VAL on overflow and 0 on underflow, which is what
    // the literal means as an IEEE double.
    t.float_value = std::strtod(digits.c_str(), nullptr);
    return;
  }
  uint64_t v = accumulate(digits, is_hex ? 16 : 10);
  if (v > kI64MinMagnitude) {
    constexpr size_t kMaxShown = 32;
    std::string shown(text.substr(0, kMaxShown));
    if (text.size() > kMaxShown) shown += "...";
    error(diag::Kind::IntegerTooLarge, begin, pos_,
          "Integer literal '" + shown +
              "' does not fit in a 64-bit signed integer (the largest is 9223372036854775807).");
    push(TokenKind::Int, begin);
    return;
  }
  Token& t = push(TokenKind::Int, begin);
  if (v == kI64MinMagnitude) {
    t.is_i64_min_magnitude = true;
    t.int_value = INT64_MIN;
  } else {
    t.int_value = static_cast<int64_t>(v);
  }
}

}  // namespace hako::lex
