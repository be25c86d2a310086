// The lexer's internal state, shared by the files that scan each token class
// (lexer.cpp: trivia, names, punctuation; number.cpp; string_lit.cpp).
#pragma once

#include <string>
#include <vector>

#include "lex/lex.h"

namespace hako::lex {

// Character classes of the lexical grammar (§1); bytes ≥ 0x80 are in none.
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

// A human-readable name for the character starting at `text[pos]` ("'$'",
// "U+00E9", "byte 0xFF") and its length in bytes (at least 1).
std::string describe_char_at(const std::string& text, uint32_t pos, uint32_t* length);

// One pass over one source file; use once through lex().
class Lexer {
 public:
  // Prepares to scan `file`, reporting to `diags`.
  Lexer(const base::SourceFile& file, diag::DiagEngine& diags);
  // Scans the whole file (or up to the error cap) and returns the tokens.
  std::vector<Token> run();

 private:
  // The byte `ahead` positions past the cursor, or NUL past the end.
  char peek(uint32_t ahead = 0) const {
    uint64_t at = uint64_t{pos_} + ahead;
    return at < size_ ? src_[at] : '\0';
  }
  // Whether the cursor is past the last byte.
  bool at_end() const { return pos_ >= size_; }
  // The global span of the file positions [begin, end): the lexer scans in
  // file positions, tokens and reports carry global offsets (base/source.h).
  base::Span span(uint32_t begin, uint32_t end) const { return base::Span{file_.base() + begin, file_.base() + end}; }
  // Reports an error over [begin, end) and notes when the cap is reached.
  void error(diag::Kind kind, uint32_t begin, uint32_t end, std::string message);
  // Appends a token of `kind` spanning [begin, pos_).
  Token& push(TokenKind kind, uint32_t begin);
  // Appends a Newline token at `at` unless the previous token is one already.
  void newline(uint32_t at);

  // Skips a `//` or `#` comment, leaving its newline for the next token.
  void skip_line_comment();
  // Skips a `/* */` comment (E0105 when unterminated).
  void skip_block_comment();
  // Scans an identifier or keyword.
  void lex_ident();
  // Scans an operator or punctuation token; false when none starts here.
  bool lex_punct();
  // Consumes and reports a run of characters that cannot start any token.
  void lex_bad_run();

  // number.cpp: scans an integer or float literal (E0106, E0107).
  void lex_number();
  // Consumes digits accepted by `pred` with single `_` separators between
  // them, appending the digits to `out`; sets `*bad` on a misplaced `_`.
  void scan_digits(bool (*pred)(char), std::string& out, bool* bad);

  // string_lit.cpp: scans a string literal (E0102) with its escapes.
  void lex_string();
  // Decodes the escape whose backslash is at the cursor into `out`.
  void lex_escape(std::string& out);
  // Decodes the `{...}` part of a `\u{...}` escape starting at `begin` (E0104).
  void lex_unicode_escape(std::string& out, uint32_t begin);

  const base::SourceFile& file_;
  const std::string& src_;
  diag::DiagEngine& diags_;
  uint32_t size_;
  uint32_t pos_ = 0;
  bool stopped_ = false;
  std::vector<Token> out_;
};

}  // namespace hako::lex
