// Extern declarations (docs/ffi.md, "Grammar"): extern blocks of C functions,
// extern structs, their attributes and C types. The parser records what is
// written; which ABIs, attributes and type names are valid is sema's call.
#include <algorithm>
#include <functional>

#include "parse/parser.h"

namespace hako::parse {

namespace {

// The pointer flavour a type name opens (`Ptr<`, `MutPtr<`, `NonNullPtr<`).
bool pointer_form(const std::string& name, ast::CTypeForm* form) {
  if (name == "Ptr") *form = ast::CTypeForm::Ptr;
  else if (name == "MutPtr") *form = ast::CTypeForm::MutPtr;
  else if (name == "NonNullPtr") *form = ast::CTypeForm::NonNullPtr;
  else return false;
  return true;
}

bool is_brace_opener(TokenKind k) { return k == TokenKind::LBrace || k == TokenKind::PercentLBrace; }

}  // namespace

void Parser::parse_extern_decl(ast::Program& program) {
  uint32_t begin = peek().span.begin;
  std::vector<ast::Attribute> attrs;
  parse_attributes(attrs);
  if (!at(TokenKind::KwExtern)) {
    if (at(TokenKind::KwBox) || at(TokenKind::KwStatic)) {
      // The attributes are the mistake, so they carry the caret; the box
      // itself is parsed next, as the recovery stops right at it.
      fail(diag::Kind::ExpectedDeclaration, base::Span{begin, prev_span().end},
           "Expected 'extern' after these attributes, found " + describe_current() +
               "; attributes belong to extern declarations, extern functions and their parameters, not to boxes.");
    }
    fail(diag::Kind::ExpectedDeclaration, peek().span,
         "Expected an extern declaration ('extern \"C\" { ... }' or 'extern struct Name { ... }') after the "
         "attributes, found " +
             describe_current() + ".");
  }
  advance();
  // `struct` is no keyword: it means something only right after `extern`.
  if (at(TokenKind::Ident) && peek().text == "struct") {
    parse_extern_struct(program, std::move(attrs), begin);
  } else {
    parse_extern_block(program, std::move(attrs), begin);
  }
}

void Parser::parse_extern_block(ast::Program& program, std::vector<ast::Attribute> attrs, uint32_t begin) {
  ast::ExternBlock block;
  block.attrs = std::move(attrs);
  if (!at(TokenKind::String)) {
    fail_expected(
        "a string literal naming the ABI after 'extern', as in 'extern \"C\" { ... }' (or 'struct', as in 'extern "
        "struct Name { ... }')");
  }
  const Token& abi = advance();
  block.abi = abi.text;
  block.abi_span = abi.span;
  skip_newlines();
  if (!at(TokenKind::LBrace)) fail_expected("'{' to start the extern block");
  base::Span open = open_bracket(TokenKind::LBrace).span;
  NewlineMode nl(*this, false);
  extern_items(open, "extern block", [&] { parse_extern_fn(block); });
  block.span = base::Span{begin, prev_span().end};
  program.externs.push_back(std::move(block));
}

void Parser::extern_items(base::Span open, const std::string& what, const std::function<void()>& item) {
  for (;;) {
    skip_item_separators();
    check_cap();
    if (at(TokenKind::RBrace)) {
      close_bracket(TokenKind::RBrace, "'}'");
      return;
    }
    if (at(TokenKind::Eof) || at_declaration_start()) {
      report_missing_brace(open, what.c_str());
      open_.pop_back();
      return;
    }
    size_t open_base = open_.size();
    uint32_t start = pos_;
    try {
      item();
    } catch (const SyntaxError&) {
      sync_to_extern_item(open_base, start);
    }
  }
}

void Parser::parse_extern_fn(ast::ExternBlock& block) {
  ast::ExternFn fn;
  uint32_t begin = peek().span.begin;
  parse_attributes(fn.attrs);
  if (!at(TokenKind::KwFn)) {
    fail(diag::Kind::ExpectedMember, peek().span,
         "Expected an extern function declaration ('fn name(params) -> type') in the extern block, found " +
             describe_current() + ".");
  }
  advance();
  const Token& name = expect(TokenKind::Ident, "a function name after 'fn'");
  fn.name = name.text;
  fn.name_span = name.span;
  if (!at(TokenKind::LParen)) fail_expected("'(' to start the parameters of extern function '" + fn.name + "'");
  parse_extern_params(fn);
  if (accept(TokenKind::Arrow)) fn.ret = parse_ctype();
  fn.span = base::Span{begin, fn.ret ? fn.ret->span.end : prev_span().end};
  std::string what = "the declaration of extern function '" + fn.name + "'";
  block.fns.push_back(std::move(fn));
  if (at(TokenKind::LBrace)) {
    fail(diag::Kind::ExpectedToken, peek().span,
         "Expected a newline, ';' or ',' after " + what + ", found '{'; extern functions are declared without a body.");
  }
  expect_extern_item_end(what);
}

void Parser::parse_extern_params(ast::ExternFn& fn) {
  open_bracket(TokenKind::LParen);
  NewlineMode nl(*this, true);
  while (!at(TokenKind::RParen)) {
    if (at(TokenKind::Ellipsis)) {
      fn.variadic = true;
      fn.variadic_span = advance().span;
      if (!at(TokenKind::RParen)) {
        fail(diag::Kind::ExpectedToken, peek().span,
             "Expected ')' after '...', found " + describe_current() + "; '...' must be the last parameter.");
      }
      break;
    }
    ast::ExternParam param;
    parse_attributes(param.attrs);
    const Token& name =
        expect(TokenKind::Ident, param.attrs.empty() ? "a parameter name or '...'" : "a parameter name after its attributes");
    param.name = name.text;
    param.span = name.span;
    if (!at(TokenKind::Colon)) {
      fail_expected("':' and a C type after parameter '" + param.name + "' (extern parameters are typed, as in '" +
                    param.name + ": i32')");
    }
    advance();
    param.type = parse_ctype();
    param.span.end = param.type.span.end;
    fn.params.push_back(std::move(param));
    if (!accept(TokenKind::Comma)) break;
  }
  close_bracket(TokenKind::RParen, "',' or ')' after the parameter");
}

void Parser::parse_extern_struct(ast::Program& program, std::vector<ast::Attribute> attrs, uint32_t begin) {
  ast::ExternStruct s;
  s.attrs = std::move(attrs);
  advance();  // `struct`
  const Token& name = expect(TokenKind::Ident, "a struct name after 'extern struct'");
  s.name = name.text;
  s.name_span = name.span;
  skip_newlines();
  if (!at(TokenKind::LBrace)) fail_expected("'{' to start the fields of extern struct '" + s.name + "'");
  base::Span open = open_bracket(TokenKind::LBrace).span;
  NewlineMode nl(*this, false);
  extern_items(open, "extern struct '" + s.name + "'", [&] { parse_extern_field(s); });
  s.span = base::Span{begin, prev_span().end};
  program.structs.push_back(std::move(s));
}

void Parser::parse_extern_field(ast::ExternStruct& s) {
  if (!at(TokenKind::Ident)) {
    fail(diag::Kind::ExpectedMember, peek().span,
         "Expected a field 'name: type' in extern struct '" + s.name + "', found " + describe_current() +
             (at(TokenKind::At) ? "; struct fields take no attributes." : "."));
  }
  ast::ExternStructField field;
  const Token& name = advance();
  field.name = name.text;
  field.span = name.span;
  if (!at(TokenKind::Colon)) {
    fail_expected("':' and a C type after field '" + field.name + "' of extern struct '" + s.name + "'");
  }
  advance();
  field.type = parse_ctype();
  field.span.end = field.type.span.end;
  std::string what = "field '" + field.name + "'";
  s.fields.push_back(std::move(field));
  expect_extern_item_end(what);
}

void Parser::parse_attributes(std::vector<ast::Attribute>& out) {
  while (at(TokenKind::At)) {
    ast::Attribute attr;
    attr.span = advance().span;
    if (!at(TokenKind::Ident)) fail_expected("an attribute name after '@', as in '@link_name(\"puts\")'");
    attr.name = advance().text;
    std::string shown = "'@" + attr.name + "'";
    if (!at(TokenKind::LParen)) {
      fail_expected("'(' after attribute " + shown + ": an attribute takes one string argument, as in '@" + attr.name +
                    "(\"...\")'");
    }
    open_bracket(TokenKind::LParen);
    {
      NewlineMode nl(*this, true);
      if (!at(TokenKind::String)) {
        fail_expected("a string literal as the argument of attribute " + shown + ", as in '@" + attr.name +
                      "(\"...\")'");
      }
      const Token& value = advance();
      attr.value = value.text;
      attr.value_span = value.span;
      attr.span.end =
          close_bracket(TokenKind::RParen, "')' after the argument of attribute " + shown + " (it takes exactly one string)")
              .end;
    }
    out.push_back(std::move(attr));
    // An attribute may stand on its own line above what it applies to.
    skip_newlines();
  }
}

ast::CTypeExpr Parser::parse_ctype() {
  // `Ptr<Ptr<...>>` recurses once per level; the guard bounds it.
  DepthGuard guard(*this);
  ast::CTypeExpr type;
  const Token& t = peek();
  type.span = t.span;
  if (t.kind == TokenKind::KwVoid) {  // `void` is a keyword of Hako
    advance();
    type.name = "void";
    return type;
  }
  if (t.kind != TokenKind::Ident) {
    fail_expected("a C type (such as 'i32', 'CStr', 'Ptr<u8>' or the name of an extern struct)");
  }
  advance();
  ast::CTypeForm form;
  if (pointer_form(t.text, &form)) {
    type.form = form;
    const std::string& kw = t.text;
    if (!at(TokenKind::Lt)) {
      fail_expected("'<' after '" + kw + "': a pointer type names what it points to, as in '" + kw + "<u8>'");
    }
    advance();
    type.args.push_back(parse_ctype());
    type.span.end = close_angle("'" + kw + "<'");
  } else if (t.text == "FnPtr") {
    type.form = ast::CTypeForm::FnPtr;
    if (!at(TokenKind::Lt)) fail_expected("'<' after 'FnPtr', as in 'FnPtr<(i32, i32) -> i32>'");
    advance();
    if (!at(TokenKind::LParen)) {
      fail_expected("'(' and the parameter types after 'FnPtr<', as in 'FnPtr<(i32, i32) -> i32>'");
    }
    open_bracket(TokenKind::LParen);
    {
      NewlineMode nl(*this, true);
      while (!at(TokenKind::RParen)) {
        type.args.push_back(parse_ctype());
        if (!accept(TokenKind::Comma)) break;
      }
      close_bracket(TokenKind::RParen, "',' or ')' after the parameter type of 'FnPtr'");
    }
    if (!at(TokenKind::Arrow)) {
      fail_expected("'->' and the result type after the parameter types of 'FnPtr', as in 'FnPtr<(i32) -> void>'");
    }
    advance();
    type.ret.push_back(parse_ctype());
    type.span.end = close_angle("'FnPtr<'");
  } else {
    type.name = t.text;
  }
  return type;
}

uint32_t Parser::close_angle(const std::string& opener) {
  if (at(TokenKind::Gt)) return advance().span.end;
  if (at(TokenKind::Shr)) {
    // The lexer reads `>>` as one token; here it closes two types. This one
    // takes the first `>`, and the token becomes the second for the next.
    Token& t = toks_[pos_];
    uint32_t end = t.span.begin + 1;
    t.kind = TokenKind::Gt;
    t.span.begin = end;
    return end;
  }
  fail_expected("'>' to close " + opener);
}

void Parser::skip_item_separators() {
  while (toks_[pos_].kind == TokenKind::Newline || toks_[pos_].kind == TokenKind::Semicolon ||
         toks_[pos_].kind == TokenKind::Comma) {
    ++pos_;
  }
}

void Parser::expect_extern_item_end(const std::string& what) {
  TokenKind k = peek().kind;
  if (k == TokenKind::Newline || k == TokenKind::Semicolon || k == TokenKind::Comma || k == TokenKind::RBrace ||
      k == TokenKind::Eof) {
    return;
  }
  fail_expected("a newline, ';' or ',' after " + what);
}

void Parser::sync_to_extern_item(size_t open_base, uint32_t start) {
  // The brackets the failed item opened and left open count as open here.
  uint32_t parens = 0;
  uint32_t braces = 0;
  for (size_t i = std::min(open_base, open_.size()); i < open_.size(); ++i) ++(is_brace_opener(open_[i]) ? braces : parens);
  for (;;) {
    TokenKind k = toks_[pos_].kind;
    if (k == TokenKind::Eof) break;
    // A line starting like an item or a declaration is one, even when the
    // failed item left a `(` open: `fn f(a: i32` must not eat `fn g()`.
    bool line_start = pos_ > start && toks_[pos_ - 1].kind == TokenKind::Newline;
    if (line_start && (declaration_starts_at(pos_) || (braces == 0 && (k == TokenKind::KwFn || k == TokenKind::At)))) {
      break;
    }
    if (parens == 0 && braces == 0 &&
        (k == TokenKind::Newline || k == TokenKind::Semicolon || k == TokenKind::Comma)) {
      ++pos_;
      break;
    }
    if (k == TokenKind::LParen || k == TokenKind::LBracket) {
      ++parens;
    } else if ((k == TokenKind::RParen || k == TokenKind::RBracket) && parens > 0) {
      --parens;
    } else if (is_brace_opener(k)) {
      ++braces;
    } else if (k == TokenKind::RBrace) {
      // A `}` nothing in the item opened closes the block or struct.
      if (braces == 0) break;
      --braces;
    }
    ++pos_;
  }
  open_.resize(std::min(open_base, open_.size()));
  // Every recovery consumes something, so no loop can spin in place.
  if (pos_ == start && toks_[pos_].kind != TokenKind::Eof && toks_[pos_].kind != TokenKind::RBrace) ++pos_;
}

}  // namespace hako::parse
