// The abstract syntax tree: the output of src/parse and the input of
// src/sema. Nodes are owned by their parent through unique_ptr and carry a
// source span. Every expression has a dense `id` (0..Program::expr_count-1)
// so later stages can keep per-expression facts in vectors.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/source.h"

namespace hako::ast {

using base::Span;

enum class ExprKind : uint8_t {
#define EXPR(name) name,
#include "ast/nodes.def"
};

enum class StmtKind : uint8_t {
#define STMT(name) name,
#include "ast/nodes.def"
};

const char* expr_kind_name(ExprKind k);
const char* stmt_kind_name(StmtKind k);

// Operators, in the order of §5 of the spec.
enum class UnaryOp : uint8_t { Neg, Not, BitNot };
enum class BinaryOp : uint8_t {
  Mul, Div, Mod,
  Add, Sub,
  Shl, Shr,
  BitAnd, BitXor, BitOr,
  Eq, Ne, Lt, Le, Gt, Ge,
};
enum class LogicalOp : uint8_t { And, Or };
// `=` is Assign; the compound forms name the arithmetic they apply.
enum class AssignOp : uint8_t { Assign, Add, Sub, Mul, Div, Mod };

const char* binary_op_text(BinaryOp op);  // "+", "<=", ...
const char* unary_op_text(UnaryOp op);

struct Block;
struct Stmt;

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

struct Expr {
  Expr(ExprKind k, Span s, uint32_t i) : kind(k), span(s), id(i) {}
  virtual ~Expr() = default;
  ExprKind kind;
  Span span;
  uint32_t id;

  // Checked downcast: `e.as<Binary>()` (the kind must match).
  template <typename T> T& as() { return static_cast<T&>(*this); }
  template <typename T> const T& as() const { return static_cast<const T&>(*this); }
};
using ExprPtr = std::unique_ptr<Expr>;

struct IntLit : Expr {
  static constexpr ExprKind kKind = ExprKind::IntLit;
  IntLit(Span s, uint32_t i, int64_t v) : Expr(kKind, s, i), value(v) {}
  int64_t value;
};
struct FloatLit : Expr {
  static constexpr ExprKind kKind = ExprKind::FloatLit;
  FloatLit(Span s, uint32_t i, double v) : Expr(kKind, s, i), value(v) {}
  double value;
};
struct StringLit : Expr {
  static constexpr ExprKind kKind = ExprKind::StringLit;
  StringLit(Span s, uint32_t i, std::string v) : Expr(kKind, s, i), value(std::move(v)) {}
  std::string value;  // decoded bytes
};
struct BoolLit : Expr {
  static constexpr ExprKind kKind = ExprKind::BoolLit;
  BoolLit(Span s, uint32_t i, bool v) : Expr(kKind, s, i), value(v) {}
  bool value;
};
struct NullLit : Expr {
  static constexpr ExprKind kKind = ExprKind::NullLit;
  NullLit(Span s, uint32_t i) : Expr(kKind, s, i) {}
};
struct NameRef : Expr {
  static constexpr ExprKind kKind = ExprKind::NameRef;
  NameRef(Span s, uint32_t i, std::string n) : Expr(kKind, s, i), name(std::move(n)) {}
  std::string name;
};
struct MeRef : Expr {
  static constexpr ExprKind kKind = ExprKind::MeRef;
  MeRef(Span s, uint32_t i) : Expr(kKind, s, i) {}
};
struct Unary : Expr {
  static constexpr ExprKind kKind = ExprKind::Unary;
  Unary(Span s, uint32_t i, UnaryOp o, ExprPtr e) : Expr(kKind, s, i), op(o), operand(std::move(e)) {}
  UnaryOp op;
  ExprPtr operand;
};
struct WeakExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::WeakExpr;
  WeakExpr(Span s, uint32_t i, ExprPtr e) : Expr(kKind, s, i), operand(std::move(e)) {}
  ExprPtr operand;
};
struct Binary : Expr {
  static constexpr ExprKind kKind = ExprKind::Binary;
  Binary(Span s, uint32_t i, BinaryOp o, ExprPtr l, ExprPtr r)
      : Expr(kKind, s, i), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
  BinaryOp op;
  Span op_span;  // the operator token, where runtime errors point
  ExprPtr lhs, rhs;
};
struct Logical : Expr {
  static constexpr ExprKind kKind = ExprKind::Logical;
  Logical(Span s, uint32_t i, LogicalOp o, ExprPtr l, ExprPtr r)
      : Expr(kKind, s, i), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
  LogicalOp op;
  ExprPtr lhs, rhs;
};
struct Ternary : Expr {
  static constexpr ExprKind kKind = ExprKind::Ternary;
  Ternary(Span s, uint32_t i, ExprPtr c, ExprPtr a, ExprPtr b)
      : Expr(kKind, s, i), cond(std::move(c)), then_expr(std::move(a)), else_expr(std::move(b)) {}
  ExprPtr cond, then_expr, else_expr;
};
struct FieldGet : Expr {
  static constexpr ExprKind kKind = ExprKind::FieldGet;
  FieldGet(Span s, uint32_t i, ExprPtr o, std::string f, Span fs)
      : Expr(kKind, s, i), object(std::move(o)), field(std::move(f)), field_span(fs) {}
  ExprPtr object;
  std::string field;
  Span field_span;
};
struct Call : Expr {
  static constexpr ExprKind kKind = ExprKind::Call;
  Call(Span s, uint32_t i, std::string n, Span ns, std::vector<ExprPtr> a)
      : Expr(kKind, s, i), name(std::move(n)), name_span(ns), args(std::move(a)) {}
  std::string name;
  Span name_span;
  std::vector<ExprPtr> args;
};
struct MethodCall : Expr {
  static constexpr ExprKind kKind = ExprKind::MethodCall;
  MethodCall(Span s, uint32_t i, ExprPtr r, std::string m, Span ms, std::vector<ExprPtr> a)
      : Expr(kKind, s, i), receiver(std::move(r)), method(std::move(m)), method_span(ms), args(std::move(a)) {}
  ExprPtr receiver;
  std::string method;
  Span method_span;
  std::vector<ExprPtr> args;
};
struct New : Expr {
  static constexpr ExprKind kKind = ExprKind::New;
  New(Span s, uint32_t i, std::string b, Span bs, std::vector<ExprPtr> a)
      : Expr(kKind, s, i), box(std::move(b)), box_span(bs), args(std::move(a)) {}
  std::string box;
  Span box_span;
  std::vector<ExprPtr> args;
};
struct ArrayLit : Expr {
  static constexpr ExprKind kKind = ExprKind::ArrayLit;
  ArrayLit(Span s, uint32_t i, std::vector<ExprPtr> e) : Expr(kKind, s, i), elements(std::move(e)) {}
  std::vector<ExprPtr> elements;
};
struct MapEntry {
  ExprPtr key;
  ExprPtr value;
};
struct MapLit : Expr {
  static constexpr ExprKind kKind = ExprKind::MapLit;
  MapLit(Span s, uint32_t i, std::vector<MapEntry> e) : Expr(kKind, s, i), entries(std::move(e)) {}
  std::vector<MapEntry> entries;
};

// ---------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------

struct Stmt {
  Stmt(StmtKind k, Span s) : kind(k), span(s) {}
  virtual ~Stmt() = default;
  StmtKind kind;
  Span span;

  template <typename T> T& as() { return static_cast<T&>(*this); }
  template <typename T> const T& as() const { return static_cast<const T&>(*this); }
};
using StmtPtr = std::unique_ptr<Stmt>;

// A `{ ... }` sequence of statements; opens a scope.
struct Block {
  Span span;
  std::vector<StmtPtr> stmts;
  // `{ ... } cleanup { ... }` (a standalone block or a method body): runs on
  // every exit of the block, as a `fini { }` registered before its first
  // statement would. Null for other blocks.
  std::unique_ptr<Block> cleanup;
};

struct BlockExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::BlockExpr;
  BlockExpr(Span s, uint32_t i, Block b, ExprPtr r) : Expr(kKind, s, i), block(std::move(b)), result(std::move(r)) {}
  Block block;    // the statements before the final expression
  ExprPtr result; // the final expression (null: the block yields Void)
};

// One name of a `local` statement. `id` is a dense per-program local id.
struct LocalBinding {
  std::string name;
  Span span;
  ExprPtr init;  // may be null
  uint32_t id = 0;
};

struct LocalStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::LocalStmt;
  LocalStmt(Span s) : Stmt(kKind, s) {}
  std::vector<LocalBinding> bindings;
  std::unique_ptr<Block> fini;  // `local x = e fini { ... }`, or null
};
struct AssignStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::AssignStmt;
  AssignStmt(Span s, AssignOp o, ExprPtr t, ExprPtr v)
      : Stmt(kKind, s), op(o), target(std::move(t)), value(std::move(v)) {}
  AssignOp op;
  Span op_span;
  ExprPtr target;  // a NameRef or a FieldGet (checked by the parser)
  ExprPtr value;
};
struct IfStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::IfStmt;
  IfStmt(Span s) : Stmt(kKind, s) {}
  ExprPtr cond;
  Block then_block;
  StmtPtr else_stmt;  // null, a BlockStmt or an IfStmt (else if)
};
enum class LoopStyle : uint8_t { LoopCond, LoopForever, While };
struct LoopStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::LoopStmt;
  LoopStmt(Span s) : Stmt(kKind, s) {}
  LoopStyle style = LoopStyle::LoopCond;
  ExprPtr cond;  // null for `loop { }`
  Block body;
};
struct BreakStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::BreakStmt;
  explicit BreakStmt(Span s) : Stmt(kKind, s) {}
};
struct ContinueStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::ContinueStmt;
  explicit ContinueStmt(Span s) : Stmt(kKind, s) {}
};
struct ReturnStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::ReturnStmt;
  ReturnStmt(Span s, ExprPtr v) : Stmt(kKind, s), value(std::move(v)) {}
  ExprPtr value;  // may be null
};
struct PrintStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::PrintStmt;
  PrintStmt(Span s, ExprPtr v) : Stmt(kKind, s), value(std::move(v)) {}
  ExprPtr value;
};
struct ExprStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::ExprStmt;
  ExprStmt(Span s, ExprPtr e) : Stmt(kKind, s), expr(std::move(e)) {}
  ExprPtr expr;
};
struct BlockStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::BlockStmt;
  BlockStmt(Span s, Block b) : Stmt(kKind, s), block(std::move(b)) {}
  Block block;
};
struct FiniStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::FiniStmt;
  FiniStmt(Span s, Block b) : Stmt(kKind, s), block(std::move(b)) {}
  Block block;
};
struct UnsafeStmt : Stmt {
  static constexpr StmtKind kKind = StmtKind::UnsafeStmt;
  UnsafeStmt(Span s, Block b) : Stmt(kKind, s), block(std::move(b)) {}
  Block block;
};

// ---------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------

enum class Visibility : uint8_t { Default, Public, Private };

struct FieldDecl {
  std::string name;
  Span span;
  bool is_weak = false;
  Visibility visibility = Visibility::Default;
  std::string type_annotation;  // `y: Int` — accepted, not enforced
};

struct Param {
  std::string name;
  Span span;
  std::string type_annotation;
  uint32_t id = 0;  // a local id, shared numbering with LocalBinding::id
};

enum class MethodKind : uint8_t { Normal, Birth, Fini };

struct MethodDecl {
  std::string name;  // "birth" for constructors, "fini" for the finaliser
  Span span;         // the whole method
  Span name_span;
  MethodKind kind = MethodKind::Normal;
  std::vector<Param> params;
  Block body;
};

struct BoxDecl {
  std::string name;
  Span span;
  Span name_span;
  bool is_static = false;
  std::vector<FieldDecl> fields;
  std::vector<MethodDecl> methods;
};

// ---------------------------------------------------------------------------
// Extern declarations (docs/ffi.md)
// ---------------------------------------------------------------------------

// A C type as written in an extern declaration (docs/ffi.md, "Grammar").
enum class CTypeForm : uint8_t { Named, Ptr, MutPtr, NonNullPtr, FnPtr };
// One C type; the parser records the spelling and leaves the whitelist to sema.
struct CTypeExpr {
  CTypeForm form = CTypeForm::Named;
  std::string name;              // Named: "i32", "CStr", "Handle", "void", or a struct name
  Span span;                     // the whole type
  std::vector<CTypeExpr> args;   // Ptr/MutPtr/NonNullPtr: the pointee; FnPtr: the parameter types
  std::vector<CTypeExpr> ret;    // FnPtr: exactly one result type; empty otherwise
};
// `@name("value")`.
struct Attribute {
  std::string name;   // without '@'
  Span span;          // from '@' to ')'
  std::string value;  // the decoded string
  Span value_span;
};
// One typed parameter of an extern function, with its own attributes.
struct ExternParam {
  std::string name;
  Span span;                      // name through type
  std::vector<Attribute> attrs;
  CTypeExpr type;
};
// `fn name(params) [-> ctype]` inside an extern block.
struct ExternFn {
  std::string name;               // the Hako name
  Span span;                      // from its first attribute or `fn` to the end of the result type
  Span name_span;
  std::vector<Attribute> attrs;
  std::vector<ExternParam> params;
  bool variadic = false;
  Span variadic_span;             // the `...` token when variadic
  std::optional<CTypeExpr> ret;   // absent: `-> void` was not written
};
// `extern "ABI" { fn ... }`: C functions Hako code may call.
struct ExternBlock {
  std::string abi;                // the string after `extern`, "C" normally
  Span abi_span;
  Span span;                      // from its first attribute or `extern` to `}`
  std::vector<Attribute> attrs;
  std::vector<ExternFn> fns;
};
// `name: ctype` inside an extern struct.
struct ExternStructField {
  std::string name;
  Span span;
  CTypeExpr type;
};
// `extern struct Name { fields }`: a C struct with C layout.
struct ExternStruct {
  std::string name;
  Span span;
  Span name_span;
  std::vector<Attribute> attrs;
  std::vector<ExternStructField> fields;
};

// ---------------------------------------------------------------------------
// Imports (docs/language.md, "Multi-file programs (using)")
// ---------------------------------------------------------------------------

// `using "path.hako" [as Alias]` (or `using a.b.c [as Alias]`, a module
// name) at the top of a file.
struct UsingDecl {
  std::string path;  // as written: a path relative to the importing file, or the dotted module name
  bool is_module = false;  // `using a.b.c`: `path` is a module name, not a file path
  Span span;               // the whole line, `using` to the end of the path or alias
  Span path_span;
  std::optional<std::string> alias;
  Span alias_span;
  // The imported file's index in the program's SourceMap, set by the driver
  // once it has loaded the file (absent until then, or when it could not).
  std::optional<uint32_t> file;
};

// The whole program: the declarations of every file, in load order (the
// main file first); each declaration's spans say which file it is in.
struct Program {
  std::vector<UsingDecl> usings;  // of every file, in load order
  std::vector<BoxDecl> boxes;
  std::vector<ExternBlock> externs;   // extern blocks, in source order
  std::vector<ExternStruct> structs;  // extern structs, in source order
  uint32_t expr_count = 0;   // Expr ids are 0..expr_count-1
  uint32_t local_count = 0;  // local ids (params and bindings) are 0..local_count-1
};

}  // namespace hako::ast
