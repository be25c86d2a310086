// String literals in "..." or '...', with escapes decoded to bytes.
#include <cstdio>

#include "lex/lexer.h"

namespace hako::lex {

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

void Lexer::lex_string() {
  uint32_t begin = pos_;
  char quote = peek();
  ++pos_;
  std::string value;
  for (;;) {
    if (at_end() || peek() == '\n') {
      // The newline is left for the next token so the statement still ends.
      error(diag::Kind::UnterminatedString, begin, pos_,
            std::string("Unterminated string literal: add the closing ") + quote +
                " before the end of the line (strings cannot span lines; use \\n).");
      break;
    }
    char c = peek();
    if (c == quote) {
      ++pos_;
      break;
    }
    if (c == '\\') {
      lex_escape(value);
      if (stopped_) break;
      continue;
    }
    value += c;
    ++pos_;
  }
  push(TokenKind::String, begin).text = std::move(value);
}

void Lexer::lex_escape(std::string& out) {
  uint32_t begin = pos_;
  char c = peek(1);
  // A backslash at the end of the line or file: the string is unterminated,
  // which the caller reports next.
  if (c == '\n' || pos_ + 1 >= size_) {
    ++pos_;
    return;
  }
  pos_ += 2;
  switch (c) {
    case 'n': out += '\n'; return;
    case 't': out += '\t'; return;
    case 'r': out += '\r'; return;
    case 'b': out += '\b'; return;
    case 'f': out += '\f'; return;
    case '0': out += '\0'; return;
    case '\\': out += '\\'; return;
    case '"': out += '"'; return;
    case '\'': out += '\''; return;
    case '/': out += '/'; return;
    case 'u': lex_unicode_escape(out, begin); return;
    default: break;
  }
  // Unknown: report it, keep the character, and go on with the string.
  uint32_t len = 0;
  std::string what = describe_char_at(src_, begin + 1, &len);
  pos_ = begin + 1 + len;
  out.append(src_, begin + 1, len);
  std::string shown = len == 1 && what.size() == 3 ? "'\\" + what.substr(1) : "backslash followed by " + what;
  error(diag::Kind::UnknownEscape, begin, pos_,
        "Unknown escape sequence " + shown +
            " in a string literal; the escapes are \\n \\t \\r \\b \\f \\0 \\\\ \\\" \\' \\/ and \\u{...} "
            "(write \\\\ for a backslash).");
}

void Lexer::lex_unicode_escape(std::string& out, uint32_t begin) {
  // The cursor is just past `\u`.
  const char* kForm = "write it as \\u{...} with 1 to 6 hex digits, e.g. \\u{1F600}";
  if (peek() != '{') {
    error(diag::Kind::InvalidUnicodeEscape, begin, pos_, std::string("Malformed Unicode escape: ") + kForm + ".");
    return;
  }
  ++pos_;
  uint32_t digits = 0;
  uint32_t cp = 0;
  while (is_hex_digit(peek())) {
    if (digits < 7) {
      char c = peek();
      cp = cp * 16 + static_cast<uint32_t>(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    ++digits;
    ++pos_;
  }
  if (peek() != '}' || digits == 0 || digits > 6) {
    if (peek() == '}') ++pos_;
    error(diag::Kind::InvalidUnicodeEscape, begin, pos_, std::string("Malformed Unicode escape: ") + kForm + ".");
    return;
  }
  ++pos_;
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  if (cp > 0x10FFFF) {
    error(diag::Kind::InvalidUnicodeEscape, begin, pos_,
          std::string("Invalid Unicode escape: ") + buf + " is beyond the last code point U+10FFFF.");
    return;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    error(diag::Kind::InvalidUnicodeEscape, begin, pos_,
          std::string("Invalid Unicode escape: ") + buf +
              " is a surrogate, which cannot be encoded on its own in UTF-8.");
    return;
  }
  append_utf8(out, cp);
}

}  // namespace hako::lex
