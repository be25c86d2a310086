// The checked program: sema's output and lower's input. The AST plus side
// tables, indexed by ast::Expr::id and by local id, that settle every name,
// every kind and every conversion, so that lowering only translates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ast/ast.h"
#include "base/source_map.h"
#include "mir/mir.h"

namespace hako::sema {

using mir::Kind;
using mir::Tag;

inline constexpr uint32_t kNone = UINT32_MAX;

// A conversion applied to an expression's value where it meets a position
// of another kind (seed 003: explicit box/unbox/cast, never guessed later).
enum class Coercion : uint8_t {
  None,        // same kind
  Box,         // any kind → Handle
  Unbox,       // Handle → `target` with a run-time kind check
  IntToFloat,  // Int → Float (mixed arithmetic)
  ToString,    // any kind → String (concatenation; user toString() if defined)
  Truthy,      // any kind → Bool by truthiness (conditions, !, &&, ||)
  Discard,     // the value is unused (expression statements)
  NullPtr,     // Void → the null pointer of pointer tag `target` (an extern argument)
};

// How a built-in method call is carried out (reml_builtin_methods.def).
enum class BuiltinImpl : uint8_t {
  Runtime,      // call_rt `rt` on (receiver, args...)
  RuntimeArgs,  // call_rt `rt` on (args...): the receiver carries no state (ConsoleBox)
  Op,           // a MIR instruction `op` on (receiver, args...)
  Identity,     // the receiver itself
  ToStr,        // toString() of a non-user value: to_str
};

// One row of reml_builtin_methods.def.
struct BuiltinMethod {
  uint32_t row;        // its index among all rows, in file order (as the runtime counts them)
  Kind receiver;       // String, Int, Float, Bool, Array, Map, Console, Void, Box (any user box)
  int32_t method;      // REML_METHOD_* id
  const char* name;
  const char* params;  // parameter letters; K is a map key (a checked Handle)
  char result;         // result letter, '-' for Void
  BuiltinImpl impl;
  std::optional<mir::RtFn> rt;  // Runtime, RuntimeArgs, and Op (the run-time equivalent)
  std::optional<mir::Op> op;    // Op
};

// What a name, field access or call refers to.
enum class ResKind : uint8_t {
  Unresolved,
  Local,          // NameRef: local `local`
  StaticBox,      // NameRef: a static box used as a receiver (`Util.f()`)
  Global,         // FieldGet / assignment: static box field `global`
  InstanceField,  // FieldGet on Box(T): field `field` of box `box`
  DynamicField,   // FieldGet on a Handle: looked up by name at run time
  DirectCall,     // Call/MethodCall: function `func`; receiver passed as me when it has_me
  DynamicCall,    // MethodCall on a Handle: call_method by name
  Builtin,        // MethodCall on a built-in kind: `builtin`
  NewUser,        // New of user box `box`, then birth `func` (kNone: no birth)
  NewStruct,      // New of extern struct box `box`: its fields from the arguments, or all zero (docs/ffi.md)
  NewBuiltin,     // New ArrayBox / MapBox / ConsoleBox (kind in ExprInfo::kind)
  NewValueBox,    // New StringBox/IntegerBox/FloatBox/BoolBox: the converted argument
  ExternCall,     // Call: extern "C" function `ext` (docs/ffi.md)
  CallbackRef,    // FieldGet `Box.method` passed for an FnPtr parameter: static function `func`
};

// How a binary operator is carried out once kinds are known.
enum class BinaryImpl : uint8_t {
  Op,          // instruction `op` on the coerced operands
  ConstFalse,  // mixed kinds under ==: both sides evaluated, result false
  ConstTrue,   // mixed kinds under !=
  SwapOp,      // instruction `op` with operands swapped (Float == Int → eq_if)
  NotOp,       // instruction `op`, then not_b (Int != Float → !eq_if)
  NotSwapOp,   // both of the above (Float != Int)
};

// The plan for one binary operation (a Binary expression or a compound
// assignment): the operand conversions, then `op` (or a constant).
struct BinaryPlan {
  BinaryImpl impl = BinaryImpl::Op;
  std::optional<mir::Op> op;  // absent exactly when impl is ConstFalse/ConstTrue
  Tag result = Tag::of(Kind::Void);
  Coercion lhs = Coercion::None;
  Tag lhs_target = Tag::of(Kind::Void);
  Coercion rhs = Coercion::None;
  Tag rhs_target = Tag::of(Kind::Void);
};

struct ExprInfo {
  Tag kind = Tag::of(Kind::Void);  // the kind the expression produces
  Coercion coercion = Coercion::None;
  Tag target = Tag::of(Kind::Void);  // the kind after `coercion`
  ResKind res = ResKind::Unresolved;
  uint32_t local = kNone;
  uint32_t box = kNone;
  uint32_t field = kNone;
  uint32_t global = kNone;
  uint32_t func = kNone;
  uint32_t ext = kNone;  // ExternCall: the index in CheckedProgram::ffi.externs
  const BuiltinMethod* builtin = nullptr;
  BinaryPlan binary;                  // Binary expressions
  std::optional<mir::Op> op;          // Unary expressions (set by sema when they check)
};

struct LocalInfo {
  std::string name;
  Tag kind = Tag::of(Kind::Void);
  bool reassigned = false;  // the target of some assignment after its declaration
};

struct FieldInfo {
  std::string name;
  bool is_weak = false;
};

struct FuncInfo {
  std::string name;   // "Box.method/arity"
  uint32_t box = kNone;
  bool has_me = false;  // an instance method: receives the instance first
  const ast::MethodDecl* decl = nullptr;
  std::vector<uint32_t> params;  // local ids
  Tag ret = Tag::of(Kind::Void);
  bool dynamically_callable = false;  // some call_method may reach it
};

struct BoxInfo {
  std::string name;
  bool is_static = false;
  const ast::BoxDecl* decl = nullptr;
  std::vector<FieldInfo> fields;     // instance fields (empty for static boxes)
  std::vector<uint32_t> globals;     // static box fields, as global indices
  std::vector<uint32_t> methods;     // FuncInfo indices
  bool has_to_string = false;        // defines toString/0
  uint32_t to_string_func = kNone;
  // The instance method fini/0 (§8), or kNone. It runs at most once per
  // instance; the box's other methods and its fields are then off limits.
  uint32_t fini_func = kNone;
  // The extern struct whose values this box holds (docs/ffi.md "Structs"):
  // its C type in CheckedProgram::ffi. Such a box has no declaration and no
  // methods.
  std::optional<mir::CTypeId> cstruct;
};

struct GlobalInfo {
  std::string name;  // "Box.field"
};

// A compound assignment `t op= v`: read t, combine by `plan`, convert the
// result to the target's kind, store.
struct CompoundInfo {
  BinaryPlan plan;
  Coercion store = Coercion::None;
  Tag store_target = Tag::of(Kind::Void);
};

// What sema knows of one extern function of CheckedProgram::ffi.externs
// beyond the MIR declaration: where it was declared and the contract facts
// the audit records report (docs/ffi.md, "Audit records").
// Entry i describes ffi.externs[i].
struct ExternDeclInfo {
  base::Span span;          // the declaration
  std::string callconv;     // "c" or the target's own name
  std::string target;       // the @target it was declared for, or empty (every target)
};

struct CheckedProgram {
  const ast::Program* program = nullptr;
  const base::SourceMap* sources = nullptr;  // the program's files, for positions
  std::vector<BoxInfo> boxes;     // user boxes, static and instance, in source order
  std::vector<FuncInfo> funcs;
  std::vector<GlobalInfo> globals;
  std::vector<LocalInfo> locals;  // indexed by local id
  std::vector<ExprInfo> exprs;    // indexed by Expr::id
  std::unordered_map<const ast::AssignStmt*, CompoundInfo> compounds;
  uint32_t main_func = kNone;
  // For an instance `box Main`: main runs on a new Main, made as `new Main()`
  // is (fields null, then its birth() when it has one).
  struct MainInstance {
    uint32_t box = kNone;
    std::optional<uint32_t> birth;  // Main's birth/0
  };
  std::optional<MainInstance> main_instance;
  // The target the program is checked for (base/targets.h).
  std::string target;
  // The C side: `ffi.ctypes` is the C type table pointer tags (Tag::ctype)
  // index, `ffi.externs` the extern functions declared for the target.
  // Lowering moves both into the MIR module; nothing else of `ffi` is used.
  mir::Module ffi;
  std::vector<ExternDeclInfo> extern_decls;  // parallel to ffi.externs

  const ExprInfo& info(const ast::Expr& e) const { return exprs[e.id]; }
};

}  // namespace hako::sema
