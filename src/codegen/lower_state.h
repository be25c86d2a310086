// State shared by the lowering's per-instruction-group handlers: the module
// being built (types, runtime declarations, literal and location constants,
// the LLVM function of every MIR function) and the function being lowered
// (the LLVM value of every SSA value, the block map).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "codegen/debug_info.h"
#include "codegen/runtime_decls.h"
#include "mir/mir.h"

namespace hako::codegen {

namespace abi {
struct TargetAbi;  // abi/target_abi.h
}

// Module-wide lowering state. Constants are created on first use and shared.
class ModuleState {
 public:
  ModuleState(const mir::Module& m, llvm::Module& mod, DebugInfo* di);

  const mir::Module& mir;  // the module being lowered
  llvm::LLVMContext& ctx;
  llvm::Module& mod;       // the module being built
  RuntimeDecls rt;         // every runtime function, declared on first use
  DebugInfo* di;           // null without -g
  // The C calling convention of the module's target triple, for foreign
  // calls and callbacks (abi/target_abi.h).
  const abi::TargetAbi& c_abi;

  // The LLVM types of the value representation (docs/codegen.md).
  llvm::IntegerType* i1;   // Bool
  llvm::IntegerType* i32;  // uint32_t/int of runtime signatures
  llvm::IntegerType* i64;  // Int, Handle
  llvm::Type* f64;         // Float
  llvm::PointerType* ptr;  // objects

  std::vector<llvm::Function*> funcs;           // per mir::FuncId
  std::vector<llvm::GlobalVariable*> globals;  // per module global: one i64 handle
  // Whether the module makes any C callback (an fn_ptr anywhere): then C may
  // call back into Hako during any foreign call, even one that passes no
  // callback (C kept one from an earlier call).
  const bool has_callbacks;
  // Per user box: whether its instances can be finalised
  // (mir::finalisable_boxes); a field access by slot on a Handle tests the
  // FINALISED bit only for those.
  const std::vector<bool> finalisable;

  // The LLVM type of a value of tag `t`; null for Void (no value).
  llvm::Type* type_of(mir::Tag t) const;
  // The stand-in for a Void value where MIR names one: the Void handle 0,
  // so a Void that reaches a Handle position is already correct.
  llvm::Constant* void_value() const;

  // The `reml_loc_t` constant of a source position (one per distinct line:col).
  llvm::Constant* loc(mir::Loc l);
  // The payload address of the immortal String literal of pool entry `index`.
  llvm::Constant* string_literal(uint32_t index);
  // The payload address of an immortal String constant with `text`.
  llvm::Constant* immortal_string(const std::string& text);
  // A NUL-terminated C string constant (field names, method names, messages).
  llvm::Constant* cstring(const std::string& text);
  // The call_method dispatcher for method `name` with `argc` arguments after
  // the receiver: i64 (i64 recv, i64 args..., ptr loc). Declared here,
  // defined by define_dispatchers (module_glue.h) once every function exists.
  llvm::Function* dispatcher(const std::string& name, uint32_t argc);
  // The lowest frame address calls may start from before they are the
  // runtime error `Stack overflow` (an i64 set by main; 0 until then, which
  // disables the check).
  llvm::GlobalVariable* stack_limit();
  // The location of the last instruction that called into the runtime where
  // the runtime may run a user toString(): where an overflow inside the
  // to-string hook is reported (the VM's published pc).
  llvm::GlobalVariable* runtime_loc();
  // `void hako.stack_overflow(const reml_loc_t*)`: the noreturn, cold report.
  llvm::Function* stack_overflow();
  // The dispatchers requested so far, by (method name, argc).
  const std::map<std::pair<std::string, uint32_t>, llvm::Function*>& dispatchers() const { return dispatchers_; }
  // The reml_ptr_type_t of pointer (or FnPtr) C type `t`: a private constant
  // built from mir::ptr_type_text, one per C type (ptr_values.cpp).
  llvm::Constant* ptr_type(mir::CTypeId t);
  // The reml_cstruct_type_t of extern struct C type `t` (its fields, their
  // C types, offsets and descriptors): a private constant, one per struct
  // type, nested ones included (ffi_structs.cpp).
  llvm::Constant* cstruct_type(mir::CTypeId t);
  // The C function of FnPtr signature `sig` that calls static function `f`
  // (a callback trampoline, docs/ffi.md "Callbacks"), defined on first use
  // (ffi_callbacks.cpp). Every function must be declared already.
  llvm::Function* callback(mir::FuncId f, mir::CTypeId sig);

 private:
  llvm::GlobalVariable* stack_limit_ = nullptr;
  llvm::GlobalVariable* runtime_loc_ = nullptr;
  llvm::Function* stack_overflow_ = nullptr;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, llvm::Constant*> locs_;  // by (file, line, col)
  std::unordered_map<std::string, llvm::Constant*> strings_;
  std::unordered_map<std::string, llvm::Constant*> cstrings_;
  std::map<std::pair<std::string, uint32_t>, llvm::Function*> dispatchers_;
  std::vector<llvm::Constant*> ptr_types_;  // per mir::CTypeId; null until used
  std::vector<llvm::Constant*> cstruct_types_;  // per mir::CTypeId; null until used
  std::map<std::pair<uint32_t, uint32_t>, llvm::Function*> callbacks_;  // by (FuncId, CTypeId)
};

// A builder at the entry block of a new glue function (dispatcher, hook,
// main, callback trampoline); with -g the function gets an artificial
// subprogram and line-0 locations, so user code inlined into it keeps valid
// scopes.
struct Glue {
  Glue(ModuleState& ms, llvm::Function* fn, const std::string& name);
  llvm::IRBuilder<> b;
};

// The state of one function being lowered.
struct FunctionState {
  FunctionState(ModuleState& ms, mir::FuncId id);

  ModuleState& ms;
  const mir::Function& f;
  llvm::Function* fn;
  llvm::IRBuilder<> b;
  std::vector<llvm::Value*> vals;           // per SSA value (Void values: ms.void_value())
  std::vector<llvm::BasicBlock*> blocks;    // per MIR block; null when unreachable from bb0
  std::vector<llvm::BasicBlock*> exits;     // per MIR block: the LLVM block holding its terminator
  llvm::BasicBlock* entry = nullptr;        // before bb0: per-call facts, then a branch to bb0

  // The LLVM value of SSA value `v`.
  llvm::Value* val(mir::ValueId v) const { return vals[v]; }
  // The tag of SSA value `v`.
  mir::Tag tag(mir::ValueId v) const { return f.value_tags[v]; }
  // Records the result of `in` (ignored when it has none).
  void set(const mir::Inst& in, llvm::Value* v);
  // The location constant of `in`, for fallible runtime calls.
  llvm::Constant* loc(const mir::Inst& in) { return ms.loc(in.loc); }
  // Whether this activation's frame lies below the stack limit, computed
  // once in `entry`: neither the frame address nor the limit changes during
  // a call, so one test serves every call site of the function.
  llvm::Value* stack_exhausted();

 private:
  llvm::Value* stack_exhausted_ = nullptr;
};

// Value conversions shared by instruction handlers and the module glue. Each
// emits at `b`'s insertion point.

// Bool (i1) as the runtime's int64_t 0/1.
llvm::Value* bool_to_i64(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* v);
// A runtime int64_t truth value as Bool (i1).
llvm::Value* i64_to_bool(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* v);
// A value of tag `t` as a Handle (Int, Float and Bool are boxed; Void is 0).
llvm::Value* to_handle(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* v);
// A Handle as a value of tag `t` with the runtime's kind check at `loc`
// (`Type error: expected K, got K`); null for Void (after checking it is Void).
llvm::Value* from_handle(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* h, llvm::Value* loc);
// The runtime type tag of objects of tag `t` (String, ArrayBox, ..., user
// box; mir::object_type_tag); throws UnhandledMir for a non-object tag.
uint32_t required_type_tag(mir::Tag t);
// Whether the frame of the function `b` emits into lies below the stack
// limit (an i1 computed at `b`'s insertion point).
llvm::Value* stack_below_limit(ModuleState& ms, llvm::IRBuilder<>& b);
// Stops with `Stack overflow` at `loc` when `exhausted` (stack_below_limit)
// holds: the VM's check before every call, for native frames. The block is
// split; `b` continues in the non-overflow path.
void emit_stack_check(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* exhausted, llvm::Value* loc);
// Records `loc` as the runtime location (ModuleState::runtime_loc) before a
// runtime call that may re-enter user code.
void note_runtime_loc(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* loc);
// A call of Hako code (a lowered function or a dispatcher), marked notail:
// every Hako call keeps its frame, as in the VM, so neither tail recursion
// elimination nor sibling calls turn a recursion that overflows the stack
// (`Stack overflow`) into a loop that never ends.
llvm::CallInst* hako_call(llvm::IRBuilder<>& b, llvm::Function* callee, llvm::ArrayRef<llvm::Value*> args);
// Throws UnhandledMir for `in`, which the handler `handler` does not lower.
[[noreturn]] void unhandled(const FunctionState& fs, const mir::Inst& in, const char* handler);
// Calls reml_internal_error(message) and ends the block with `unreachable`.
void emit_internal_error(ModuleState& ms, llvm::IRBuilder<>& b, const std::string& message);

}  // namespace hako::codegen
