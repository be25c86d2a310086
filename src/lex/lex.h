// Lex: source bytes → tokens. The token kinds live in lex/tokens.def; the
// parser (src/parse) is the only consumer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/source.h"
#include "diag/diag.h"

namespace hako::lex {

// The kinds of tokens, in the order of tokens.def (keywords are Kw<Name>).
enum class TokenKind : uint8_t {
#define TOKEN(name, description) name,
#define KEYWORD(name, spelling) Kw##name,
#define PUNCT(name, spelling) name,
#include "lex/tokens.def"
};

// One token with its decoded payload. Only the fields its kind uses are set.
struct Token {
  TokenKind kind = TokenKind::Eof;
  base::Span span;
  // Int: the value. A literal equal to 2^63 (one past i64 max) is the only
  // too-large literal that still lexes cleanly: it carries `is_i64_min_magnitude`
  // and the value INT64_MIN, so the parser can accept it under unary minus.
  int64_t int_value = 0;
  bool is_i64_min_magnitude = false;
  double float_value = 0.0;  // Float: the value (inf when it overflows)
  std::string text;          // Ident: the name; String: the decoded bytes
};

// Splits `file` into tokens; the result always ends with one Eof token.
// Runs of newlines (and comments spanning lines) give a single Newline token;
// whether a newline matters is the parser's decision. Errors are reported to
// `diags`, and lexing stops early once the engine has hit its error cap.
std::vector<Token> lex(const base::SourceFile& file, diag::DiagEngine& diags);

// The enumerator's name, e.g. "KwBox" or "PlusAssign" (for tests and dumps).
const char* token_kind_name(TokenKind kind);

// The fixed spelling of a keyword or punctuation kind ("box", "+="), or the
// description of a kind without one ("identifier", "end of file").
const char* token_kind_spelling(TokenKind kind);

// Whether the kind is a keyword.
bool is_keyword(TokenKind kind);

// The keyword kind spelled `word`, or Ident when `word` is not a keyword.
TokenKind keyword_kind(std::string_view word);

// How an error message names a token: "'+'", "keyword 'box'",
// "identifier 'foo'", "integer literal '42'", "end of line", ...
std::string describe_token(const Token& token, const base::SourceFile& file);

// Whether `diags` has reached its error cap (it then drops new reports), so
// further lexing or parsing work would be wasted.
bool diags_capped(const diag::DiagEngine& diags);

}  // namespace hako::lex
