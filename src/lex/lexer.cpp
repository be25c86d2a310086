#include "lex/lexer.h"

#include <cstdio>

namespace hako::lex {

std::vector<Token> lex(const base::SourceFile& file, diag::DiagEngine& diags) {
  return Lexer(file, diags).run();
}

Lexer::Lexer(const base::SourceFile& file, diag::DiagEngine& diags)
    : file_(file), src_(file.text()), diags_(diags), size_(static_cast<uint32_t>(file.text().size())) {}

void Lexer::error(diag::Kind kind, uint32_t begin, uint32_t end, std::string message) {
  diags_.report(kind, &file_, span(begin, end), std::move(message));
  if (diags_capped(diags_)) stopped_ = true;
}

Token& Lexer::push(TokenKind kind, uint32_t begin) {
  Token& t = out_.emplace_back();
  t.kind = kind;
  t.span = span(begin, pos_);
  return t;
}

void Lexer::newline(uint32_t at) {
  if (out_.empty() || out_.back().kind == TokenKind::Newline) return;
  Token& t = out_.emplace_back();
  t.kind = TokenKind::Newline;
  t.span = span(at, at + 1);
}

std::vector<Token> Lexer::run() {
  while (!stopped_) {
    char c = peek();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
      continue;
    }
    if (at_end()) break;
    if (c == '\n') {
      newline(pos_);
      ++pos_;
    } else if (c == '#' || (c == '/' && peek(1) == '/')) {
      skip_line_comment();
    } else if (c == '/' && peek(1) == '*') {
      skip_block_comment();
    } else if (is_ident_start(c)) {
      lex_ident();
    } else if (is_digit(c)) {
      lex_number();
    } else if (c == '"' || c == '\'') {
      lex_string();
    } else if (!lex_punct()) {
      lex_bad_run();
    }
  }
  pos_ = size_;
  push(TokenKind::Eof, size_);
  return std::move(out_);
}

void Lexer::skip_line_comment() {
  // The newline itself stays: it still ends the statement.
  while (!at_end() && peek() != '\n') ++pos_;
}

void Lexer::skip_block_comment() {
  uint32_t begin = pos_;
  pos_ += 2;
  while (!at_end()) {
    char c = peek();
    if (c == '*' && peek(1) == '/') {
      pos_ += 2;
      return;
    }
    // A comment spanning lines separates statements like the newline would.
    if (c == '\n') newline(pos_);
    ++pos_;
  }
  error(diag::Kind::UnterminatedComment, begin, begin + 2,
        "Unterminated block comment: '/*' has no matching '*/' before the end of the file.");
}

void Lexer::lex_ident() {
  uint32_t begin = pos_;
  while (is_ident_char(peek())) ++pos_;
  std::string_view word(src_.data() + begin, pos_ - begin);
  TokenKind kind = keyword_kind(word);
  Token& t = push(kind, begin);
  if (kind == TokenKind::Ident) t.text = std::string(word);
}

bool Lexer::lex_punct() {
  uint32_t begin = pos_;
  char c = peek();
  char n = peek(1);
  TokenKind kind;
  uint32_t len = 1;
  // Longest match: longer forms are checked before their one-byte prefix.
  switch (c) {
    case '(': kind = TokenKind::LParen; break;
    case ')': kind = TokenKind::RParen; break;
    case '{': kind = TokenKind::LBrace; break;
    case '}': kind = TokenKind::RBrace; break;
    case '[': kind = TokenKind::LBracket; break;
    case ']': kind = TokenKind::RBracket; break;
    case ',': kind = TokenKind::Comma; break;
    case ';': kind = TokenKind::Semicolon; break;
    case '.':
      // Only a full `...` is one token: `a..b` stays two dots, as before.
      kind = n == '.' && peek(2) == '.' ? (len = 3, TokenKind::Ellipsis) : TokenKind::Dot;
      break;
    case ':': kind = TokenKind::Colon; break;
    case '?': kind = TokenKind::Question; break;
    case '@': kind = TokenKind::At; break;
    case '~': kind = TokenKind::Tilde; break;
    case '^': kind = TokenKind::Caret; break;
    case '+': kind = n == '=' ? (len = 2, TokenKind::PlusAssign) : TokenKind::Plus; break;
    case '-':
      // `->` takes no valid program apart: `>` cannot start an operand, so
      // `a->b` was never `a - > b`.
      if (n == '=') kind = (len = 2, TokenKind::MinusAssign);
      else if (n == '>') kind = (len = 2, TokenKind::Arrow);
      else kind = TokenKind::Minus;
      break;
    case '*': kind = n == '=' ? (len = 2, TokenKind::StarAssign) : TokenKind::Star; break;
    case '/': kind = n == '=' ? (len = 2, TokenKind::SlashAssign) : TokenKind::Slash; break;
    case '%':
      if (n == '{') kind = (len = 2, TokenKind::PercentLBrace);
      else if (n == '=') kind = (len = 2, TokenKind::PercentAssign);
      else kind = TokenKind::Percent;
      break;
    case '=':
      if (n == '=') kind = (len = 2, TokenKind::EqEq);
      else if (n == '>') kind = (len = 2, TokenKind::FatArrow);
      else kind = TokenKind::Assign;
      break;
    case '!': kind = n == '=' ? (len = 2, TokenKind::NotEq) : TokenKind::Bang; break;
    case '<':
      if (n == '=') kind = (len = 2, TokenKind::Le);
      else if (n == '<') kind = (len = 2, TokenKind::Shl);
      else kind = TokenKind::Lt;
      break;
    case '>':
      if (n == '=') kind = (len = 2, TokenKind::Ge);
      else if (n == '>') kind = (len = 2, TokenKind::Shr);
      else kind = TokenKind::Gt;
      break;
    case '&': kind = n == '&' ? (len = 2, TokenKind::AmpAmp) : TokenKind::Amp; break;
    case '|': kind = n == '|' ? (len = 2, TokenKind::PipePipe) : TokenKind::Pipe; break;
    default: return false;
  }
  pos_ += len;
  push(kind, begin);
  return true;
}

namespace {

// Whether a token, trivia or newline can start at byte `c` (bad runs stop there).
bool can_start_token(char c) {
  switch (c) {
    case ' ': case '\t': case '\r': case '\f': case '\v': case '\n':
    case '"': case '\'': case '#': case '@':
    case '(': case ')': case '{': case '}': case '[': case ']': case ',': case ';':
    case '.': case ':': case '?': case '~': case '^': case '+': case '-': case '*':
    case '/': case '%': case '=': case '!': case '<': case '>': case '&': case '|':
      return true;
    default:
      return is_ident_char(c);
  }
}

bool is_printable_ascii(unsigned char c) { return c >= 0x21 && c < 0x7f; }

}  // namespace

std::string describe_char_at(const std::string& text, uint32_t pos, uint32_t* length) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  *length = 1;
  char buf[32];
  if (is_printable_ascii(c)) {
    std::snprintf(buf, sizeof buf, "'%c'", c);
    return buf;
  }
  // Decode one UTF-8 sequence; anything malformed is named byte by byte
  // (lex() is also fed raw bytes, e.g. by fuzz tests).
  uint32_t need = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 && c < 0xF0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : 0;
  uint32_t cp = need == 3 ? c & 0x07u : need == 2 ? c & 0x0Fu : c & 0x1Fu;
  bool ok = need > 0 && uint64_t{pos} + need < text.size();
  for (uint32_t i = 1; ok && i <= need; ++i) {
    unsigned char cc = static_cast<unsigned char>(text[pos + i]);
    if ((cc & 0xC0) != 0x80) ok = false;
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if (c < 0x80) {
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  } else if (ok) {
    *length = need + 1;
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  } else {
    std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<unsigned>(c));
  }
  return buf;
}

void Lexer::lex_bad_run() {
  uint32_t begin = pos_;
  uint32_t first_len = 0;
  std::string first = describe_char_at(src_, pos_, &first_len);
  pos_ += first_len;
  uint32_t count = 1;
  bool all_printable = is_printable_ascii(static_cast<unsigned char>(src_[begin]));
  while (!at_end() && !can_start_token(peek())) {
    uint32_t len = 0;
    describe_char_at(src_, pos_, &len);
    if (!is_printable_ascii(static_cast<unsigned char>(peek()))) all_printable = false;
    pos_ += len;
    ++count;
  }
  std::string message;
  if (count == 1) {
    message = "Unexpected character " + first + "; it cannot start a token.";
  } else if (all_printable && count <= 16) {
    message = "Unexpected characters '" + src_.substr(begin, pos_ - begin) + "'; they cannot start a token.";
  } else {
    message = "Unexpected characters starting with " + first + " (" + std::to_string(count) +
              " in a row); they cannot start a token.";
  }
  error(diag::Kind::UnexpectedCharacter, begin, pos_, std::move(message));
}

}  // namespace hako::lex
