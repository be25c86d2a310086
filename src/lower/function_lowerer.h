// FunctionLowerer (private to src/lower): one checked method → one MIR
// function. Locals become SSA values on the fly with the algorithm of Braun
// et al., "Simple and Efficient Construction of Static Single Assignment
// Form" (CC 2013): per-block current definitions, phis created on demand,
// blocks sealed once all their predecessors are known.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mir/builder.h"
#include "sema/checked.h"

namespace hako::lower {

// The MIR location (file, line, column) of a source position of `program`.
mir::Loc source_loc(const sema::CheckedProgram& program, base::Span span);

using mir::BlockId;
using mir::Tag;
using mir::ValueId;
using sema::CheckedProgram;
using sema::Coercion;
using sema::ExprInfo;

class FunctionLowerer {
 public:
  FunctionLowerer(const CheckedProgram& program, mir::Module& module, uint32_t func);
  void lower();

 private:
  // --- SSA construction (ssa.cpp) ---
  void write_var(uint32_t local, BlockId block, ValueId value);
  ValueId read_var(uint32_t local, BlockId block);
  ValueId read_var_recursive(uint32_t local, BlockId block);
  void add_phi_operands(uint32_t local, ValueId phi, BlockId block);
  void seal(BlockId block);
  BlockId new_block();
  // Ends the current block with a jump / conditional jump and records edges.
  void jump(BlockId target);
  void branch(ValueId cond, BlockId if_true, BlockId if_false);
  // Continues in a fresh block no edge reaches (after return/break/continue).
  void start_dead_block();

  // --- expressions (expr.cpp) ---
  // The value of `e` after the conversion sema recorded for it.
  ValueId value(const ast::Expr& e);
  // The value of `e` before its conversion (the kind sema inferred).
  ValueId raw_value(const ast::Expr& e);
  ValueId apply(ValueId v, sema::Tag from, Coercion c, sema::Tag to, mir::Loc loc);
  ValueId binary(const ast::Binary& e, const ExprInfo& info);
  ValueId run_plan(const sema::BinaryPlan& plan, ValueId lhs, sema::Tag lhs_kind, ValueId rhs, sema::Tag rhs_kind,
                   mir::Loc loc);
  ValueId logical(const ast::Logical& e);
  ValueId ternary(const ast::Ternary& e, const ExprInfo& info);
  ValueId field_get(const ast::FieldGet& e, const ExprInfo& info);
  // Reads the field `e` names from `receiver` (none for a static-box field).
  ValueId load_field(const ast::FieldGet& e, const ExprInfo& info, std::optional<ValueId> receiver);
  // A phi in `merge` of `a` (from `from_a`) and `b` (from `from_b`).
  ValueId two_way_phi(BlockId merge, sema::Tag tag, ValueId a, BlockId from_a, ValueId b, BlockId from_b);
  ValueId method_call(const ast::MethodCall& e, const ExprInfo& info);
  // With HAKO_FFI_TRACE=1: one line on stderr naming the C function a
  // built-in call site resolved to (rows run as instructions print nothing).
  void trace_resolution(const sema::BuiltinMethod& m, const std::vector<ast::ExprPtr>& args);
  ValueId builtin_call(const sema::BuiltinMethod& m, ValueId receiver, const std::vector<ast::ExprPtr>& args,
                       sema::Tag result, mir::Loc loc);
  ValueId direct_call(uint32_t func, std::optional<ValueId> me, const std::vector<ast::ExprPtr>& args, mir::Loc loc);
  // A call of extern function `info.ext`: call_c on the converted arguments.
  ValueId extern_call(const ast::Call& e, const ExprInfo& info);
  ValueId new_expr(const ast::New& e, const ExprInfo& info);
  // An instance of extern struct box `box` holding `fields` (Handles, one per
  // field) or, when there are none, every field zero (docs/ffi.md "Structs").
  ValueId new_struct(uint32_t box, const std::vector<ValueId>& fields, mir::Loc l);
  ValueId zero_field(const mir::CType& t, mir::Loc l);
  ValueId const_void(sema::Tag tag);
  ValueId const_string(const std::string& s, mir::Loc loc);
  ValueId call_rt(mir::RtFn fn, std::vector<ValueId> args, mir::Loc loc);
  mir::Loc loc(ast::Span span) const;

  // --- scopes and binding lifetimes (scope.cpp) ---
  // Opens a source scope (function body or `{ }`) starting in the current block.
  void open_scope();
  // Ends the innermost scope on its normal path and closes it.
  void close_scope();
  // Declares `local` in the innermost scope, so its exit ends the binding.
  void declare_local(uint32_t local);
  // On a jump out of scopes (break, continue, return): ends every open scope
  // from the innermost down to and including index `depth`.
  void exit_scopes(size_t depth);
  // Leaves scope `index` on one exit: its fini blocks, then `keep` of the
  // current reference-counted values of its bindings.
  void end_scope(size_t index);
  // `keep -1` of a binding's old value when it is reassigned.
  void end_binding_value(ValueId old);
  // Records that `value` is bound to source variable `local` (slot table).
  void note_slot(uint32_t local, ValueId value);
  uint32_t slot_for(uint32_t local, const std::string& name);

  // --- fini blocks and fini() methods (fini.cpp) ---
  // Registers a `fini { }` body in the innermost scope from here on.
  void register_fini(const ast::Block& body);
  // Lowers the fini bodies registered in scope `index`, newest first: one
  // copy per exit of the scope.
  void run_finis(size_t index);
  // Whether the current block is unreachable (nothing jumps to it).
  bool unreachable_here() const;
  // Whether this function is the fini() method of its box.
  bool is_fini_method() const;
  // At entry of a method of a box with fini(): a fini() body runs once (the
  // rest of the function is skipped on later calls); any other method
  // starts with reml_check_live.
  void begin_method_lifetime();
  // Before a return of a fini() method: marks the instance finalised.
  void end_fini_method();
  // reml_check_live(obj) when `box` defines fini(); nothing otherwise.
  void guard_live(ValueId obj, uint32_t box, mir::Loc loc);
  // Before a direct call of method `func` on `obj`: guard_live, unless the
  // method is fini() itself (a repeated call is allowed and does nothing).
  void guard_method_call(ValueId obj, uint32_t func, mir::Loc loc);
  // Before a call of `name/arity` on a Handle: reml_check_live when some box
  // with fini() has such a method (other than fini() itself).
  void guard_dynamic_call(ValueId receiver, const std::string& name, size_t arity, mir::Loc loc);

  // --- statements (stmt.cpp) ---
  // A `{ }` block in its own scope; with `result`, a block expression's value.
  ValueId block(const ast::Block& b, const ast::Expr* result = nullptr);
  void stmt(const ast::Stmt& s);
  void local_stmt(const ast::LocalStmt& s);
  void assign_stmt(const ast::AssignStmt& s);
  // Stores `v` (converted from kind `stored`) into the field `target`.
  void store_field(const ast::FieldGet& target, const ExprInfo& info, std::optional<ValueId> receiver, ValueId v,
                   Tag stored);
  void if_stmt(const ast::IfStmt& s);
  void loop_stmt(const ast::LoopStmt& s);
  void return_stmt(const ast::ReturnStmt& s);
  void print_stmt(const ast::PrintStmt& s);
  void finish_function();

  // --- clean-up (cleanup.cpp) ---
  void remove_trivial_phis();
  void remove_dead_values();
  void remove_dead_blocks();
  void renumber_values();

  const CheckedProgram& program_;
  mir::Module& module_;
  uint32_t func_;  // the checked function this lowers
  const sema::FuncInfo& fn_;
  mir::Function& f_;
  mir::FunctionBuilder b_;
  ValueId me_ = mir::kNoValue;
  BlockId entry_ = mir::kNoBlock;

  std::vector<std::unordered_map<uint32_t, ValueId>> defs_;  // per block: local → value
  std::unordered_map<uint32_t, ValueId> only_def_;  // the value of each local never reassigned
  // In defs_ while a sealed join reads its predecessors (see read_var_recursive).
  static constexpr ValueId kPending{UINT32_MAX - 1};
  std::vector<std::vector<BlockId>> preds_;
  std::vector<bool> sealed_;
  std::vector<std::vector<std::pair<uint32_t, ValueId>>> incomplete_;  // per block: (local, phi)
  std::unordered_map<ValueId, uint32_t> phi_local_;                     // phi → the local it merges

  struct LoopTargets {
    BlockId latch;
    BlockId exit;
    size_t scope_depth;  // scopes_ index of the loop body's scope
  };
  struct OpenScope {
    uint32_t id;                  // index in f_.scopes
    std::vector<uint32_t> locals;  // declared so far, in order
    std::vector<const ast::Block*> finis;  // fini bodies control has passed, in order
  };
  std::vector<OpenScope> scopes_;
  std::unordered_map<uint32_t, uint32_t> slot_of_local_;   // local → slot
  std::unordered_map<ValueId, uint32_t> slot_of_value_;    // value → slot (first binding wins)
  std::vector<LoopTargets> loops_;
};

}  // namespace hako::lower
