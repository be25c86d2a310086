// The parser's internal state, shared by the files that parse declarations
// (decl.cpp), statements (stmt.cpp) and expressions (expr.cpp); the token
// cursor, error reporting and recovery live in parser.cpp.
#pragma once

#include <functional>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ast/ast.h"
#include "base/source.h"
#include "diag/diag.h"
#include "lex/lex.h"

namespace hako::parse {

using lex::Token;
using lex::TokenKind;

// Thrown after a syntax error has been reported; the nearest statement,
// member or declaration loop catches it and resynchronises.
struct SyntaxError {};
// Thrown after NestingTooDeep, or once the diagnostics engine is capped:
// unwinds to the top level, which skips to the next box (or stops).
struct BailOut {};

class Parser {
 public:
  // How deep brackets, blocks, prefix operators and else-if chains may nest
  // before E0210, so that parsing cannot overflow the stack.
  static constexpr uint32_t kMaxDepth = 256;
  // How tall an expression tree may get (a long `a + b + ...` chain nests
  // without recursing), so that later recursive passes are safe too.
  static constexpr uint32_t kMaxHeight = 1000;

  // Prepares to parse `tokens` (lex::lex of `file`), reporting to `diags`.
  Parser(const base::SourceFile& file, diag::DiagEngine& diags, std::vector<Token> tokens);
  // Parses the whole file; what could not be parsed is left out.
  ast::Program parse_program();
  // The same, appending to `program` (ids continue from its counts).
  void parse_into(ast::Program& program);

 private:
  friend class NewlineMode;
  friend class DepthGuard;

  // --- cursor (parser.cpp) -------------------------------------------------
  // The current token; Newline tokens are skipped while inside ( ) [ ] %{ }.
  const Token& peek();
  // The kind of the token `n` raw positions after the cursor (no skipping).
  TokenKind peek_kind_after(uint32_t n) const;
  // Whether the current token has `kind`.
  bool at(TokenKind kind) { return peek().kind == kind; }
  // Consumes and returns the current token (stays on Eof).
  const Token& advance();
  // Consumes the current token if it has `kind`.
  bool accept(TokenKind kind);
  // Consumes a token of `kind`, or reports "Expected <what>, found ..." and
  // throws SyntaxError.
  const Token& expect(TokenKind kind, const std::string& what);
  // Consumes an opening bracket (the cursor must be on it) and records it.
  const Token& open_bracket(TokenKind kind);
  // Consumes the closing bracket matching the innermost open one, or fails.
  base::Span close_bracket(TokenKind kind, const std::string& what);
  // Consumes every Newline token at the cursor.
  void skip_newlines();
  // Consumes newlines and `;` separators.
  void skip_separators();
  // The span of the token consumed last.
  base::Span prev_span() const { return toks_[prev_].span; }

  // --- errors and recovery (parser.cpp) -----------------------------------
  // Reports a diagnostic and carries on.
  void report(diag::Kind kind, base::Span span, std::string message);
  // Reports E0201 "Expected <what>, found <current token>." and throws.
  [[noreturn]] void fail_expected(const std::string& what);
  // Reports and throws SyntaxError.
  [[noreturn]] void fail(diag::Kind kind, base::Span span, std::string message);
  // Throws BailOut once the diagnostics engine drops new reports.
  void check_cap();
  // Skips the rest of a failed statement or member: up to and including a
  // newline or `;` once every bracket the construct opened (those above
  // `open_base` in open_) is closed, or up to (not including) a `}` that
  // closes the enclosing block.
  void sync_to_line_end(size_t open_base, uint32_t start);
  // Skips to the next `box`, `static`, `extern`, `using` or attributes
  // before `extern` (consumes >= 1 token).
  void sync_to_declaration(uint32_t start);
  // Whether the cursor starts a top-level declaration (`box Name`,
  // `static box`, `extern`, attributes before `extern`), which ends any
  // block left open before it.
  bool at_declaration_start();
  // Whether the raw token at `i` starts a top-level declaration.
  bool declaration_starts_at(uint32_t i) const;
  // The index of the first raw token from `i` on that is not part of a run
  // of complete attributes (newlines after each included); `i` when none.
  uint32_t attribute_run_end(uint32_t i) const;
  // Whether the raw tokens from `i` are complete attributes followed by `extern`.
  bool attributes_lead_to_extern(uint32_t i) const;
  // Reports a block or box body that ends without its `}`, once per place,
  // with a note at the `{` most likely never closed.
  void report_missing_brace(base::Span open, const char* what);
  // Among the braces from `open` to the cursor, the `{` that a `}` of
  // another indentation skipped over: the block most likely missing its
  // `}` (unclosed.cpp); nullopt when the indentation agrees with the nesting.
  std::optional<base::Span> unclosed_by_indentation(base::Span open) const;
  // How an error message names the current token.
  std::string describe_current();
  // Reports E0106 for 9223372036854775808 literals not negated directly.
  void flush_min_literals();

  // --- declarations (decl.cpp) --------------------------------------------
  // Parses declarations up to the end of the file, recovering from errors.
  void parse_top_level(ast::Program& program);
  // Parses `[static] box Name [from P] { ... }`.
  void parse_box(ast::Program& program);
  // Parses the members between the braces of a box, recovering per member.
  void parse_box_body(ast::BoxDecl& box);
  // Parses one field line or method (E0204 when none starts here).
  void parse_member(ast::BoxDecl& box);
  // `[weak] name [: Type]`: one field.
  void parse_field_item(ast::BoxDecl& box, ast::Visibility vis);
  // Field items separated by commas, up to the end of the line.
  void parse_field_line(ast::BoxDecl& box, ast::Visibility vis);
  // `{ a, weak b }` after public / private / init.
  void parse_field_block(ast::BoxDecl& box, ast::Visibility vis);
  // Parses `name(params) [: Type] { body }`; the cursor is on the name.
  void parse_method(ast::BoxDecl& box, ast::MethodKind kind);
  // Parses `: Type` if present and returns the type's text ("" when absent).
  std::string parse_type_annotation();

  // --- imports (using.cpp) -----------------------------------------------
  // Parses `using "path" [as Alias]` (the cursor is on `using`) into
  // program.usings; `after_declaration` makes it E0701 (imports come first).
  void parse_using(ast::Program& program, bool after_declaration);
  // Reports E0701 for a `using` inside a box or a method (the cursor is on
  // it) and throws SyntaxError, whose recovery skips the line.
  [[noreturn]] void misplaced_using(const char* where);

  // --- extern declarations (extern.cpp, docs/ffi.md "Grammar") ------------
  // Parses `attribute* extern "ABI" { ... }` or `attribute* extern struct
  // Name { ... }`; the cursor is on the first attribute or on `extern`.
  void parse_extern_decl(ast::Program& program);
  // Parses the `"ABI" { items }` of an extern block after `extern`.
  void parse_extern_block(ast::Program& program, std::vector<ast::Attribute> attrs, uint32_t begin);
  // Parses `struct Name { fields }` after `extern` (the cursor is on `struct`).
  void parse_extern_struct(ast::Program& program, std::vector<ast::Attribute> attrs, uint32_t begin);
  // Parses one `attribute* fn name(params) [-> ctype]` of an extern block.
  void parse_extern_fn(ast::ExternBlock& block);
  // Parses the parenthesised parameter list of `fn`, `...` included.
  void parse_extern_params(ast::ExternFn& fn);
  // Parses one `name: ctype` field of extern struct `s`.
  void parse_extern_field(ast::ExternStruct& s);
  // Parses zero or more `@name("value")`, each optionally followed by newlines.
  void parse_attributes(std::vector<ast::Attribute>& out);
  // Parses a C type: a name, `Ptr<T>` (and its flavours) or `FnPtr<(A) -> R>`.
  ast::CTypeExpr parse_ctype();
  // Consumes the `>` that closes `opener<`, splitting a `>>` token in two
  // (`Ptr<Ptr<u8>>`); returns the source offset just past that `>`.
  uint32_t close_angle(const std::string& opener);
  // Consumes newlines, `;` and `,`: what separates extern items.
  void skip_item_separators();
  // Fails unless an extern item ends here (newline, `;`, `,`, `}`, end of file).
  void expect_extern_item_end(const std::string& what);
  // Skips the rest of a failed extern function or struct field: up to and
  // including a newline, `;` or `,` outside brackets, or up to a `}` closing
  // the enclosing block, a line starting with `fn` or `@`, or a declaration.
  void sync_to_extern_item(size_t open_base, uint32_t start);
  // The items of an extern block or struct up to its '}' (already opened at
  // `open`): each parsed by `item`, a syntax error in one skipped to the next.
  void extern_items(base::Span open, const std::string& what, const std::function<void()>& item);

  // --- statements (stmt.cpp) ----------------------------------------------
  // Parses `{ stmts }`, allowing newlines before the `{`.
  ast::Block parse_block(const std::string& what);
  // After the `}` of a standalone block or a method body: parses a following
  // `cleanup { ... }` (on the same line or a later one) into `block.cleanup`.
  // `cleanup` is a word with this meaning only here; elsewhere it is a name.
  void parse_cleanup_clause(ast::Block& block);
  // E0211 for a statement written as in another language (`let x = 1`,
  // `for x in xs`, `foreach (...)`, `i++`), saying the Hako way; returns
  // when the cursor starts none of them.
  void reject_other_language_form();
  // Whether the raw tokens at the cursor (after newlines) are `cleanup {`.
  bool at_cleanup_clause() const;
  // `stmt`, unless `cleanup {` follows it: an if, loop, fini or unsafe block
  // takes none (E0201 saying to wrap it in a block).
  ast::StmtPtr no_cleanup_after(ast::StmtPtr stmt, const char* what);
  // Parses statements up to the `}` of the block opened at `open`.
  void parse_block_body(ast::Block& block, base::Span open);
  // One statement with error recovery; null when it could not be parsed.
  ast::StmtPtr parse_statement();
  // One statement without recovery; throws SyntaxError.
  ast::StmtPtr parse_statement_inner();
  // After a statement: requires a newline, `;`, `}` or the end of the file.
  void expect_statement_end();
  // `local a, b = e [fini { }]`.
  ast::StmtPtr parse_local();
  // `if c { } else if c { } else { }`.
  ast::StmtPtr parse_if();
  // `loop(c) { }` or `loop { }`.
  ast::StmtPtr parse_loop();
  // `while c { }`.
  ast::StmtPtr parse_while();
  // `return` or `return e`.
  ast::StmtPtr parse_return();
  // `print(e)` (E0208 unless exactly one argument).
  ast::StmtPtr parse_print();
  // An expression statement or an assignment (E0207 for a bad target).
  ast::StmtPtr parse_expr_or_assign();
  // The condition of if / while; a bare `{ }` block there is E0209.
  ast::ExprPtr parse_condition(const char* keyword);

  // --- expressions (expr.cpp) ---------------------------------------------
  // A full expression, including `c ? a : b`.
  ast::ExprPtr parse_expr();
  // Binary operators binding at least as tightly as `min_prec`.
  ast::ExprPtr parse_binary(int min_prec);
  // The source text between the '(' token at index `open` and its matching
  // ')', from the first token to the last; "" when empty or unmatched.
  std::string parenthesized_text(uint32_t open) const;
  // Prefix `- ! not ~ weak`, then a postfix expression.
  ast::ExprPtr parse_unary();
  // A primary followed by `.name` and `.name(args)`.
  ast::ExprPtr parse_postfix();
  // Literals, names, calls, `me`, `new`, brackets and block expressions.
  ast::ExprPtr parse_primary();
  // `( e )`; the expression's span grows to cover the parentheses.
  ast::ExprPtr parse_paren();
  // `new Name(args)` (E0201, recovered, when the parentheses are missing).
  ast::ExprPtr parse_new();
  // `[a, b]` with an optional trailing comma.
  ast::ExprPtr parse_array();
  // `%{k => v, ...}` with an optional trailing comma.
  ast::ExprPtr parse_map();
  // `{ stmts; e }`: a final expression statement becomes the result.
  ast::ExprPtr parse_block_expr();
  // Parses `( args )` at the cursor; `close` receives the `)` span.
  std::vector<ast::ExprPtr> parse_args(base::Span* close);
  // Whether the cursor is on a name usable after `.`: an identifier or any
  // keyword (`x.print()`, `w.weak_to_strong()`).
  bool at_member_name();

  // Allocates an expression with the next dense id; `height` is its tree height.
  template <typename T, typename... Args>
  std::unique_ptr<T> make(uint32_t height, base::Span span, Args&&... args) {
    uint32_t id = next_expr_id_++;
    note_height(id, height, span);
    return std::make_unique<T>(span, id, std::forward<Args>(args)...);
  }
  // Records the height of expression `id`; E0210 past kMaxHeight.
  void note_height(uint32_t id, uint32_t height, base::Span span);
  // The tree height of an expression made by make() (0 for null).
  uint32_t height(const ast::ExprPtr& e) const { return e ? heights_[e->id] : 0; }
  // Allocates the next dense local id (params and `local` bindings).
  uint32_t next_local_id() { return next_local_++; }

  const base::SourceFile& file_;
  diag::DiagEngine& diags_;
  std::vector<Token> toks_;
  uint32_t pos_ = 0;
  uint32_t prev_ = 0;
  // Top: whether newlines are insignificant (inside ( ) [ ] %{ }).
  std::vector<bool> skip_newlines_;
  // The opening brackets consumed and not yet closed, innermost last.
  std::vector<TokenKind> open_;
  uint32_t depth_ = 0;
  std::vector<uint32_t> heights_;
  // The tallest expression or nested block seen in the innermost open block.
  uint32_t block_max_height_ = 0;
  // The height of the block parse_block_body finished last.
  uint32_t last_block_height_ = 0;
  uint32_t next_expr_id_ = 0;
  uint32_t next_local_ = 0;
  // Token index where a missing `}` was last reported, so that enclosing
  // blocks ending at the same place do not repeat it.
  uint32_t missing_brace_at_ = UINT32_MAX;
  // IntLits of 9223372036854775808 (id, span) awaiting a unary minus.
  std::vector<std::pair<uint32_t, base::Span>> min_literals_;
};

// While alive, newlines are skipped (true) or significant (false).
class NewlineMode {
 public:
  NewlineMode(Parser& p, bool skip) : p_(p) { p_.skip_newlines_.push_back(skip); }
  ~NewlineMode() { p_.skip_newlines_.pop_back(); }
  NewlineMode(const NewlineMode&) = delete;
  NewlineMode& operator=(const NewlineMode&) = delete;

 private:
  Parser& p_;
};

// Counts one level of nesting; past kMaxDepth reports E0210 and bails out.
class DepthGuard {
 public:
  explicit DepthGuard(Parser& p);
  ~DepthGuard() { --p_.depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  Parser& p_;
};

}  // namespace hako::parse
