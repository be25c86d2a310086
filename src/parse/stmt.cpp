// Blocks and statements (§3).
#include <algorithm>

#include "parse/parser.h"

namespace hako::parse {

ast::Block Parser::parse_block(const std::string& what) {
  // Allow the brace on the next line: `if c` / `{` has only one meaning.
  if (peek().kind == TokenKind::Newline && peek_kind_after(1) == TokenKind::LBrace) skip_newlines();
  if (!at(TokenKind::LBrace)) fail_expected("'{' to start " + what);
  base::Span open = open_bracket(TokenKind::LBrace).span;
  ast::Block block;
  parse_block_body(block, open);
  return block;
}

bool Parser::at_cleanup_clause() const {
  uint32_t i = pos_;
  while (toks_[i].kind == TokenKind::Newline) ++i;
  return toks_[i].kind == TokenKind::Ident && toks_[i].text == "cleanup" &&
         peek_kind_after(i + 1 - pos_) == TokenKind::LBrace;
}

ast::StmtPtr Parser::no_cleanup_after(ast::StmtPtr stmt, const char* what) {
  if (!at_cleanup_clause()) return stmt;
  skip_newlines();
  fail(diag::Kind::ExpectedToken, peek().span,
       std::string("A 'cleanup' block follows a standalone block or a method body, not ") + what +
           "; wrap it in a block: '{ ... } cleanup { ... }'.");
}

void Parser::parse_cleanup_clause(ast::Block& block) {
  if (!at_cleanup_clause()) return;
  skip_newlines();
  advance();  // `cleanup`
  block.cleanup = std::make_unique<ast::Block>(parse_block("the 'cleanup' block"));
}

void Parser::parse_block_body(ast::Block& block, base::Span open) {
  DepthGuard guard(*this);
  NewlineMode nl(*this, false);
  uint32_t outer_max = block_max_height_;
  block_max_height_ = 0;
  for (;;) {
    skip_separators();
    check_cap();
    TokenKind k = peek().kind;
    if (k == TokenKind::RBrace) {
      block.span = base::Span{open.begin, close_bracket(TokenKind::RBrace, "'}'").end};
      break;
    }
    // No statement starts with a declaration keyword: the block lacks its `}`.
    if (k == TokenKind::Eof || at_declaration_start()) {
      report_missing_brace(open, "block");
      open_.pop_back();
      block.span = base::Span{open.begin, prev_span().end};
      break;
    }
    if (ast::StmtPtr s = parse_statement()) block.stmts.push_back(std::move(s));
  }
  // A block nests its statements one level deeper than its parent.
  last_block_height_ = block_max_height_ + 1;
  block_max_height_ = std::max(outer_max, last_block_height_);
}

ast::StmtPtr Parser::parse_statement() {
  size_t open_base = open_.size();
  uint32_t start = pos_;
  ast::StmtPtr stmt;
  try {
    stmt = parse_statement_inner();
    expect_statement_end();
  } catch (const SyntaxError&) {
    stmt = nullptr;
    sync_to_line_end(open_base, start);
  }
  flush_min_literals();
  return stmt;
}

namespace {

// Whether a statement may begin with token `k`: a statement keyword or the
// first token of an expression. After a complete statement such a token
// cannot continue it (the statement would have taken it), so it begins the
// next statement on the same line: `if c { i = i + 1  continue }`.
bool starts_statement(TokenKind k) {
  switch (k) {
    case TokenKind::KwLocal:
    case TokenKind::KwIf:
    case TokenKind::KwLoop:
    case TokenKind::KwWhile:
    case TokenKind::KwReturn:
    case TokenKind::KwPrint:
    case TokenKind::KwBreak:
    case TokenKind::KwContinue:
    case TokenKind::KwFini:
    case TokenKind::KwUnsafe:
    case TokenKind::LBrace:
    case TokenKind::Ident:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::KwTrue:
    case TokenKind::KwFalse:
    case TokenKind::KwNull:
    case TokenKind::KwVoid:
    case TokenKind::KwMe:
    case TokenKind::KwThis:
    case TokenKind::KwNew:
    case TokenKind::KwNot:
    case TokenKind::KwWeak:
    case TokenKind::Bang:
    case TokenKind::Tilde:
    case TokenKind::LParen:
    case TokenKind::LBracket:
    case TokenKind::PercentLBrace:
    case TokenKind::Minus: return true;
    default: return false;
  }
}

}  // namespace

void Parser::expect_statement_end() {
  TokenKind k = peek().kind;
  if (k == TokenKind::Newline || k == TokenKind::Semicolon || k == TokenKind::RBrace || k == TokenKind::Eof) return;
  // A statement that ends with a block needs no separator: `if c { } x = 1`.
  if (toks_[prev_].kind == TokenKind::RBrace) return;
  if (starts_statement(k)) return;
  // An inner block that ran into the next declaration already said so.
  if (missing_brace_at_ == pos_ && at_declaration_start()) return;
  fail_expected("a newline or ';' after the statement");
}

ast::StmtPtr Parser::parse_statement_inner() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::KwLocal: return no_cleanup_after(parse_local(), "a 'local'");
    case TokenKind::KwIf: return no_cleanup_after(parse_if(), "an 'if'");
    case TokenKind::KwLoop: return no_cleanup_after(parse_loop(), "a loop");
    case TokenKind::KwWhile: return no_cleanup_after(parse_while(), "a loop");
    case TokenKind::KwReturn: return parse_return();
    case TokenKind::KwPrint: return parse_print();
    case TokenKind::KwUsing: misplaced_using("a method");
    case TokenKind::KwBreak: return std::make_unique<ast::BreakStmt>(advance().span);
    case TokenKind::KwContinue: return std::make_unique<ast::ContinueStmt>(advance().span);
    case TokenKind::LBrace: {
      ast::Block b = parse_block("a block");
      parse_cleanup_clause(b);
      base::Span span{b.span.begin, prev_span().end};
      return std::make_unique<ast::BlockStmt>(span, std::move(b));
    }
    case TokenKind::KwFini: {
      uint32_t begin = advance().span.begin;
      ast::Block b = parse_block("the 'fini' block");
      return no_cleanup_after(std::make_unique<ast::FiniStmt>(base::Span{begin, b.span.end}, std::move(b)),
                              "a 'fini' block");
    }
    case TokenKind::KwUnsafe: {
      uint32_t begin = advance().span.begin;
      ast::Block b = parse_block("the 'unsafe' block");
      return no_cleanup_after(std::make_unique<ast::UnsafeStmt>(base::Span{begin, b.span.end}, std::move(b)),
                              "an 'unsafe' block");
    }
    default:
      reject_other_language_form();
      return parse_expr_or_assign();
  }
}

void Parser::reject_other_language_form() {
  const Token& t = toks_[pos_];
  TokenKind next = peek_kind_after(1);
  if (t.kind == TokenKind::Ident && next == TokenKind::Ident &&
      (t.text == "let" || t.text == "var" || t.text == "const")) {
    fail(diag::Kind::OtherLanguageForm, t.span,
         "Hako declares variables with 'local': write 'local " + toks_[pos_ + 1].text + " = ...' instead of '" +
             t.text + " " + toks_[pos_ + 1].text + "'.");
  }
  if (t.kind == TokenKind::Ident && (t.text == "for" || t.text == "foreach") &&
      (next == TokenKind::Ident || next == TokenKind::LParen)) {
    fail(diag::Kind::OtherLanguageForm, t.span,
         "Hako has no '" + t.text +
             "' loop: count with 'local i = 0' and 'loop(i < n) { ... i = i + 1 }' (for an array, n is "
             "'a.length()' and the element 'a.get(i)').");
  }
  // `i++`, `i--`, `++i`, `--i`: two adjacent signs next to a name.
  auto doubled = [&](uint32_t at) {
    const Token& a = toks_[std::min<size_t>(at, toks_.size() - 1)];
    const Token& b = toks_[std::min<size_t>(at + 1, toks_.size() - 1)];
    return (a.kind == TokenKind::Plus || a.kind == TokenKind::Minus) && b.kind == a.kind && a.span.end == b.span.begin;
  };
  bool postfix = t.kind == TokenKind::Ident && doubled(pos_ + 1) && toks_[pos_ + 1].span.begin == t.span.end;
  bool prefix = doubled(pos_) && peek_kind_after(2) == TokenKind::Ident;
  if (postfix || prefix) {
    const Token& sign = toks_[postfix ? pos_ + 1 : pos_];
    const Token& name = toks_[postfix ? pos_ : pos_ + 2];
    const char* op = sign.kind == TokenKind::Plus ? "+" : "-";
    fail(diag::Kind::OtherLanguageForm, sign.span,
         std::string("Hako has no '") + op + op + "': write '" + name.text + " " + op + "= 1' (or '" + name.text +
             " = " + name.text + " " + op + " 1').");
  }
}

ast::StmtPtr Parser::parse_local() {
  base::Span span = advance().span;
  auto stmt = std::make_unique<ast::LocalStmt>(span);
  for (;;) {
    const Token& name =
        expect(TokenKind::Ident, stmt->bindings.empty() ? "a variable name after 'local'" : "a variable name");
    ast::LocalBinding b;
    b.name = name.text;
    b.span = name.span;
    b.id = next_local_id();
    parse_type_annotation();  // `local x: Int`: accepted, not recorded
    if (accept(TokenKind::Assign)) {
      skip_newlines();
      b.init = parse_expr();
    }
    stmt->bindings.push_back(std::move(b));
    if (!accept(TokenKind::Comma)) break;
    skip_newlines();
  }
  if (at(TokenKind::KwFini)) {
    advance();
    stmt->fini = std::make_unique<ast::Block>(parse_block("the 'fini' block"));
  }
  stmt->span.end = prev_span().end;
  return stmt;
}

ast::ExprPtr Parser::parse_condition(const char* keyword) {
  if (at(TokenKind::LBrace)) {
    std::string kw = keyword;
    report(diag::Kind::BlockInCondition, peek().span,
           "A block expression used as the condition of '" + kw + "' must be parenthesised: write '" + kw +
               " ({ ... }) { ... }'.");
    // Parse it anyway so that the body after it is still recognised.
    return parse_block_expr();
  }
  return parse_expr();
}

ast::StmtPtr Parser::parse_if() {
  // Each `else if` recurses; the guard bounds very long chains.
  DepthGuard guard(*this);
  base::Span span = advance().span;
  auto stmt = std::make_unique<ast::IfStmt>(span);
  stmt->cond = parse_condition("if");
  stmt->then_block = parse_block("the body of the 'if'");
  // `}` and `else` may be on different lines.
  if (peek().kind == TokenKind::Newline && peek_kind_after(1) == TokenKind::KwElse) skip_newlines();
  if (accept(TokenKind::KwElse)) {
    if (at(TokenKind::KwIf)) {
      stmt->else_stmt = parse_if();
    } else {
      ast::Block b = parse_block("the body of the 'else'");
      base::Span bs = b.span;
      stmt->else_stmt = std::make_unique<ast::BlockStmt>(bs, std::move(b));
    }
  }
  stmt->span.end = prev_span().end;
  return stmt;
}

ast::StmtPtr Parser::parse_loop() {
  base::Span span = advance().span;
  auto stmt = std::make_unique<ast::LoopStmt>(span);
  if (at(TokenKind::LBrace) || (peek().kind == TokenKind::Newline && peek_kind_after(1) == TokenKind::LBrace)) {
    stmt->style = ast::LoopStyle::LoopForever;
  } else {
    stmt->style = ast::LoopStyle::LoopCond;
    if (!at(TokenKind::LParen)) fail_expected("'(' or '{' after 'loop'");
    DepthGuard guard(*this);
    open_bracket(TokenKind::LParen);
    {
      NewlineMode nl(*this, true);
      // The parentheses belong to `loop(...)`, so a block condition needs
      // its own: loop(({ ... })).
      if (at(TokenKind::LBrace)) {
        report(diag::Kind::BlockInCondition, peek().span,
               "A block expression used as the condition of 'loop' must be parenthesised: write "
               "'loop(({ ... })) { ... }'.");
        stmt->cond = parse_block_expr();
      } else {
        stmt->cond = parse_expr();
      }
      close_bracket(TokenKind::RParen, "')' after the loop condition");
    }
  }
  stmt->body = parse_block("the body of the loop");
  stmt->span.end = prev_span().end;
  return stmt;
}

ast::StmtPtr Parser::parse_while() {
  base::Span span = advance().span;
  auto stmt = std::make_unique<ast::LoopStmt>(span);
  stmt->style = ast::LoopStyle::While;
  stmt->cond = parse_condition("while");
  stmt->body = parse_block("the body of the 'while' loop");
  stmt->span.end = prev_span().end;
  return stmt;
}

ast::StmtPtr Parser::parse_return() {
  base::Span span = advance().span;
  ast::ExprPtr value;
  TokenKind k = peek().kind;
  if (k != TokenKind::Newline && k != TokenKind::Semicolon && k != TokenKind::RBrace && k != TokenKind::Eof) {
    value = parse_expr();
    span.end = value->span.end;
  }
  return std::make_unique<ast::ReturnStmt>(span, std::move(value));
}

ast::StmtPtr Parser::parse_print() {
  base::Span span = advance().span;
  if (!at(TokenKind::LParen)) fail_expected("'(' after 'print'");
  base::Span close;
  std::vector<ast::ExprPtr> args = parse_args(&close);
  span.end = close.end;
  if (args.size() != 1) {
    report(diag::Kind::PrintArity, span,
           "print takes exactly one argument, but " + std::to_string(args.size()) +
               (args.size() == 1 ? " was" : " were") +
               " given; combine values with '+' (print(a + \" \" + b)) or use several print statements.");
  }
  ast::ExprPtr value;
  if (!args.empty()) {
    value = std::move(args.front());
  } else {
    // Keep the tree well formed even though the statement is an error.
    value = make<ast::NullLit>(1, span);
  }
  return std::make_unique<ast::PrintStmt>(span, std::move(value));
}

namespace {

bool assign_op(TokenKind k, ast::AssignOp* op) {
  switch (k) {
    case TokenKind::Assign: *op = ast::AssignOp::Assign; return true;
    case TokenKind::PlusAssign: *op = ast::AssignOp::Add; return true;
    case TokenKind::MinusAssign: *op = ast::AssignOp::Sub; return true;
    case TokenKind::StarAssign: *op = ast::AssignOp::Mul; return true;
    case TokenKind::SlashAssign: *op = ast::AssignOp::Div; return true;
    case TokenKind::PercentAssign: *op = ast::AssignOp::Mod; return true;
    default: return false;
  }
}

}  // namespace

ast::StmtPtr Parser::parse_expr_or_assign() {
  ast::ExprPtr target = parse_expr();
  ast::AssignOp op;
  if (!assign_op(peek().kind, &op)) {
    base::Span span = target->span;
    return std::make_unique<ast::ExprStmt>(span, std::move(target));
  }
  const Token& op_tok = advance();
  base::Span op_span = op_tok.span;
  std::string op_text = lex::token_kind_spelling(op_tok.kind);
  skip_newlines();
  ast::ExprPtr value = parse_expr();
  base::Span span{target->span.begin, value->span.end};
  // `me = x` parses: sema reports it with its own, more specific error.
  ast::ExprKind tk = target->kind;
  if (tk != ast::ExprKind::NameRef && tk != ast::ExprKind::FieldGet && tk != ast::ExprKind::MeRef) {
    report(diag::Kind::InvalidAssignTarget, target->span,
           "The left side of '" + op_text + "' must be a variable or a field (x " + op_text + " ... or obj.f " +
               op_text + " ...), not " + (tk == ast::ExprKind::MethodCall || tk == ast::ExprKind::Call
                                              ? std::string("a call")
                                              : std::string("this expression")) +
               ".");
    return std::make_unique<ast::ExprStmt>(span, std::move(value));
  }
  auto stmt = std::make_unique<ast::AssignStmt>(span, op, std::move(target), std::move(value));
  stmt->op_span = op_span;
  return stmt;
}

}  // namespace hako::parse
