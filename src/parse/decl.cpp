// Top-level declarations and box members (extern declarations: extern.cpp).
#include "parse/parser.h"

namespace hako::parse {

void Parser::parse_top_level(ast::Program& program) {
  bool declared = false;  // `using` lines must come before every declaration
  for (;;) {
    skip_separators();
    if (at(TokenKind::Eof)) return;
    uint32_t start = pos_;
    try {
      check_cap();
      switch (peek().kind) {
        case TokenKind::KwUsing:
          parse_using(program, declared);
          break;
        case TokenKind::KwBox:
        case TokenKind::KwStatic:
          declared = true;
          parse_box(program);
          break;
        case TokenKind::At:
        case TokenKind::KwExtern:
          declared = true;
          parse_extern_decl(program);
          break;
        default:
          report(diag::Kind::ExpectedDeclaration, peek().span,
                 "Expected a declaration ('box Name { ... }', 'static box Name { ... }', 'extern \"C\" { ... }' or "
                 "'extern struct Name { ... }'), found " +
                     describe_current() + ".");
          sync_to_declaration(start);
          break;
      }
    } catch (const SyntaxError&) {
      sync_to_declaration(start);
    } catch (const BailOut&) {
      if (lex::diags_capped(diags_)) return;
      block_max_height_ = 0;
      sync_to_declaration(start);
    }
  }
}

void Parser::parse_box(ast::Program& program) {
  ast::BoxDecl box;
  uint32_t begin = peek().span.begin;
  box.is_static = accept(TokenKind::KwStatic);
  expect(TokenKind::KwBox, box.is_static ? "'box' after 'static'" : "'box'");
  const Token& name = expect(TokenKind::Ident, "a box name after 'box'");
  box.name = name.text;
  box.name_span = name.span;
  if (at(TokenKind::KwFrom)) {
    base::Span from = advance().span;
    expect(TokenKind::Ident, "a parent box name after 'from'");
    while (accept(TokenKind::Comma)) expect(TokenKind::Ident, "a parent box name after ','");
    from.end = prev_span().end;
    report(diag::Kind::NotSupportedYet, from,
           "Box delegation with 'from' is not supported yet; declare the fields and methods in '" + box.name +
               "' itself.");
  }
  skip_newlines();
  if (!at(TokenKind::LBrace)) fail_expected("'{' to start the body of box '" + box.name + "'");
  parse_box_body(box);
  box.span = base::Span{begin, prev_span().end};
  program.boxes.push_back(std::move(box));
}

void Parser::parse_box_body(ast::BoxDecl& box) {
  base::Span open = open_bracket(TokenKind::LBrace).span;
  NewlineMode nl(*this, false);
  for (;;) {
    skip_separators();
    check_cap();
    TokenKind k = peek().kind;
    if (k == TokenKind::RBrace) {
      close_bracket(TokenKind::RBrace, "'}'");
      return;
    }
    // A declaration keyword here most likely means this box lacks its `}`.
    if (k == TokenKind::Eof || at_declaration_start()) {
      report_missing_brace(open, ("body of box '" + box.name + "'").c_str());
      open_.pop_back();
      return;
    }
    size_t open_base = open_.size();
    uint32_t start = pos_;
    try {
      parse_member(box);
      // A declaration keyword right after a member means a method body
      // lacked its `}`; that was reported, and the loop above ends the box.
      k = peek().kind;
      // A method ends with its body's `}` and needs no separator after it.
      bool after_block = toks_[prev_].kind == TokenKind::RBrace;
      if (k != TokenKind::Newline && k != TokenKind::Semicolon && k != TokenKind::RBrace && k != TokenKind::Eof &&
          !after_block && !(missing_brace_at_ == pos_ && at_declaration_start())) {
        fail_expected("a newline or ';' after the member declaration");
      }
    } catch (const SyntaxError&) {
      sync_to_line_end(open_base, start);
    }
  }
}

void Parser::parse_member(ast::BoxDecl& box) {
  const Token& t = peek();
  TokenKind next = peek_kind_after(1);
  // `method name(...)`, `func name(...)`: other languages' habit; Hako (like
  // hakorune) declares methods by name alone.
  bool keyword_word = t.kind == TokenKind::KwFn ||
                      (t.kind == TokenKind::Ident && (t.text == "method" || t.text == "func" || t.text == "function"));
  if (keyword_word && next == TokenKind::Ident && peek_kind_after(2) == TokenKind::LParen) {
    std::string word = t.kind == TokenKind::KwFn ? "fn" : t.text;
    fail(diag::Kind::ExpectedMember, t.span,
         "Methods are declared without a keyword: write '" + toks_[pos_ + 1].text + "(...) { ... }' instead of '" +
             word + " " + toks_[pos_ + 1].text + "(...)'.");
  }
  switch (t.kind) {
    case TokenKind::Ident:
      if (next == TokenKind::LParen) return parse_method(box, ast::MethodKind::Normal);
      return parse_field_line(box, ast::Visibility::Default);
    case TokenKind::KwBirth:
      if (next == TokenKind::LParen) return parse_method(box, ast::MethodKind::Birth);
      break;
    case TokenKind::KwFini:
      if (next == TokenKind::LParen) return parse_method(box, ast::MethodKind::Fini);
      break;
    case TokenKind::KwWeak:
      return parse_field_line(box, ast::Visibility::Default);
    case TokenKind::KwUsing:
      misplaced_using("a box");
    case TokenKind::KwInit:
      if (next == TokenKind::LBrace) {
        advance();
        return parse_field_block(box, ast::Visibility::Default);
      }
      if (next == TokenKind::LParen) {
        fail(diag::Kind::ExpectedMember, t.span,
             "Expected a field or method declaration in box '" + box.name +
                 "', found 'init('; constructors are written 'birth(...) { ... }', and 'init { a, b }' declares "
                 "fields.");
      }
      break;
    case TokenKind::KwPublic:
    case TokenKind::KwPrivate: {
      ast::Visibility vis = t.kind == TokenKind::KwPublic ? ast::Visibility::Public : ast::Visibility::Private;
      advance();
      if (at(TokenKind::LBrace)) return parse_field_block(box, vis);
      // `public name(...) { }`: methods have no visibility; accept the word.
      if (at(TokenKind::Ident) && peek_kind_after(1) == TokenKind::LParen) {
        return parse_method(box, ast::MethodKind::Normal);
      }
      if (at(TokenKind::Ident) || at(TokenKind::KwWeak)) return parse_field_line(box, vis);
      fail_expected(std::string("a field name or '{' after '") + (vis == ast::Visibility::Public ? "public" : "private") +
                    "'");
    }
    default:
      break;
  }
  fail(diag::Kind::ExpectedMember, t.span,
       "Expected a field or method declaration in box '" + box.name + "', found " + describe_current() + ".");
}

void Parser::parse_field_item(ast::BoxDecl& box, ast::Visibility vis) {
  ast::FieldDecl field;
  field.is_weak = accept(TokenKind::KwWeak);
  const Token& name = expect(TokenKind::Ident, field.is_weak ? "a field name after 'weak'" : "a field name");
  field.name = name.text;
  field.span = name.span;
  field.visibility = vis;
  field.type_annotation = parse_type_annotation();
  box.fields.push_back(std::move(field));
}

void Parser::parse_field_line(ast::BoxDecl& box, ast::Visibility vis) {
  parse_field_item(box, vis);
  while (accept(TokenKind::Comma)) {
    skip_newlines();
    parse_field_item(box, vis);
  }
}

void Parser::parse_field_block(ast::BoxDecl& box, ast::Visibility vis) {
  open_bracket(TokenKind::LBrace);
  NewlineMode nl(*this, false);
  // Items are separated by commas, newlines or both.
  for (;;) {
    skip_newlines();
    if (at(TokenKind::RBrace)) break;
    parse_field_item(box, vis);
    if (accept(TokenKind::Comma) || at(TokenKind::Newline) || at(TokenKind::RBrace)) continue;
    fail_expected("',' or '}' in the field list");
  }
  close_bracket(TokenKind::RBrace, "'}'");
}

std::string Parser::parse_type_annotation() {
  if (!accept(TokenKind::Colon)) return {};
  return expect(TokenKind::Ident, "a type name after ':'").text;
}

void Parser::parse_method(ast::BoxDecl& box, ast::MethodKind kind) {
  ast::MethodDecl method;
  const Token& name = advance();
  method.kind = kind;
  method.name = name.kind == TokenKind::Ident ? name.text : lex::token_kind_spelling(name.kind);
  method.name_span = name.span;
  open_bracket(TokenKind::LParen);
  {
    NewlineMode nl(*this, true);
    while (!at(TokenKind::RParen)) {
      const Token& p = expect(TokenKind::Ident, "a parameter name");
      ast::Param param;
      param.name = p.text;
      param.span = p.span;
      param.id = next_local_id();
      param.type_annotation = parse_type_annotation();
      method.params.push_back(std::move(param));
      if (!accept(TokenKind::Comma)) break;
    }
    close_bracket(TokenKind::RParen, "',' or ')' after the parameter");
  }
  parse_type_annotation();  // a return type: accepted, not recorded
  method.body = parse_block("the body of method '" + method.name + "'");
  parse_cleanup_clause(method.body);
  method.span = base::Span{name.span.begin, prev_span().end};
  box.methods.push_back(std::move(method));
}

}  // namespace hako::parse
