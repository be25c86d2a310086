// The checker behind sema::check (private to src/sema). Declarations are
// collected once; then every method body is walked repeatedly, joining the
// kinds that flow into locals, parameters and returns until nothing changes
// (whole-program inference); a last walk records the facts and reports the
// diagnostics.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "diag/diag.h"
#include "sema/sema.h"
#include "sema/checked.h"
#include "sema/kinds.h"

namespace hako::sema {

// Whether `name` is a built-in box (ArrayBox, StringBox, ...), which no
// declaration may redefine.
bool is_builtin_box_name(const std::string& name);
// The built-in boxes, in a fixed order.
const std::vector<std::string>& builtin_box_names();

// The end of the message of each warning about an operand that is always
// Void (W0302-W0306).
inline constexpr const char* kVoidReached = "; if this is reached, it is a runtime error.";

class Checker {
 public:
  Checker(const ast::Program& program, const base::SourceMap& sources, diag::DiagEngine& diags,
          const CheckOptions& options);

  // Runs all passes; the program when no error was reported.
  std::optional<CheckedProgram> run();

 private:
  // --- declarations (declare.cpp) ---
  void declare_boxes();
  // Gives each `using ... as Alias` its static box, in the importing file.
  void declare_aliases();
  // "path:line" of a global offset, for messages that point elsewhere.
  std::string where(uint32_t offset) const;
  void declare_box(const ast::BoxDecl& decl);
  void find_main();
  uint32_t find_box(const std::string& name) const;
  // The method `name/arity` of box `box`, or kNone.
  uint32_t find_method(uint32_t box, const std::string& name, uint32_t arity) const;
  bool method_name_exists(uint32_t box, const std::string& name) const;
  uint32_t find_field(uint32_t box, const std::string& name) const;
  uint32_t find_global(uint32_t box, const std::string& name) const;

  // --- extern "C" declarations and calls (ffi.cpp, docs/ffi.md) ---
  // Attributes of one item, checked against where they may appear.
  struct FfiAttrs {
    const ast::Attribute* link_name = nullptr;
    const ast::Attribute* library = nullptr;
    const ast::Attribute* ownership = nullptr;
    const ast::Attribute* callconv = nullptr;
    const ast::Attribute* target = nullptr;
  };
  enum class AttrSite : uint8_t { Block, Function, Param };
  enum class CTypeSite : uint8_t { Param, Result, Pointee, CallbackParam, CallbackResult, StructField };
  // The boxes of extern structs (after the user boxes), then their C types.
  void declare_struct_boxes();
  void declare_struct_types();
  // Lays out struct `s` (an index into program_.structs) after the structs it
  // holds by value; false on a by-value cycle (reported).
  bool layout_struct_type(size_t s, std::vector<uint8_t>& state);
  void declare_externs();
  void declare_extern(const ast::ExternBlock& block, const FfiAttrs& block_attrs, const ast::ExternFn& fn);
  FfiAttrs ffi_attributes(const std::vector<ast::Attribute>& attrs, AttrSite site);
  std::optional<mir::Ownership> ffi_ownership(const ast::Attribute* attr, mir::CTypeId type, const std::string& what);
  std::optional<mir::CTypeId> resolve_ctype(const ast::CTypeExpr& t, CTypeSite site);
  // A call of extern `ext` (an index into out_.ffi.externs).
  KindOpt extern_call(const ast::Call& e, uint32_t ext, ExprInfo& info);
  void extern_arg(const mir::ExternFn& x, size_t k, const ast::Expr& arg);
  void extern_vararg(const mir::ExternFn& x, size_t k, const ast::Expr& arg);
  // `Box.method` passed for FnPtr parameter `param` of `x`: true when `arg`
  // has that form (reported if it names no fitting method).
  bool callback_arg(const mir::ExternFn& x, size_t k, const ast::Expr& arg);
  std::string ctype(mir::CTypeId t) const { return mir::ctype_text(out_.ffi, t); }

  // --- passes (check.cpp) ---
  void walk_all();
  void walk_function(uint32_t func);
  void finalize_kinds();
  // Reports a diagnostic (its severity comes from the kind) in recording walks.
  void report(diag::Kind kind, ast::Span span, std::string message);
  // The same with a suggested fix (`help:`).
  void report(diag::Kind kind, ast::Span span, std::string message, std::string help);
  void join_local(uint32_t local, KindOpt kind);
  void join_ret(uint32_t func, KindOpt kind);
  KindOpt local_kind(uint32_t local) const { return local_kinds_[local]; }

  // --- notes and suggestions on the diagnostic just reported (suggest.cpp,
  // docs/language.md "Diagnostics: notes and suggestions") ---
  void note(ast::Span span, std::string message);
  // "did you mean 'x'?" with the replacement of `span` by x, when one of
  // `candidates` is a likely misspelling of `name` (base/spelling.h).
  void did_you_mean(ast::Span span, const std::string& name, const std::vector<std::string>& candidates);
  // The locals and parameters in scope, then the static boxes.
  std::vector<std::string> visible_names() const;
  std::vector<std::string> field_names(uint32_t box) const;
  std::vector<std::string> static_field_names(uint32_t box) const;
  std::vector<std::string> method_names(uint32_t box) const;
  // User boxes and the built-in ones a `new` may name.
  std::vector<std::string> box_names() const;
  // E0305 for `display` (at `span`) called with `given` arguments: what the
  // methods named `method` of `box` take, with a note at each declaration.
  void method_arity_mismatch(uint32_t box, const std::string& method, const std::string& display, uint32_t given,
                             ast::Span span);
  // E0303 for `x.m` where m is a method of x, suggesting the call `x.m()`;
  // `owner` names x's box in the message.
  void method_without_call(const ast::FieldGet& e, const std::string& owner);
  // A name standing alone before another statement on its line (`retrun x`),
  // perhaps a misspelled statement keyword; set while its statement is checked.
  const ast::Expr* statement_word_ = nullptr;
  bool same_line(uint32_t a, uint32_t b) const;
  // "did you mean 'return'?" when `name` is 1-2 edits from a keyword that
  // begins a statement; false when it is not.
  bool suggest_keyword(ast::Span span, const std::string& name);
  // Set while the target of an assignment is checked.
  bool assign_target_ = false;
  // Where each local was declared, for the note of a duplicate.
  std::unordered_map<uint32_t, ast::Span> local_spans_;

  // --- statements (stmt.cpp) ---
  void block(const ast::Block& b, bool new_scope = true);
  void stmt(const ast::Stmt& s);
  void local_stmt(const ast::LocalStmt& s);
  void assign_stmt(const ast::AssignStmt& s);
  // E0314 when `value` (the kind stored into field access `target`) breaks
  // the contract of a weak field (§7).
  void weak_field_contract(const ast::Expr& target, KindOpt value, base::Span value_span);
  // Checks a `fini { }` body: its own scope, and no way out of it.
  void fini_block(const ast::Block& b);
  // Reports `word` (return/break/continue, at `span`) leaving the innermost
  // barrier; `is_return` because a return leaves every barrier.
  void check_control_exit(const char* word, bool is_return, ast::Span span);
  void declare_local(uint32_t id, const std::string& name, ast::Span span);
  uint32_t lookup_local(const std::string& name) const;
  // Whether control cannot fall off the end of `b` (for the implicit Void return).
  static bool always_exits(const ast::Block& b);
  static bool always_exits(const ast::Stmt& s);

  // --- lints (lints.cpp, docs/language.md "Front end") ---
  // Whether a `return e` appears anywhere in `b`.
  static bool has_value_return(const ast::Block& b);
  // Notes each local of the current function that is never read, for W0308.
  void note_unused_locals();
  // W0308 for the noted locals, when the program has no errors: a local an
  // erroneous initialiser left unread is noise next to the error.
  void report_unused_locals(bool program_has_errors);
  // W0309 when `==`/`!=` (at `span`) of `l` and `r` is constant by kinds.
  void mixed_kind_equality(ast::BinaryOp op, ast::Span span, Tag l, Tag r, const BinaryPlan& plan);
  // W0310 when call `e` (resolved to a direct call in `info`) is used as a
  // value but its method never returns one.
  void no_value_used(const ast::Expr& e, const ExprInfo& info);

  // --- expressions (expr.cpp) ---
  KindOpt expr(const ast::Expr& e);
  KindOpt expr_inner(const ast::Expr& e, ExprInfo& info);
  KindOpt name_ref(const ast::NameRef& e, ExprInfo& info);
  KindOpt unary(const ast::Unary& e, ExprInfo& info);
  KindOpt binary(const ast::Binary& e, ExprInfo& info);
  // The plan of operator `op` (at `span`) on `l` and `r`, a Binary or a
  // compound assignment: W0304 when an always-Void operand makes it a
  // run-time check, E0312 (and nullopt) when it cannot work.
  std::optional<BinaryPlan> operator_plan(ast::BinaryOp op, ast::Span span, Tag l, Tag r);
  KindOpt field_get(const ast::FieldGet& e, ExprInfo& info);
  KindOpt call(const ast::Call& e, ExprInfo& info);
  KindOpt method_call(const ast::MethodCall& e, ExprInfo& info);
  KindOpt new_expr(const ast::New& e, ExprInfo& info);
  // Checks arguments against function `func` (joining into its parameters).
  void call_args(uint32_t func, const std::vector<ast::ExprPtr>& args);
  KindOpt call_direct(uint32_t func, const std::vector<ast::ExprPtr>& args, ExprInfo& info);
  // Records the conversion of `e` (of kind `from`) into a position of `to`.
  void convert(const ast::Expr& e, KindOpt from, Tag to, const char* position);
  // Checks `e` as a condition: records Truthy (or nothing for Bool).
  void condition(const ast::Expr& e);
  // Boxes `e`, which sema found always Void, into the Handle holding Void
  // it is at run time: the operation using it then gets the run-time check
  // (and error) a Void Handle gets, for code that may never run
  // (docs/language.md, "Kinds and type errors"). The caller warns.
  void void_as_handle(const ast::Expr& e);
  // Checks a map key of kind `k` (a map literal's, or the key argument of a
  // MapBox method): Int, String and Handle pass; always Void is W0306 (the
  // run-time key check refuses it); another known kind is E0320 and gives
  // false (nothing to convert).
  bool map_key(const ast::Expr& key, KindOpt k);
  // The static box a receiver expression names (`Util` or `me` in a static
  // box), or kNone.
  uint32_t static_receiver(const ast::Expr& receiver);
  std::string name(Tag t) const { return kind_name(out_, t); }
  std::string name(KindOpt t) const { return t ? kind_name(out_, *t) : "Void"; }

  const ast::Program& program_;
  const base::SourceMap& sources_;
  // The `using ... as Alias` names of each file (by SourceMap index): alias
  // → the static box it stands for (docs/language.md, "Multi-file programs").
  std::vector<std::unordered_map<std::string, uint32_t>> aliases_;
  diag::DiagEngine& diags_;
  CheckOptions options_;
  CheckedProgram out_;
  // Extern functions declared only for other targets: name → their target.
  std::unordered_map<std::string, std::string> other_target_externs_;
  // program_.structs[i]'s C type once declare_struct_types has made it.
  std::vector<std::optional<mir::CTypeId>> struct_ctypes_;
  // `unsafe { }` blocks around the statement being checked.
  uint32_t unsafe_depth_ = 0;

  std::vector<KindOpt> local_kinds_;
  std::vector<KindOpt> ret_kinds_;
  // Whether each local is read anywhere (W0308); a store is no read.
  std::vector<bool> local_read_;
  // Whether each function's body has a `return e` (W0310).
  std::vector<bool> returns_value_;
  // The top expression of the expression statement being checked: its
  // value is dropped, so a call there is not used as a value (W0310).
  const ast::Expr* discarded_ = nullptr;
  std::set<std::pair<std::string, uint32_t>> dynamic_calls_;  // name/arity called on Handles
  bool recording_ = false;
  bool changed_ = false;

  // Per-function walk state.
  uint32_t cur_func_ = kNone;
  uint32_t cur_box_ = kNone;
  std::vector<std::unordered_map<std::string, uint32_t>> scopes_;
  // The locals `local` declared in the current function, with their spans (W0308).
  std::vector<std::pair<uint32_t, ast::Span>> declared_locals_;
  // Those of all functions never read, in the recording walk (W0308).
  std::vector<std::pair<uint32_t, ast::Span>> unread_locals_;
  uint32_t loop_depth_ = 0;
  // A construct that `return` may not leave, nor `break`/`continue` of a loop
  // around it: a block expression (E0310) or a fini block (E0311).
  struct ControlBarrier {
    uint32_t loop_depth;  // loop_depth_ where the construct began
    diag::Kind kind;      // the diagnostic for leaving it
    const char* what;     // the construct, for messages
  };
  // Innermost last.
  std::vector<ControlBarrier> barriers_;
};

}  // namespace hako::sema
