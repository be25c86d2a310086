// Tokens of the MIR text form (docs/mir.md, "Lexical structure"). Newlines
// are tokens because the grammar is line-oriented: one item per line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/source.h"

namespace hako::mir::text {

enum class Tok : uint8_t {
  Ident,    // [A-Za-z_][A-Za-z0-9_]*: keywords, mnemonics, names, bbN
  Number,   // [-+]?[0-9A-Za-z_.]+ with a sign allowed after e/E: 12, -3, 1.5e-07, -inf, 0x7ff4...
  String,   // "..." (text holds the decoded bytes)
  Value,    // %N (text holds the digits)
  Punct,    // one of ( ) [ ] { } , : = . / @ ! $ < > (text holds it)
  Arrow,    // ->
  Newline,  // end of a line (comments are dropped)
  End,      // end of input
};

struct Token {
  Tok kind = Tok::End;
  base::Span span;
  std::string text;
};

// A lexical error: the message and the offending bytes.
struct LexError {
  std::string message;
  base::Span span;
};

// Splits `src` into tokens ending with one End token. Returns false and fills
// `error` at the first bad character or malformed string literal.
bool lex(std::string_view src, std::vector<Token>& out, LexError& error);

}  // namespace hako::mir::text
