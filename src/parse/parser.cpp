#include "parse/parser.h"

#include <algorithm>

#include "parse/parse.h"

namespace hako::parse {

ast::Program parse_program(const base::SourceFile& file, diag::DiagEngine& diags) {
  ast::Program program;
  parse_file(file, diags, program);
  return program;
}

void parse_file(const base::SourceFile& file, diag::DiagEngine& diags, ast::Program& program) {
  std::vector<Token> tokens = lex::lex(file, diags);
  Parser(file, diags, std::move(tokens)).parse_into(program);
}

Parser::Parser(const base::SourceFile& file, diag::DiagEngine& diags, std::vector<Token> tokens)
    : file_(file), diags_(diags), toks_(std::move(tokens)) {
  // The cursor relies on a final Eof; lex() always adds one, tests may not.
  if (toks_.empty() || toks_.back().kind != TokenKind::Eof) {
    Token eof;
    eof.span = base::Span{file.end(), file.end()};
    toks_.push_back(eof);
  }
  skip_newlines_.push_back(false);
}

ast::Program Parser::parse_program() {
  ast::Program program;
  parse_into(program);
  return program;
}

void Parser::parse_into(ast::Program& program) {
  next_expr_id_ = program.expr_count;
  next_local_ = program.local_count;
  // A capped engine drops every report, and the lexer stopped early: the
  // tokens are incomplete and nothing more can be said about them.
  if (!lex::diags_capped(diags_)) {
    parse_top_level(program);
    flush_min_literals();
  }
  program.expr_count = next_expr_id_;
  program.local_count = next_local_;
}

// --- cursor ------------------------------------------------------------------

const Token& Parser::peek() {
  if (skip_newlines_.back()) {
    while (toks_[pos_].kind == TokenKind::Newline) ++pos_;
  }
  return toks_[pos_];
}

TokenKind Parser::peek_kind_after(uint32_t n) const {
  size_t at = std::min<size_t>(size_t{pos_} + n, toks_.size() - 1);
  return toks_[at].kind;
}

const Token& Parser::advance() {
  peek();
  prev_ = pos_;
  if (toks_[pos_].kind != TokenKind::Eof) ++pos_;
  return toks_[prev_];
}

bool Parser::accept(TokenKind kind) {
  if (!at(kind)) return false;
  advance();
  return true;
}

const Token& Parser::expect(TokenKind kind, const std::string& what) {
  if (!at(kind)) fail_expected(what);
  return advance();
}

const Token& Parser::open_bracket(TokenKind kind) {
  const Token& t = advance();
  open_.push_back(kind);
  return t;
}

base::Span Parser::close_bracket(TokenKind kind, const std::string& what) {
  base::Span span = expect(kind, what).span;
  open_.pop_back();
  return span;
}

void Parser::skip_newlines() {
  while (toks_[pos_].kind == TokenKind::Newline) ++pos_;
}

void Parser::skip_separators() {
  while (toks_[pos_].kind == TokenKind::Newline || toks_[pos_].kind == TokenKind::Semicolon) ++pos_;
}

// --- errors and recovery -----------------------------------------------------

std::string Parser::describe_current() { return lex::describe_token(peek(), file_); }

void Parser::report(diag::Kind kind, base::Span span, std::string message) {
  diags_.report(kind, &file_, span, std::move(message));
}

void Parser::fail_expected(const std::string& what) {
  fail(diag::Kind::ExpectedToken, peek().span, "Expected " + what + ", found " + describe_current() + ".");
}

void Parser::fail(diag::Kind kind, base::Span span, std::string message) {
  report(kind, span, std::move(message));
  throw SyntaxError{};
}

void Parser::check_cap() {
  if (lex::diags_capped(diags_)) throw BailOut{};
}

namespace {

// Keywords that can only start a statement, never continue an expression.
bool is_statement_keyword(TokenKind k) {
  switch (k) {
    case TokenKind::KwLocal: case TokenKind::KwIf: case TokenKind::KwLoop: case TokenKind::KwWhile:
    case TokenKind::KwReturn: case TokenKind::KwPrint: case TokenKind::KwBreak: case TokenKind::KwContinue:
    case TokenKind::KwFini: case TokenKind::KwUnsafe:
      return true;
    default:
      return false;
  }
}

bool is_brace_opener(TokenKind k) { return k == TokenKind::LBrace || k == TokenKind::PercentLBrace; }

}  // namespace

void Parser::sync_to_line_end(size_t open_base, uint32_t start) {
  std::vector<TokenKind> open(open_.begin() + static_cast<std::ptrdiff_t>(std::min(open_base, open_.size())),
                              open_.end());
  for (;;) {
    TokenKind k = toks_[pos_].kind;
    if (k == TokenKind::Eof) break;
    // An unclosed `(` or `[` would otherwise swallow the following lines:
    // a line that starts like a statement is taken as the next statement.
    if (!open.empty() && pos_ > start && is_statement_keyword(k) && toks_[pos_ - 1].kind == TokenKind::Newline &&
        std::none_of(open.begin(), open.end(), is_brace_opener)) {
      break;
    }
    if (k == TokenKind::Newline || k == TokenKind::Semicolon) {
      if (open.empty()) {
        ++pos_;
        break;
      }
    } else if (k == TokenKind::LParen || k == TokenKind::LBracket || k == TokenKind::LBrace ||
               k == TokenKind::PercentLBrace) {
      open.push_back(k);
    } else if (k == TokenKind::RParen || k == TokenKind::RBracket) {
      TokenKind opener = k == TokenKind::RParen ? TokenKind::LParen : TokenKind::LBracket;
      if (!open.empty() && open.back() == opener) open.pop_back();
    } else if (k == TokenKind::RBrace) {
      // Unclosed ( or [ inside a brace pair are abandoned at its `}`; a `}`
      // with no brace opened by this construct closes the enclosing block.
      while (!open.empty() && !is_brace_opener(open.back())) open.pop_back();
      if (open.empty()) break;
      open.pop_back();
    }
    ++pos_;
  }
  open_.resize(std::min(open_base, open_.size()));
  // Every recovery consumes something, so no loop can spin in place.
  if (pos_ == start && toks_[pos_].kind != TokenKind::Eof && toks_[pos_].kind != TokenKind::RBrace) ++pos_;
}

void Parser::sync_to_declaration(uint32_t start) {
  open_.clear();
  if (pos_ == start && toks_[pos_].kind != TokenKind::Eof) ++pos_;
  for (;;) {
    TokenKind k = toks_[pos_].kind;
    if (k == TokenKind::Eof || k == TokenKind::KwBox || k == TokenKind::KwStatic || k == TokenKind::KwExtern ||
        k == TokenKind::KwUsing)
      break;
    if (k == TokenKind::At) {
      uint32_t end = attribute_run_end(pos_);
      if (end != pos_ && toks_[end].kind == TokenKind::KwExtern) break;
      // Every `@` inside that run would end at the same place: skip them
      // all, so a long run of attributes is scanned once.
      pos_ = std::max(end, pos_ + 1);
      continue;
    }
    ++pos_;
  }
}

bool Parser::at_declaration_start() {
  peek();
  return declaration_starts_at(pos_);
}

bool Parser::declaration_starts_at(uint32_t i) const {
  TokenKind k = toks_[i].kind;
  TokenKind next = toks_[std::min<size_t>(size_t{i} + 1, toks_.size() - 1)].kind;
  return (k == TokenKind::KwBox && next == TokenKind::Ident) || (k == TokenKind::KwStatic && next == TokenKind::KwBox) ||
         k == TokenKind::KwExtern || (k == TokenKind::At && attributes_lead_to_extern(i));
}

uint32_t Parser::attribute_run_end(uint32_t i) const {
  // `@ name ( "value" )`, repeated; only complete attributes count, so that a
  // stray `@` inside a body is not taken for the start of a declaration.
  static constexpr TokenKind kAttribute[] = {TokenKind::At, TokenKind::Ident, TokenKind::LParen, TokenKind::String,
                                             TokenKind::RParen};
  uint32_t end = i;
  for (;;) {
    uint32_t at = end;
    for (TokenKind k : kAttribute) {
      if (toks_[at].kind != k) return end;  // Eof never matches, so `at` stays in range
      ++at;
    }
    while (toks_[at].kind == TokenKind::Newline) ++at;
    end = at;
  }
}

bool Parser::attributes_lead_to_extern(uint32_t i) const {
  uint32_t end = attribute_run_end(i);
  return end != i && toks_[end].kind == TokenKind::KwExtern;
}

void Parser::report_missing_brace(base::Span open, const char* what) {
  if (missing_brace_at_ == pos_) return;
  missing_brace_at_ = pos_;
  uint32_t line = file_.line_col(open.begin).line;
  report(diag::Kind::ExpectedToken, peek().span,
         "Expected '}' to close the " + std::string(what) + " opened at line " + std::to_string(line) + ", found " +
             describe_current() + ".");
  std::optional<base::Span> skipped = unclosed_by_indentation(open);
  if (skipped)
    diags_.note(&file_, *skipped,
                "this '{' is probably the one never closed: no '}' below it starts a line with its line's indentation");
  diags_.note(&file_, open, "the " + std::string(what) + " opened here");
}

void Parser::flush_min_literals() {
  for (const auto& [id, span] : min_literals_) {
    (void)id;
    std::string text(file_.slice(span));
    report(diag::Kind::IntegerTooLarge, span,
           "Integer literal '" + text +
               "' does not fit in a 64-bit signed integer (the largest is 9223372036854775807); only a minus "
               "directly before it, as in '-" + text + "', makes it valid.");
  }
  min_literals_.clear();
}

void Parser::note_height(uint32_t id, uint32_t height, base::Span span) {
  if (heights_.size() <= id) heights_.resize(size_t{id} + 1, 0);
  heights_[id] = height;
  block_max_height_ = std::max(block_max_height_, height);
  if (height > kMaxHeight) {
    fail(diag::Kind::NestingTooDeep, span,
         "This expression is nested too deeply (its syntax tree is more than " + std::to_string(kMaxHeight) +
             " levels deep); split it into smaller parts with locals.");
  }
}

DepthGuard::DepthGuard(Parser& p) : p_(p) {
  if (++p_.depth_ > Parser::kMaxDepth) {
    --p_.depth_;
    p_.report(diag::Kind::NestingTooDeep, p_.peek().span,
              "Nesting is too deep here: more than " + std::to_string(Parser::kMaxDepth) +
                  " levels of brackets, blocks or prefix operators; split the code into smaller parts.");
    throw BailOut{};
  }
}

}  // namespace hako::parse
