#include <algorithm>
#include <array>

#include "lex/lex.h"

namespace hako::lex {

namespace {

struct KindText {
  const char* name;
  const char* spelling;
  bool keyword;
};

constexpr KindText kKinds[] = {
#define TOKEN(name, description) {#name, description, false},
#define KEYWORD(name, spelling) {"Kw" #name, spelling, true},
#define PUNCT(name, spelling) {#name, spelling, false},
#include "lex/tokens.def"
};

constexpr size_t kKindCount = sizeof kKinds / sizeof kKinds[0];

}  // namespace

const char* token_kind_name(TokenKind kind) {
  size_t i = static_cast<size_t>(kind);
  return i < kKindCount ? kKinds[i].name : "?";
}

const char* token_kind_spelling(TokenKind kind) {
  size_t i = static_cast<size_t>(kind);
  return i < kKindCount ? kKinds[i].spelling : "?";
}

bool is_keyword(TokenKind kind) {
  size_t i = static_cast<size_t>(kind);
  return i < kKindCount && kKinds[i].keyword;
}

TokenKind keyword_kind(std::string_view word) {
  // A linear scan is fine: only 32 keywords, and most identifiers differ in
  // their first byte or length at once.
  for (size_t i = 0; i < kKindCount; ++i) {
    if (kKinds[i].keyword && word == kKinds[i].spelling) return static_cast<TokenKind>(i);
  }
  return TokenKind::Ident;
}

std::string describe_token(const Token& token, const base::SourceFile& file) {
  std::string_view text = file.slice(token.span);
  // Long literals would drown the message; the caret shows the full extent.
  constexpr size_t kMaxShown = 32;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) shown += "...";
  switch (token.kind) {
    case TokenKind::Eof: return "end of file";
    case TokenKind::Newline: return "end of line";
    case TokenKind::Ident: return "identifier '" + shown + "'";
    case TokenKind::Int: return "integer literal '" + shown + "'";
    case TokenKind::Float: return "float literal '" + shown + "'";
    case TokenKind::String: return "string literal " + shown;
    default: break;
  }
  if (is_keyword(token.kind)) return std::string("keyword '") + token_kind_spelling(token.kind) + "'";
  return std::string("'") + token_kind_spelling(token.kind) + "'";
}

bool diags_capped(const diag::DiagEngine& diags) {
  // The engine signals its cap by appending one TooManyErrors diagnostic and
  // then dropping every later report, so that diagnostic stays last.
  const auto& all = diags.diagnostics();
  return !all.empty() && all.back().kind == diag::Kind::TooManyErrors;
}

}  // namespace hako::lex
