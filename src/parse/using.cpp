// `using` lines (docs/language.md, "Multi-file programs (using)"): the parser
// records what each line names; finding, loading and parsing the file is the
// driver's work (driver/program_files.h), what an alias means is sema's.
#include "parse/parser.h"

namespace hako::parse {

void Parser::parse_using(ast::Program& program, bool after_declaration) {
  size_t open_base = open_.size();
  uint32_t start = pos_;
  try {
    ast::UsingDecl u;
    const Token& kw = advance();
    u.span = kw.span;
    if (at(TokenKind::String)) {
      const Token& path = advance();
      u.path = path.text;
      u.path_span = path.span;
    } else if (at(TokenKind::Ident)) {
      // A module name: identifiers joined by dots, `using lib.util`.
      const Token& first = advance();
      u.path = first.text;
      u.path_span = first.span;
      u.is_module = true;
      while (at(TokenKind::Dot)) {
        advance();
        u.path += "." + expect(TokenKind::Ident, "a name after '.' in the module name").text;
        u.path_span.end = prev_span().end;
      }
    } else {
      fail_expected("a file path in quotes after 'using', as in 'using \"lib/util.hako\"'");
    }
    // `as` is no keyword: it means something only here.
    if (at(TokenKind::Ident) && peek().text == "as") {
      advance();
      const Token& alias = expect(TokenKind::Ident, "a name after 'as'");
      u.alias = alias.text;
      u.alias_span = alias.span;
    }
    u.span.end = prev_span().end;
    TokenKind k = peek().kind;
    if (k != TokenKind::Newline && k != TokenKind::Semicolon && k != TokenKind::Eof)
      fail_expected("a newline after the 'using' line");
    if (after_declaration) {
      report(diag::Kind::UsingAfterDeclaration, u.span,
             "'using' must come before every declaration of the file; move this line to the top of the file.");
      return;
    }
    program.usings.push_back(std::move(u));
  } catch (const SyntaxError&) {
    sync_to_line_end(open_base, start);
  }
}

void Parser::misplaced_using(const char* where) {
  fail(diag::Kind::UsingAfterDeclaration, peek().span,
       std::string("'using' cannot appear inside ") + where +
           "; write it at the top of the file, before every declaration.");
}

}  // namespace hako::parse
