// Expressions (§5): precedence climbing over the binary operators, then
// prefix operators, postfix `.name` / `.name(...)`, and primaries.
#include <algorithm>

#include "parse/parser.h"

namespace hako::parse {

namespace {

enum class OpClass : uint8_t { None, Binary, Logical };

struct BinaryInfo {
  OpClass cls = OpClass::None;
  int prec = 0;  // higher binds tighter
  ast::BinaryOp op = ast::BinaryOp::Add;
  ast::LogicalOp logical = ast::LogicalOp::And;
};

BinaryInfo binary_info(TokenKind k) {
  using ast::BinaryOp;
  auto bin = [](int prec, BinaryOp op) { return BinaryInfo{OpClass::Binary, prec, op, ast::LogicalOp::And}; };
  auto logic = [](int prec, ast::LogicalOp op) { return BinaryInfo{OpClass::Logical, prec, BinaryOp::Add, op}; };
  switch (k) {
    case TokenKind::PipePipe:
    case TokenKind::KwOr: return logic(1, ast::LogicalOp::Or);
    case TokenKind::AmpAmp:
    case TokenKind::KwAnd: return logic(2, ast::LogicalOp::And);
    case TokenKind::EqEq: return bin(3, BinaryOp::Eq);
    case TokenKind::NotEq: return bin(3, BinaryOp::Ne);
    case TokenKind::Lt: return bin(3, BinaryOp::Lt);
    case TokenKind::Le: return bin(3, BinaryOp::Le);
    case TokenKind::Gt: return bin(3, BinaryOp::Gt);
    case TokenKind::Ge: return bin(3, BinaryOp::Ge);
    case TokenKind::Pipe: return bin(4, BinaryOp::BitOr);
    case TokenKind::Caret: return bin(5, BinaryOp::BitXor);
    case TokenKind::Amp: return bin(6, BinaryOp::BitAnd);
    case TokenKind::Shl: return bin(7, BinaryOp::Shl);
    case TokenKind::Shr: return bin(7, BinaryOp::Shr);
    case TokenKind::Plus: return bin(8, BinaryOp::Add);
    case TokenKind::Minus: return bin(8, BinaryOp::Sub);
    case TokenKind::Star: return bin(9, BinaryOp::Mul);
    case TokenKind::Slash: return bin(9, BinaryOp::Div);
    case TokenKind::Percent: return bin(9, BinaryOp::Mod);
    default: return BinaryInfo{};
  }
}

base::Span join(base::Span a, base::Span b) { return base::Span{a.begin, b.end}; }

// Whether a line starting with `k` continues the expression of the line
// before: a binary operator that cannot begin an expression. `-` can
// (unary minus), so a line starting with it is a statement of its own.
bool continues_at_line_start(TokenKind k) {
  return binary_info(k).cls != OpClass::None && k != TokenKind::Minus;
}

}  // namespace

ast::ExprPtr Parser::parse_expr() {
  ast::ExprPtr cond = parse_binary(1);
  if (!at(TokenKind::Question)) return cond;
  // `c ? a : b ? x : y` recurses once per `?`; the guard bounds the chain.
  DepthGuard guard(*this);
  advance();
  skip_newlines();
  ast::ExprPtr then_expr = parse_expr();
  if (peek().kind == TokenKind::Newline && peek_kind_after(1) == TokenKind::Colon) skip_newlines();
  expect(TokenKind::Colon, "':' in the conditional expression 'c ? a : b'");
  skip_newlines();
  ast::ExprPtr else_expr = parse_expr();
  uint32_t h = 1 + std::max({height(cond), height(then_expr), height(else_expr)});
  base::Span span = join(cond->span, else_expr->span);
  return make<ast::Ternary>(h, span, std::move(cond), std::move(then_expr), std::move(else_expr));
}

ast::ExprPtr Parser::parse_binary(int min_prec) {
  ast::ExprPtr lhs = parse_unary();
  for (;;) {
    // A line starting with a binary operator that cannot begin an
    // expression continues the expression (`return a == 1` / `or a == 2`);
    // a line starting with `-` begins a new statement (docs/language.md).
    if (peek().kind == TokenKind::Newline && continues_at_line_start(peek_kind_after(1))) skip_newlines();
    BinaryInfo info = binary_info(peek().kind);
    if (info.cls == OpClass::None || info.prec < min_prec) return lhs;
    base::Span op_span = advance().span;
    // A binary operator at the end of a line continues the expression.
    skip_newlines();
    // prec + 1: every binary level is left-associative.
    ast::ExprPtr rhs = parse_binary(info.prec + 1);
    uint32_t h = 1 + std::max(height(lhs), height(rhs));
    base::Span span = join(lhs->span, rhs->span);
    if (info.cls == OpClass::Logical) {
      lhs = make<ast::Logical>(h, span, info.logical, std::move(lhs), std::move(rhs));
    } else {
      auto b = make<ast::Binary>(h, span, info.op, std::move(lhs), std::move(rhs));
      b->op_span = op_span;
      lhs = std::move(b);
    }
  }
}

std::string Parser::parenthesized_text(uint32_t open) const {
  int depth = 0;
  for (uint32_t i = open; i < toks_.size(); ++i) {
    if (toks_[i].kind == TokenKind::LParen) ++depth;
    if (toks_[i].kind != TokenKind::RParen || --depth != 0) continue;
    if (i == open + 1) return "";
    return std::string(file_.slice(base::Span{toks_[open + 1].span.begin, toks_[i - 1].span.end}));
  }
  return "";
}

ast::ExprPtr Parser::parse_unary() {
  TokenKind k = peek().kind;
  if (k != TokenKind::Minus && k != TokenKind::Bang && k != TokenKind::KwNot && k != TokenKind::Tilde &&
      k != TokenKind::KwWeak) {
    return parse_postfix();
  }
  DepthGuard guard(*this);
  base::Span op_span = advance().span;
  const bool weak_parens = k == TokenKind::KwWeak && at(TokenKind::LParen);
  const uint32_t paren_token = pos_;
  ast::ExprPtr operand = parse_unary();
  base::Span span = join(op_span, operand->span);
  if (weak_parens) {
    std::string inner = parenthesized_text(paren_token);
    if (inner.empty() || inner.size() > 40 || inner.find('\n') != std::string::npos) inner = "x";
    report(diag::Kind::WeakNeedsNoParens, join(op_span, span),
           "'weak' takes its operand without parentheses: write 'weak " + inner + "' instead of 'weak(" + inner +
               ")'.");
  }
  // -9223372036854775808 is i64 min: only the literal directly under the
  // minus may exceed i64 max (a postfix `.m()` would make it a MethodCall).
  if (k == TokenKind::Minus && operand->kind == ast::ExprKind::IntLit && !min_literals_.empty() &&
      min_literals_.back().first == operand->id) {
    min_literals_.pop_back();
    operand->span = span;
    return operand;
  }
  uint32_t h = 1 + height(operand);
  switch (k) {
    case TokenKind::KwWeak: return make<ast::WeakExpr>(h, span, std::move(operand));
    case TokenKind::Minus: return make<ast::Unary>(h, span, ast::UnaryOp::Neg, std::move(operand));
    case TokenKind::Tilde: return make<ast::Unary>(h, span, ast::UnaryOp::BitNot, std::move(operand));
    default: return make<ast::Unary>(h, span, ast::UnaryOp::Not, std::move(operand));
  }
}

bool Parser::at_member_name() {
  TokenKind k = peek().kind;
  return k == TokenKind::Ident || lex::is_keyword(k);
}

ast::ExprPtr Parser::parse_postfix() {
  ast::ExprPtr e = parse_primary();
  for (;;) {
    // A line starting with `.` continues a method chain.
    if (peek().kind == TokenKind::Newline && peek_kind_after(1) == TokenKind::Dot) skip_newlines();
    if (!at(TokenKind::Dot)) return e;
    advance();
    skip_newlines();
    if (!at_member_name()) fail_expected("a field or method name after '.'");
    const Token& name_tok = advance();
    std::string name = name_tok.kind == TokenKind::Ident ? name_tok.text : lex::token_kind_spelling(name_tok.kind);
    base::Span name_span = name_tok.span;
    if (at(TokenKind::LParen)) {
      base::Span close;
      std::vector<ast::ExprPtr> args = parse_args(&close);
      uint32_t h = height(e);
      for (const auto& a : args) h = std::max(h, height(a));
      base::Span span = join(e->span, close);
      e = make<ast::MethodCall>(h + 1, span, std::move(e), std::move(name), name_span, std::move(args));
    } else {
      uint32_t h = height(e) + 1;
      base::Span span = join(e->span, name_span);
      e = make<ast::FieldGet>(h, span, std::move(e), std::move(name), name_span);
    }
  }
}

ast::ExprPtr Parser::parse_primary() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::Int: {
      advance();
      auto e = make<ast::IntLit>(1, t.span, t.int_value);
      if (t.is_i64_min_magnitude) min_literals_.emplace_back(e->id, t.span);
      return e;
    }
    case TokenKind::Float:
      advance();
      return make<ast::FloatLit>(1, t.span, t.float_value);
    case TokenKind::String:
      advance();
      return make<ast::StringLit>(1, t.span, t.text);
    case TokenKind::KwTrue:
    case TokenKind::KwFalse:
      advance();
      return make<ast::BoolLit>(1, t.span, t.kind == TokenKind::KwTrue);
    case TokenKind::KwNull:
    case TokenKind::KwVoid:
      advance();
      return make<ast::NullLit>(1, t.span);
    case TokenKind::KwMe:
    case TokenKind::KwThis:
      advance();
      return make<ast::MeRef>(1, t.span);
    case TokenKind::Ident: {
      advance();
      if (!at(TokenKind::LParen)) return make<ast::NameRef>(1, t.span, t.text);
      base::Span close;
      std::vector<ast::ExprPtr> args = parse_args(&close);
      uint32_t h = 0;
      for (const auto& a : args) h = std::max(h, height(a));
      return make<ast::Call>(h + 1, join(t.span, close), t.text, t.span, std::move(args));
    }
    case TokenKind::KwNew: return parse_new();
    case TokenKind::LParen: return parse_paren();
    case TokenKind::LBracket: return parse_array();
    case TokenKind::PercentLBrace: return parse_map();
    case TokenKind::LBrace: return parse_block_expr();
    default:
      fail(diag::Kind::ExpectedExpression, t.span, "Expected an expression, found " + describe_current() + ".");
  }
}

std::vector<ast::ExprPtr> Parser::parse_args(base::Span* close) {
  DepthGuard guard(*this);
  open_bracket(TokenKind::LParen);
  NewlineMode nl(*this, true);
  std::vector<ast::ExprPtr> args;
  while (!at(TokenKind::RParen)) {
    args.push_back(parse_expr());
    if (!accept(TokenKind::Comma)) break;
  }
  *close = close_bracket(TokenKind::RParen, "',' or ')' in the argument list");
  return args;
}

ast::ExprPtr Parser::parse_paren() {
  DepthGuard guard(*this);
  base::Span open = open_bracket(TokenKind::LParen).span;
  ast::ExprPtr e;
  base::Span close;
  {
    NewlineMode nl(*this, true);
    e = parse_expr();
    close = close_bracket(TokenKind::RParen, "')' to close the parenthesis");
  }
  // `-(9223372036854775808)` is not the literal directly under a minus.
  if (e->kind == ast::ExprKind::IntLit && !min_literals_.empty() && min_literals_.back().first == e->id) {
    flush_min_literals();
  }
  e->span = join(open, close);
  return e;
}

ast::ExprPtr Parser::parse_new() {
  base::Span begin = advance().span;
  const Token& name = expect(TokenKind::Ident, "a box name after 'new'");
  std::vector<ast::ExprPtr> args;
  base::Span end = name.span;
  if (at(TokenKind::LParen)) {
    args = parse_args(&end);
  } else {
    // Recoverable: the arguments are simply empty.
    report(diag::Kind::ExpectedToken, peek().span,
           "Expected '(' after 'new " + name.text + "' (write 'new " + name.text + "()'), found " +
               describe_current() + ".");
  }
  uint32_t h = 0;
  for (const auto& a : args) h = std::max(h, height(a));
  return make<ast::New>(h + 1, join(begin, end), name.text, name.span, std::move(args));
}

ast::ExprPtr Parser::parse_array() {
  DepthGuard guard(*this);
  base::Span open = open_bracket(TokenKind::LBracket).span;
  std::vector<ast::ExprPtr> elements;
  base::Span close;
  {
    NewlineMode nl(*this, true);
    while (!at(TokenKind::RBracket)) {
      elements.push_back(parse_expr());
      if (!accept(TokenKind::Comma)) break;
    }
    close = close_bracket(TokenKind::RBracket, "',' or ']' in the array literal");
  }
  uint32_t h = 0;
  for (const auto& e : elements) h = std::max(h, height(e));
  return make<ast::ArrayLit>(h + 1, join(open, close), std::move(elements));
}

ast::ExprPtr Parser::parse_map() {
  DepthGuard guard(*this);
  base::Span open = open_bracket(TokenKind::PercentLBrace).span;
  std::vector<ast::MapEntry> entries;
  base::Span close;
  uint32_t h = 0;
  {
    NewlineMode nl(*this, true);
    while (!at(TokenKind::RBrace)) {
      ast::MapEntry entry;
      entry.key = parse_expr();
      expect(TokenKind::FatArrow, "'=>' after the map key");
      entry.value = parse_expr();
      h = std::max({h, height(entry.key), height(entry.value)});
      entries.push_back(std::move(entry));
      if (!accept(TokenKind::Comma)) break;
    }
    close = close_bracket(TokenKind::RBrace, "',' or '}' in the map literal");
  }
  return make<ast::MapLit>(h + 1, join(open, close), std::move(entries));
}

ast::ExprPtr Parser::parse_block_expr() {
  base::Span open = open_bracket(TokenKind::LBrace).span;
  ast::Block block;
  parse_block_body(block, open);
  uint32_t h = last_block_height_ + 1;
  // The final expression statement, if any, is the block's value.
  ast::ExprPtr result;
  if (!block.stmts.empty() && block.stmts.back()->kind == ast::StmtKind::ExprStmt) {
    result = std::move(block.stmts.back()->as<ast::ExprStmt>().expr);
    block.stmts.pop_back();
  }
  base::Span span = block.span;
  return make<ast::BlockExpr>(h, span, std::move(block), std::move(result));
}

}  // namespace hako::parse
